// Matmul on the highway GEMM (kernels/highway_gemm-inl.h: packed panels and a register-blocked
// FMA micro-kernel, one copy per Highway target).
//
// Threads split the output into bands of columns over all rows where there are enough columns
// (ShareOf), so each band's packed panels of B are used by every row of A (dinp's and the
// weight gradient's row-major B is packed inside the first row strip's kernels; a forward whose
// weight has more rows than inp is turned around, outᵀ = weight · inpᵀ, so that the packed
// operand is the smaller one), and each output element is summed by one thread in a fixed
// order, the same whatever the thread count. The weight gradient is split into blocks of output
// rows instead (WeightGradientRows), each of which stages its slice of dout transposed
// (TransposeDoutSlice) so the GEMM streams it.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/matmul/matmul_highway.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include <omp.h>

#include "hwy/highway.h"
#include "kernels/highway_gemm-inl.h"
#include "kernels/matmul/matmul_bias.h"
#include "kernels/scratch.h"

HWY_BEFORE_NAMESPACE();
namespace gpt2 {
namespace HWY_NAMESPACE {

constexpr int kBlockCols = 128;

int Blocks(int n, int block) { return (n + block - 1) / block; }

// Rows of dweight per block: each block transposes its slice of dout (rows × B·T floats) once
// and then computes all of its columns, packing each block of inp anew, so taller blocks pack
// inp less often. At B·T ≥ 1024 384 rows beat 128 on every layer shape (bench_kernels, 1
// thread, B=4 T=1024, alternated twice: matmul_backward 4-8% faster, matmul_backward_adamw
// 3-5%; twice more with this code, qkv 2.5-3.6% faster, fc within ±2%). Below that, 192 rows:
// 16 whole register strips, where 128 left one of 8 rows. At B=4 T=64, 1 thread (in-process
// alternation, medians of 11-21 calls, three runs) the weight gradient of qkv, fc, fcproj and
// the LM head took 1.7-4.0% less time than with 128, attproj's -4.0 to +2.2%; the AdamW-fused
// kernel -2.3 to +0.7%. (384 split the fused kernel's shapes either way there.)
//
// With more threads than blocks of that height, the blocks are cut shorter (in whole register
// strips) so that every thread gets the same number: at B=4 T=64 the 768-row weights of
// attproj and fcproj were 4 blocks of 192, and on 16 threads 12 of them waited (a step's
// matmul_backward_adamw took 198 ms on 8 threads and 182 on 16, on a 16-core Xeon). One or two
// threads keep the heights above on every GPT-2 shape.
int WeightGradientRows(int M, int OC, int threads) {
  const int tallest = M >= 1024 ? 384 : 192;
  const int rounds = Blocks(Blocks(OC, tallest), threads);  // blocks a thread takes in turn
  const int strip = static_cast<int>(kGemmRows);
  return std::min(tallest, Blocks(Blocks(OC, rounds * threads), strip) * strip);
}

// One thread's share of an M × N output: rows [m0, m1) × columns [n0, n1), empty for a thread
// left without work.
struct OutputShare {
  int m0 = 0, m1 = 0, n0 = 0, n1 = 0;
  bool empty() const { return m0 >= m1 || n0 >= n1; }
};

// Columns of a share come in whole panels of 32, two AVX-512 vectors (a multiple of every
// target's panel width).
constexpr int kShareColumns = 32;

// Splits an M × N output among `threads` as a grid of row bands × column bands, one cell a
// thread, rows in whole register strips and columns in whole panels, with the fewest strips ×
// panels in the largest cell; among equal splits, the one with fewest row bands, since each
// row band packs its columns' B again. So the columns alone are split while there are enough
// of them, as with one or two threads on every GPT-2 shape; rows are cut too where columns
// would leave threads idle or uneven (at B=4 T=64, dinp's 768 columns, 24 panels, over 16
// threads: 2 row bands × 8 column bands, 11 strips × 3 panels each).
OutputShare ShareOf(int thread, int threads, int M, int N) {
  const int strips = Blocks(M, static_cast<int>(kGemmRows)), panels = Blocks(N, kShareColumns);
  if (strips == 0 || panels == 0) return {};
  int row_bands = 1;
  long fewest = -1;
  for (int rows = 1; rows <= std::min(threads, strips); ++rows) {
    const long cells =
        static_cast<long>(Blocks(strips, rows)) * Blocks(panels, std::min(threads / rows, panels));
    if (fewest < 0 || cells < fewest) fewest = cells, row_bands = rows;
  }
  const int col_bands = std::min(threads / row_bands, panels);
  if (thread >= row_bands * col_bands) return {};
  // Band i of `bands` over `units` units of `unit` elements, clipped to `limit`.
  const auto edge = [](int units, int bands, int i, int unit, int limit) {
    return std::min(limit, units * i / bands * unit);
  };
  const int rb = thread / col_bands, cb = thread % col_bands, rows = static_cast<int>(kGemmRows);
  return {edge(strips, row_bands, rb, rows, M), edge(strips, row_bands, rb + 1, rows, M),
          edge(panels, col_bands, cb, kShareColumns, N),
          edge(panels, col_bands, cb + 1, kShareColumns, N)};
}

// dout_t (rows × M, rows ld floats apart) = the rows × M block of doutᵀ starting at output o0:
// dout_t[r·ld + m] = dout[m·OC + o0 + r]. With dbias, also dbias[o0 + r] += Σ_m dout_t[r, m],
// each summed from zero in the order of m, as AccumulateBiasGradient sums it (so to the same
// float), while the values are in registers: the bias gradient then costs no pass over dout
// of its own (at B=4 T=1024, 1 thread, after dinp as in a step: that pass took 0.5-2.5 ms a
// call, the transposes with the sums at most 0.6 ms longer; timed inside the call, medians of 9).
// Whole vector tiles go through the in-register transpose; the edges element by element.
//
// One band of kLanes rows of dout_t is written at a time, down the whole of M: its stores then
// run along kLanes lines in sequence, which the hardware prefetcher follows, where sweeping all
// the block's rows at each m wrote to one line in each of `rows` places, each a miss (at B=4
// T=1024, 1 thread, transposing the qkv slices took 2.0-3.0 ms instead of 3.7-4.1, fcproj's
// 0.5-0.6 instead of 1.2-1.9; three alternations). The reads are a column walk the hardware
// prefetcher does not follow, so each tile asks for its rows' lines of the next band (and
// WeightGradient has the whole slice asked for while the block before it computes).
void TransposeDoutSlice(float* dout_t, float* dbias, const float* dout, int M, int OC, int o0,
                        int rows, int ld) {
  const auto at = [&](int m, int r) { return dout + static_cast<size_t>(m) * OC + o0 + r; };
  // Row r of dout_t from m_begin on, element by element, its sum continued from `sum`.
  const auto finish_row = [&](int r, int m_begin, float sum) {
    for (int m = m_begin; m < M; ++m) {
      dout_t[static_cast<size_t>(r) * ld + m] = *at(m, r);
      sum += *at(m, r);
    }
    if (dbias != nullptr) dbias[o0 + r] += sum;
  };
  int r0 = 0;
#if HWY_TARGET != HWY_SCALAR  // one-lane vectors have nothing to transpose
  const hn::ScalableTag<float> d;
  using V = decltype(hn::Zero(d));
  constexpr int kLanes = static_cast<int>(hn::MaxLanes(hn::ScalableTag<float>()));
  for (; r0 + kLanes <= rows; r0 += kLanes) {
    V sum = hn::Zero(d);  // lane q: Σ_m dout[m, o0 + r0 + q]
    const bool band_follows = r0 + 2 * kLanes <= rows;
    int m0 = 0;
    for (; m0 + kLanes <= M; m0 += kLanes) {
      float* band = dout_t + static_cast<size_t>(r0) * ld + m0;
      V tile[kLanes];
      for (int i = 0; i < kLanes; ++i) {
        if (band_follows) __builtin_prefetch(at(m0 + i, r0 + kLanes));
        tile[i] = hn::LoadU(d, at(m0 + i, r0));
        sum = hn::Add(sum, tile[i]);  // with or without dbias: beside log2(lanes) permutes a row
      }
      TransposeTile<kLanes>(d, tile);
      for (int q = 0; q < kLanes; ++q) hn::StoreU(tile[q], d, band + static_cast<size_t>(q) * ld);
    }
    HWY_ALIGN float sums[kLanes];
    hn::Store(sum, d, sums);
    for (int q = 0; q < kLanes; ++q) finish_row(r0 + q, m0, sums[q]);
  }
#endif
  for (int r = r0; r < rows; ++r) finish_row(r, 0, 0.0f);
}

// The row stride of a transposed dout slice: M floats, and a cache line more where M floats are
// a multiple of 4 KiB, which would put the same column of every row into one L1 set (the 12
// rows a micro-kernel broadcasts from, 16 KiB apart at B·T = 4096). At B=4 T=1024, 1 thread,
// the weight gradient took 2.8-3.3% less time with it (qkv, fc, fcproj; in-process
// alternation, medians of 7 calls; two alternations of whole binaries were within their noise);
// at T=64 (1 KiB rows, four to a set) a pad gained nothing.
int SliceStride(int M) { return M % 1024 == 0 ? M + static_cast<int>(kFloatsPerLine) : M; }

// Whether the forward computes outᵀ = weight · inpᵀ (see MatmulForwardEpilogue): when the
// weight has more rows than inp, and inp from 16 to 384 rows. Turned around, the weight is read
// once per 128 rows of inp, so at B·T = 1024 the layers' qkv and fc and the LM head ran 1-3%
// slower, at 512 level; below 16 rows the product streams the weight from memory either way,
// and the packing path did that faster. Measured with every weight of a d12 step cold (a
// harness calling the forward on each layer in turn, the two ways interleaved, 1 thread), the
// time saved: B·T = 16 1-26%, 32 23-39%, 128 12-15%, 256 4-5%, 384 0-2%.
bool ForwardTransposed(int M, int C, int OC) { return C > 0 && M >= 16 && M <= 384 && OC > M; }

// out (B·T, OC) = inp (B·T, C) · weightᵀ + bias: B(p, n) = weight[n·C + p]. With gelu_out,
// also gelu_out = gelu(out), in the GEMM's epilogue: each tile is activated while it is in L1,
// so the pre-activation is never read back.
//
// The GEMM packs its B, and packing a weightᵀ is a transpose, from memory in a training step,
// that no FMA overlaps (at B=4 T=64, 1 thread, 10% of each layer's forward). So when the
// weight has more rows than inp (ForwardTransposed), the product is turned around:
// outᵀ = weight · inpᵀ, with the weight as the GEMM's A, read in place by the micro-kernels as
// their FMAs run, and inpᵀ the packed B, a transpose of the smaller operand (the LM head's
// is 1/196 of its weight), out written through TransposedOverwriteEpilogue. Each thread takes
// a contiguous share of the weight's rows, whole register strips, and packs inpᵀ for itself.
// Both ways every output is the same sum in the same order, so they agree bit for bit.
void MatmulForwardEpilogue(float* out, float* gelu_out, const float* inp, const float* weight,
                           const float* bias, int B, int T, int C, int OC) {
  const int M = B * T;
  if (ForwardTransposed(M, C, OC)) {
#pragma omp parallel
    {
      const int threads = omp_get_num_threads(), thread = omp_get_thread_num();
      const int strips = Blocks(OC, static_cast<int>(kGemmRows));
      const int o0 = std::min(OC, strips * thread / threads * static_cast<int>(kGemmRows));
      const int o1 = std::min(OC, strips * (thread + 1) / threads * static_cast<int>(kGemmRows));
      if (o1 > o0) {
        Gemm(o1 - o0, M, C, 1.0f, {weight + static_cast<size_t>(o0) * C, static_cast<size_t>(C), 1},
             {inp, 1, static_cast<size_t>(C)}, out + o0, OC,
             TransposedOverwriteEpilogue(bias ? bias + o0 : nullptr,
                                         gelu_out ? gelu_out + o0 : nullptr));
      }
    }
    return;
  }
#pragma omp parallel
  {
    const OutputShare share = ShareOf(omp_get_thread_num(), omp_get_num_threads(), M, OC);
    if (!share.empty()) {
      const size_t corner = static_cast<size_t>(share.m0) * OC + share.n0;
      // The bias goes in as the GEMM's starting value: no pass of its own over out.
      Gemm(share.m1 - share.m0, share.n1 - share.n0, C, 1.0f,
           {inp + static_cast<size_t>(share.m0) * C, static_cast<size_t>(C), 1},
           {weight + static_cast<size_t>(share.n0) * C, 1, static_cast<size_t>(C)}, out + corner,
           OC,
           OverwriteEpilogue(bias ? bias + share.n0 : nullptr,
                             gelu_out ? gelu_out + corner : nullptr));
    }
  }
}

void MatmulForward(float* out, const float* inp, const float* weight, const float* bias, int B,
                   int T, int C, int OC) {
  MatmulForwardEpilogue(out, nullptr, inp, weight, bias, B, T, C, OC);
}

void MatmulGeluForward(float* out, float* gelu_out, const float* inp, const float* weight,
                       const float* bias, int B, int T, int C, int OC) {
  MatmulForwardEpilogue(out, gelu_out, inp, weight, bias, B, T, C, OC);
}

// The GEMM's blocking for dinp. The LM head's at few rows (K = Vp = 50304, M = B·T = 256 at
// B=4 T=64) takes K blocks of at most 512 and column blocks of 384 instead of 1024 and 128: a
// row strip's 12 × 512 floats stay in L1 while every panel of the block uses them, where
// 12 × 1006 filled it, and its dout (51 MB) is read from memory once per column block: 2 passes
// at 1 thread, and at 2 threads one per thread (each thread's 384 columns are one block, where
// 256 columns left it a second, 128-wide block that read dout again for a third as many FMAs).
// On one Zen 5 core, dinp alone with caches flushed (medians of 7 calls, alternated), 512 × 256
// ran 3-4% faster than the default at M = 256 (4 runs); level at M = 1024, and level or 1-2%
// slower on the layers' dinp at T=64 and T=1024, which keep the default
// (results/zen5-2026-12-05/). On the 2-core Intel Xeon, 384 columns against 256: 63.1-63.4% →
// 65.6-65.8% of the paired FMA burst at 2 threads, 65.6-65.9% → 66.7-67.7% at 1 (in-process
// alternation, medians of 15 calls, caches flushed), and in the d12 step the LM head's dinp fell
// from 0.336-0.342 to 0.325-0.331 of the forward matmuls' time at 2 threads, 0.327-0.332 to
// 0.322-0.328 at 1 (bench_step's breakdown, alternated 4 and 3 times; results/xeon-2026-12-08/).
GemmBlocking InputGradientBlocking(int M, int OC) {
  if (OC >= 8192 && M < 1024) return {512, 384};
  return {};
}

// dinp (M, C) += dout (M, OC) · weight (OC, C).
void InputGradient(float* dinp, const float* dout, const float* weight, int M, int C, int OC) {
  const GemmBlocking blocking = InputGradientBlocking(M, OC);
#pragma omp parallel
  {
    const OutputShare share = ShareOf(omp_get_thread_num(), omp_get_num_threads(), M, C);
    if (!share.empty()) {
      Gemm(share.m1 - share.m0, share.n1 - share.n0, OC, 1.0f,
           {dout + static_cast<size_t>(share.m0) * OC, static_cast<size_t>(OC), 1},
           {weight + share.n0, static_cast<size_t>(C), 1},
           dinp + static_cast<size_t>(share.m0) * C + share.n0, C, {}, {}, blocking);
    }
  }
}

// dweight (OC, C) += doutᵀ · inp (M, C), or with adamw and its step the weight and its moments
// take an AdamW step from that gradient in the GEMM's epilogue instead (from dweight + doutᵀ · inp;
// dweight must be zero but in the rows that grad_rows_with_sums flags, and is zero on return;
// only tiles with a flagged row read it). With dbias, also
// dbias += Σ_m dout (summed as the slices are transposed).
//
// Read in place, doutᵀ is a column walk down dout (one 48-byte run per row of B·T, rows OC
// floats apart), which the hardware prefetcher does not follow: at T=1024 those reads came from
// L3 and left the weight gradient at 64-70% of the FMA peak. Each block of outputs
// (WeightGradientRows) therefore copies its slice of dout transposed first (a 1/(2C) share of
// the FLOPs' time), then runs the GEMM on contiguous rows for every column block of C.
void WeightGradient(float* dweight, float* dbias, const float* dout, const float* inp, int M, int C,
                    int OC, const AdamwTensor* adamw,
                    const AdamwVectors<hn::ScalableTag<float>>* step,
                    const uint8_t* grad_rows_with_sums) {
  const int block_rows = WeightGradientRows(M, OC, omp_get_max_threads());
  const bool dout_from_memory = static_cast<size_t>(M) * OC * sizeof(float) >= kPrefetchABytes;
#pragma omp parallel for schedule(static)
  for (int ob = 0; ob < Blocks(OC, block_rows); ++ob) {
    const int o0 = ob * block_rows, rows = std::min(block_rows, OC - o0);
    const int ld = SliceStride(M);
    float* dout_t = AlignedThreadScratch(static_cast<size_t>(rows) * ld, kCallerScratch);
    TransposeDoutSlice(dout_t, dbias, dout, M, OC, o0, rows, ld);
    const int column_blocks = Blocks(C, kBlockCols);
    for (int nb = 0; nb < column_blocks; ++nb) {
      const int n0 = nb * kBlockCols, cols = std::min(kBlockCols, C - n0);
      const size_t offset = static_cast<size_t>(o0) * C + n0;
      const GemmEpilogue epilogue =
          adamw ? AdamwEpilogue(*step, adamw->param + offset, adamw->m + offset, adamw->v + offset,
                                grad_rows_with_sums ? grad_rows_with_sums + o0 : nullptr)
                : GemmEpilogue{};
      // Where dout comes from memory, the last column block's GEMM asks for the dout slice of
      // this thread's next block into L2 as it runs (schedule static: the next block but at the
      // end of the thread's share), so that slice's transpose overlaps these FMAs. With the
      // transpose's own next-band requests, the LM head's weight gradient at B=4 T=64, 1 thread,
      // caches flushed, spent 2.0-2.5 ms a call transposing instead of 5.0-6.7 and reached
      // 87.9-88.8% of the paired FMA peak instead of 85.2-87.3% (in-process alternation, three
      // runs of 11 calls each, medians). Spread over all six column blocks the slice's lines
      // stayed in L2 longer, evicting what the GEMMs used, and gained less.
      LineShare next_slice;
      if (dout_from_memory && nb == column_blocks - 1 && o0 + block_rows < OC) {
        const int next_rows = std::min(block_rows, OC - o0 - block_rows);
        next_slice.row = dout + o0 + block_rows;
        next_slice.stride = static_cast<size_t>(OC);
        next_slice.lines_per_row = Blocks(next_rows, static_cast<int>(kFloatsPerLine));
        next_slice.end = next_slice.lines_per_row * M;
      }
      Gemm(rows, cols, M, 1.0f, {dout_t, static_cast<size_t>(ld), 1},
           {inp + n0, static_cast<size_t>(C), 1}, dweight + offset, C, epilogue, {}, {},
           next_slice);
    }
  }
}

// dinp (B·T, C) += dout · weight;  dweight (OC, C) += doutᵀ · inp;  dbias += Σ dout.
void MatmulBackward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                    const float* weight, int B, int T, int C, int OC) {
  const int M = B * T;
  if (dinp != nullptr) InputGradient(dinp, dout, weight, M, C, OC);
  if (dweight != nullptr) {
    WeightGradient(dweight, dbias, dout, inp, M, C, OC, nullptr, nullptr, nullptr);
  } else if (dbias != nullptr) {
    AccumulateBiasGradient(dbias, dout, M, OC);
  }
}

// MatmulBackward with the weight's AdamW step in the weight-gradient GEMM's epilogue: each
// finished 12 × 32 gradient tile updates its parameters and moments while in L1, so the
// layer weights' gradients are never written to memory, nor read back and zeroed by
// adamw_update (0.3 GB each way at d12), and AdamW's streams of parameters and moments are
// prefetched while the tile's FMAs run, where the separate pass waits on memory alone. The bias
// (OC values) is summed with the weight gradient (WeightGradient) and stepped right away.
void MatmulBackwardAdamw(float* dinp, const AdamwTensor& weight, const AdamwTensor& bias,
                         const float* dout, const float* inp, int B, int T, int C, int OC,
                         const AdamwStep& step, const uint8_t* grad_rows_with_sums) {
  const int M = B * T;
  const hn::ScalableTag<float> d;
  const AdamwVectors<hn::ScalableTag<float>> adamw(d, step);
  if (dinp != nullptr) InputGradient(dinp, dout, weight.param, M, C, OC);  // before the step
  WeightGradient(weight.grad, bias.param != nullptr ? bias.grad : nullptr, dout, inp, M, C, OC,
                 &weight, &adamw, grad_rows_with_sums);
  if (bias.param != nullptr) {
    AdamwSpan(d, adamw, bias.grad, bias.param, bias.m, bias.v, static_cast<size_t>(OC),
              /*zero_grads=*/true);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace gpt2
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "kernels/families.h"

namespace gpt2 {
HWY_EXPORT(MatmulForward);
HWY_EXPORT(MatmulBackward);
HWY_EXPORT(MatmulGeluForward);
HWY_EXPORT(MatmulBackwardAdamw);

namespace {
void MatmulForwardHighway(float* out, const float* inp, const float* weight, const float* bias,
                          int B, int T, int C, int OC) {
  HWY_DYNAMIC_DISPATCH(MatmulForward)(out, inp, weight, bias, B, T, C, OC);
}
void MatmulBackwardHighway(float* dinp, float* dweight, float* dbias, const float* dout,
                           const float* inp, const float* weight, int B, int T, int C, int OC) {
  HWY_DYNAMIC_DISPATCH(MatmulBackward)(dinp, dweight, dbias, dout, inp, weight, B, T, C, OC);
}
void MatmulGeluForwardHighway(float* out, float* gelu_out, const float* inp, const float* weight,
                              const float* bias, int B, int T, int C, int OC) {
  HWY_DYNAMIC_DISPATCH(MatmulGeluForward)(out, gelu_out, inp, weight, bias, B, T, C, OC);
}
void MatmulBackwardAdamwHighway(float* dinp, const AdamwTensor& weight, const AdamwTensor& bias,
                                const float* dout, const float* inp, int B, int T, int C, int OC,
                                const AdamwStep& step, const uint8_t* grad_rows_with_sums) {
  HWY_DYNAMIC_DISPATCH(MatmulBackwardAdamw)
  (dinp, weight, bias, dout, inp, B, T, C, OC, step, grad_rows_with_sums);
}
}  // namespace

void RegisterMatmulHighway(KernelTable& table) {
  table.matmul_forward = MatmulForwardHighway;
  table.matmul_backward = MatmulBackwardHighway;
  table.matmul_gelu_forward = MatmulGeluForwardHighway;
  table.matmul_backward_adamw = MatmulBackwardAdamwHighway;
}

}  // namespace gpt2
#endif  // HWY_ONCE
