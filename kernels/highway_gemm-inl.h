// The highway family's GEMM, compiled once per Highway target (an -inl.h in Highway's sense: it is
// included from inside each kernel file's foreach_target pass).
//
// C (M×N) += alpha · A (M×K) · B (K×N), with A(m,p) = a[m·a_rs + p·a_cs] and
// B(p,n) = b[p·b_rs + n·b_cs], so transposed operands are just swapped strides.
//
// Three levels of blocking, each for one level of the memory hierarchy:
//  - Registers: a kGemmRows × (2 vectors) block of C stays in registers for the whole K loop.
//    Each step loads two B vectors and broadcasts one A value per row, for 2 FMAs per row. With
//    6 rows, 12 accumulators + 2 B vectors + 1 broadcast fit the 16 registers of SSE4 and AVX2;
//    AVX-512's 32 registers take 12 rows (24 accumulators), which halves the B loads per FMA.
//    Either way at least 12 independent FMA chains cover the FMA latency (4 cycles) times two
//    FMA ports.
//  - L1: the kGemmRows × kc strip of A (up to 12 × 1024 floats, 48 KiB) stays in L1 (or close
//    to it) while the kernel sweeps the packed panel. With 16 registers the kernels go panel by
//    panel instead, over blocks of rows of A (kPanelOuterRows).
//  - L2: B is packed, kc rows × kNc columns (up to 512 KiB), into micro-panels laid out in the
//    order the kernel reads them, so the inner loop streams B with unit stride from L2 whatever
//    B's strides were; columns past N are packed as zeros, so edges need no special kernel.
//    Packing moves whole vectors (a transposed B through an in-register tile transpose). A
//    row-major B is packed by the first row strip's micro-kernels as they stream it (each B
//    vector loaded is also stored to the panel), so the copy hides under their FMAs instead of
//    running on its own: at B=4 T=64, 1 thread, the layers' dinp and weight-gradient GEMMs ran
//    3-8% faster than with a separate PackB (the LM head's 1-2%).
//  - Depth: K is cut into equal blocks of at most kMaxKc = 1024 (K=768 in one, 3072 in three;
//    a call may ask for other blockings: GemmBlocking).
//    Deep blocks mean fewer passes over each C tile and fewer calls; on one Zen 5 core they beat
//    256-deep ones on every GPT-2 shape, by 2-13% (bench_kernels, 1 thread, alternated twice).
//  - Memory: software prefetches cover what a training step brings from DRAM, the C tile (asked
//    for before its K loop), the weights being packed (a few lines ahead of each stream) and a
//    large or weight A (the next row strip, through each kernel's K loop); and the packed panel
//    is asked for from L2 into L1 a few steps ahead of each kernel's loads (kPanelAheadSteps);
//    a caller may hand Gemm lines it will need after the call, to be asked for during it.
//  - C may be stored transposed (TileEpilogue::transposed), for a forward turned around as
//    outᵀ = weight · inpᵀ (matmul_highway.cc); each tile is turned in registers as it is stored.
//  - A transposed A (column stride > 1, row stride 1: attention's probabilitiesᵀ and score
//    gradientsᵀ in its backward) would make the kernel step K by a whole row of the matrix,
//    touching a new line per step, so its strip is copied first into kRows-wide contiguous rows;
//    each copy is a short contiguous run. A row-major A is read in place: its rows already stream
//    with unit stride. (The weight gradient's doutᵀ, large enough that these copies missed in
//    cache, is transposed once per block by its caller instead: matmul_highway.cc.)
#if defined(GPT2_KERNELS_HIGHWAY_GEMM_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GPT2_KERNELS_HIGHWAY_GEMM_INL_H_
#undef GPT2_KERNELS_HIGHWAY_GEMM_INL_H_
#else
#define GPT2_KERNELS_HIGHWAY_GEMM_INL_H_
#endif

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "hwy/highway.h"
#include "kernels/highway_adamw-inl.h"
#include "kernels/highway_gelu-inl.h"
#include "kernels/scratch.h"

HWY_BEFORE_NAMESPACE();
namespace gpt2 {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Rows of the register block: 12 on AVX-512, whose 32 registers hold 24 accumulators, 2 B
// vectors and a broadcast; 6 on targets with 16 registers.
#if HWY_TARGET <= HWY_AVX3
constexpr size_t kGemmRows = 12;
#else
constexpr size_t kGemmRows = 6;
#endif
constexpr size_t kMaxKc = 1024;  // the deepest packed panel
constexpr size_t kNc = 128;  // columns of a packed panel (a multiple of 2 vectors up to 512 bits)

struct Strided {
  const float* data;
  size_t row_stride, col_stride;
  const float& operator()(size_t r, size_t c) const {
    return data[r * row_stride + c * col_stride];
  }
};

// Transposes the square tile rows[0..n), n = lanes of d, in registers: afterwards rows[q] lane i
// holds what rows[i] lane q held. Each of the log2(n) stages unzips consecutive pairs of rows
// (even lanes to the first half of the array, odd lanes to the second); log2(n) unzips turn rows
// into columns. A 16×16 float tile costs 64 two-source permutes, a quarter of an op per element,
// where a scalar transpose costs a load and a store per element.
#if HWY_TARGET != HWY_SCALAR  // one-lane vectors have nothing to transpose
template <size_t n, class D, class V>
HWY_INLINE void TransposeTile(D d, V* rows) {
  V unzipped[n];
  for (size_t stage = 1; stage < n; stage *= 2) {
    for (size_t k = 0; k < n / 2; ++k) {
      unzipped[k] = hn::ConcatEven(d, rows[2 * k + 1], rows[2 * k]);
      unzipped[k + n / 2] = hn::ConcatOdd(d, rows[2 * k + 1], rows[2 * k]);
    }
    std::copy_n(unzipped, n, rows);
  }
}
#endif

// How far ahead PackB prefetches: in a step the weights come from memory, in as many streams as
// a panel has columns, more than the hardware prefetcher follows (about 2% off both matmuls in
// bench_step, alternated 7 times).
constexpr size_t kPackAheadRows = 8;      // of a row-major B: 8 rows
constexpr size_t kPackAheadColumns = 64;  // floats along a weight row: 4 cache lines
// How far ahead a packing micro-kernel (Gemm's first strip of a row-major B) prefetches B's
// rows, into L2 only: at 12 cycles a row, 64 rows cover a trip to L3 or DRAM. Into L1 it lost
// the lines again where B's rows are a multiple of 4 KiB apart (fcproj's 12 KiB: every row in
// one L1 set), and 8 or 32 rows ahead were slower (bench harness, 1 thread, B=4 T=64).
constexpr size_t kKernelPackAheadRows = 64;
// A row-major A of at least this many bytes (at T=1024 the layers' inputs and output
// gradients; at T=64 they are 0.8-2.4 MB, which stay in cache) is asked for a strip ahead, a
// line every few steps of each kernel: its 12 short row streams, from L3 or DRAM, were more than
// the hardware prefetcher kept up with (B=4 T=1024, 1 thread: dinp and the forward 4-9% faster;
// at T=64, no change either way).
constexpr size_t kPrefetchABytes = size_t{8} << 20;
constexpr size_t kFloatsPerLine = 16;  // a 64-byte cache line
// How many K steps ahead a micro-kernel asks for its packed panel's lines (into L1; the panel
// is in L2). On an Intel Xeon core, whose hardware prefetchers also follow the strip's 12 rows
// of A, this took the highway GEMMs at B=4 T=64, 1 thread, from 0.7% slower (fcproj forward)
// to 7% faster (LM head forward), the layers' backward 1.6-5.4%, and the d12 step about 2% at 1
// thread (level at 2); results/xeon-2026-12-05/. On AVX-512, 16 steps (2 KiB of panel) did
// better still on that Xeon (in-process alternation over a d12 step's weights, 1 thread): the
// forward 1.5-4% faster at B·T = 256 and 2-7% at 1024, the AdamW-fused weight gradient 1-3.4%
// and 1.5-4%; the d12 step's whole-step ratio 0.02-0.03 lower at 1 and at 2 threads (bench_step,
// alternated 3 and 4 times). The optimum was sharp: 12 steps level with 8, and 14, 20, 24 and
// 32 slower than 8 (results/xeon-2026-12-08/). Other targets keep 8 (measured against none).
// On a Zen 5 core 12, 24 and 32 steps were level with 16, 8 up to 5.6% slower and 4 up to 12.5%
// (in-process alternation over a d12 step's matmuls, 1 thread; results/zen5-2026-12-07/).
#if HWY_TARGET <= HWY_AVX3
constexpr size_t kPanelAheadSteps = 16;
#else
constexpr size_t kPanelAheadSteps = 8;
#endif
// The order of a K block's micro-kernels. AVX-512 (and the default elsewhere): row strips
// outside, so each strip of A meets every panel of the block in turn. With 16 registers (AVX2,
// SSE4): panels outside, within blocks of kPanelOuterRows rows of A, so consecutive kernels share
// a panel and a strip is read again only kPanelOuterRows / 6 kernels later. On one Zen 3 core
// (AVX2, 32 KiB L1, 512 KiB L2) the layers' GEMMs at B=4 T=64, 1 thread, rose from 61-77% to
// 77-86% of the paired FMA peak, and at B=1 T=1024 by 4-22 points (in-process alternation,
// results/zen3-2026-12-06/). On the AVX-512 Xeon (48 KiB L1, 2 MiB L2) it sped the forward up
// only where the weights stayed in cache between calls: in a d12 step, where they come from
// memory, the forward took 7-14% longer (results/xeon-2026-12-06/): AVX-512 keeps strips outside.
#if HWY_TARGET <= HWY_AVX3
constexpr size_t kPanelOuterRows = 0;  // 0: row strips outside
#else
constexpr size_t kPanelOuterRows = 96;
#endif

// Packs B rows [k0, k0+kc) × columns [n0, n0+nc) into micro-panels of `width` columns:
// panel j holds rows p = 0..kc, each `width` contiguous floats. Columns past N are zeros.
//
// Packing is on the critical path (the forward packs every weight once per call, 1/M of the
// FMAs), so both common layouts move whole vectors: this took the forward GEMM from about 128
// to 150 GFLOP/s at M = 256 on one AVX-512 core. Edges and the scalar target fall back to
// element-wise copies.
inline void PackB(float* packed, const Strided& b, size_t k0, size_t kc, size_t n0, size_t nc,
                  size_t N, size_t width) {
#if HWY_TARGET != HWY_SCALAR
  const hn::ScalableTag<float> d;
  using V = decltype(hn::Zero(d));
  constexpr size_t kLanes = hn::MaxLanes(hn::ScalableTag<float>());
  if (b.col_stride == 1 && n0 + nc <= N && nc % width == 0) {
    // Row-major B, all columns valid: walk B row by row, so each row's nc floats are read as
    // one contiguous run (the prefetcher follows it) and scattered into the panels.
    for (size_t p = 0; p < kc; ++p) {
      const float* row = &b(k0 + p, n0);
      const float* ahead = row + kPackAheadRows * b.row_stride;
      for (size_t i = 0; i < nc; i += 16) __builtin_prefetch(ahead + i);
      for (size_t j = 0; j < nc; j += width) {
        float* dst = packed + j * kc + p * width;
        for (size_t jj = 0; jj < width; jj += kLanes) {
          hn::Store(hn::LoadU(d, row + j + jj), d, dst + jj);
        }
      }
    }
    return;
  }
#endif
  for (size_t j = 0; j < nc; j += width) {
    float* panel = packed + j * kc;
    const size_t valid = std::min(width, N - std::min(N, n0 + j));
    size_t packed_rows = 0;
#if HWY_TARGET != HWY_SCALAR
    if (b.row_stride == 1) {
      // B is a transposed row-major matrix (a weight read as weightᵀ): each panel column is a
      // contiguous run. Load kLanes columns kLanes deep, transpose, store whole panel rows.
      for (; packed_rows + kLanes <= kc; packed_rows += kLanes) {
        for (size_t jj = 0; jj < width; jj += kLanes) {
          V tile[kLanes];
          for (size_t i = 0; i < kLanes; ++i) {
            const float* column = &b(k0 + packed_rows, n0 + j + jj + i);
            __builtin_prefetch(column + kPackAheadColumns);
            tile[i] = jj + i < valid ? hn::LoadU(d, column) : hn::Zero(d);
          }
          TransposeTile<kLanes>(d, tile);
          for (size_t q = 0; q < kLanes; ++q) {
            hn::Store(tile[q], d, panel + (packed_rows + q) * width + jj);
          }
        }
      }
    } else if (b.col_stride == 1 && valid == width) {
      // Row-major B: each panel row is a contiguous run of B's row.
      for (; packed_rows < kc; ++packed_rows) {
        const float* row = &b(k0 + packed_rows, n0 + j);
        for (size_t jj = 0; jj < width; jj += kLanes) {
          hn::Store(hn::LoadU(d, row + jj), d, panel + packed_rows * width + jj);
        }
      }
    }
#endif
    for (size_t p = packed_rows; p < kc; ++p) {
      for (size_t jj = 0; jj < width; ++jj) {
        panel[p * width + jj] = jj < valid ? b(k0 + p, n0 + j + jj) : 0.0f;
      }
    }
  }
}

// What a micro-kernel does with its finished sums S = alpha · A · panel (one tile of C):
//  - C += S, or with `overwrite` C = bias + S (bias: one value per column, or null for zeros):
//    the first K block writes C without reading it, so the caller needs no pass of its own to
//    initialise C;
//  - with gelu_c (the last K block only), also gelu_c = gelu(C), while the finished tile is in
//    L1 (GeluVector, kernels/highway_gelu-inl.h);
//  - with adamw (the last K block only), C is a weight gradient that is never kept: the tile's
//    parameters and moments (param, m, v, laid out as C) take an AdamW step from C + S while it
//    is in L1, and C is left zero (written only if earlier K blocks left sums there);
//  - with transposed, C (and gelu_c) are stored transposed, C(m, n) at c[n·ldc + m], and bias
//    holds one value per row of C: the forward computed as outᵀ = weight · inpᵀ (no AdamW).
template <class D>
struct TileEpilogue {
  bool overwrite = false, transposed = false;
  const float* bias = nullptr;
  float* gelu_c = nullptr;
  const AdamwVectors<D>* adamw = nullptr;
  float *param = nullptr, *m = nullptr, *v = nullptr;
  // With adamw: one flag per row of C, nonzero where that row holds sums (null: as overwrite
  // says for every row). Only a tile with a flagged row reads C; the others take it as zero.
  const uint8_t* c_rows_with_sums = nullptr;

  // Where C(row, col) is stored, for a C whose stored rows are ldc floats apart.
  size_t Offset(size_t row, size_t col, size_t ldc) const {
    return transposed ? col * ldc + row : row * ldc + col;
  }
  // This epilogue for the tile at (row, col) of C.
  TileEpilogue At(size_t row, size_t col, size_t ldc) const {
    TileEpilogue e = *this;
    const size_t offset = Offset(row, col, ldc);
    if (bias) e.bias += transposed ? row : col;
    if (gelu_c) e.gelu_c += offset;
    if (adamw) e.param += offset, e.m += offset, e.v += offset;
    if (c_rows_with_sums) e.c_rows_with_sums += row;
    return e;
  }
};

// Finishes a tile of a transposed C (TileEpilogue::transposed) from its spilled sums, rows ×
// (2 vectors): row r of the sums is column r of what is stored. On AVX2 and AVX-512 each
// vector-square block is turned in registers (TransposeTile), so every stored row of the tile
// is one masked vector of `rows` values, with the bias (one per C row) added as a vector; the
// tile's 2·lanes stored rows cost two transposes, against its K loop's 2·rows·kc FMAs.
// Other targets (whose masked loads may read past the mask) gather each stored row through a
// small aligned buffer instead.
template <class D>
HWY_INLINE void FinishTransposedTile(D d, const float* HWY_RESTRICT sums, size_t rows, float alpha,
                                     float* c, size_t ldc, size_t cols, const TileEpilogue<D>& e) {
  const size_t lanes = hn::Lanes(d);
#if HWY_TARGET <= HWY_AVX2  // masked loads and stores touch only the masked lanes
  using V = decltype(hn::Zero(d));
  const V valpha = hn::Set(d, alpha);
  constexpr size_t kLanes = hn::MaxLanes(hn::ScalableTag<float>());
  static_assert(kGemmRows <= kLanes, "a tile's rows fit one vector of C's storage");
  const auto valid = hn::FirstN(d, rows);
  const V bias = e.overwrite && e.bias ? hn::MaskedLoad(valid, d, e.bias) : hn::Zero(d);
  for (size_t half = 0; half * lanes < cols; ++half) {
    V tile[kLanes];
    for (size_t r = 0; r < kLanes; ++r) {
      tile[r] = r < rows ? hn::Load(d, sums + r * 2 * lanes + half * lanes) : hn::Zero(d);
    }
    TransposeTile<kLanes>(d, tile);
    for (size_t q = 0; q < lanes && half * lanes + q < cols; ++q) {
      const size_t at = (half * lanes + q) * ldc;
      const V old = e.overwrite ? bias : hn::MaskedLoad(valid, d, c + at);
      const V sum = hn::MulAdd(valpha, tile[q], old);
      hn::BlendedStore(sum, valid, d, c + at);
      if (e.gelu_c != nullptr) hn::BlendedStore(GeluVector(d, sum), valid, d, e.gelu_c + at);
    }
  }
#else
  constexpr size_t kPadded = (kGemmRows + hn::MaxLanes(d) - 1) / hn::MaxLanes(d) * hn::MaxLanes(d);
  HWY_ALIGN float column[kPadded] = {};
  for (size_t j = 0; j < cols; ++j) {
    float* out = c + j * ldc;
    for (size_t r = 0; r < rows; ++r) {
      const float old = e.overwrite ? (e.bias ? e.bias[r] : 0.0f) : out[r];
      column[r] = old + alpha * sums[r * 2 * lanes + j];
    }
    std::copy_n(column, rows, out);
    if (e.gelu_c != nullptr) {  // the same vector formula as every other GELU
      for (size_t r = 0; r < kPadded; r += lanes) {
        hn::Store(GeluVector(d, hn::Load(d, column + r)), d, column + r);
      }
      std::copy_n(column, rows, e.gelu_c + j * ldc);
    }
  }
#endif
}

// Finishes a tile whose sums (alpha not yet applied) were spilled to `sums`, rows × (2
// vectors): the right-edge tiles (only the valid columns of C, bias and gelu_c are touched) and
// every GELU or AdamW epilogue. Not inlined, so the micro-kernel stays small enough for the
// compiler to keep its 24 accumulators in registers through the K loop (with this code inline
// it spilled them on every step, at a third of the speed). The spill costs two stores and loads
// a vector, against the K loop's hundreds of FMAs for each.
template <class D>
HWY_NOINLINE void FinishTile(D d, const float* HWY_RESTRICT sums, size_t rows, float alpha,
                             float* c, size_t ldc, size_t cols, const TileEpilogue<D>& e) {
  if (e.transposed) {
    FinishTransposedTile(d, sums, rows, alpha, c, ldc, cols, e);
    return;
  }
  const size_t lanes = hn::Lanes(d);
  HWY_ALIGN float row_sums[2 * hn::MaxLanes(d)] = {};
  if (cols == 2 * lanes && e.adamw != nullptr) {  // the weight gradient's tiles, in vectors
    using V = decltype(hn::Zero(d));
    const V valpha = hn::Set(d, alpha);
    for (size_t r = 0; r < rows; ++r) {
      float* out = c + r * ldc;
      const size_t at = r * ldc;
      const V old0 = e.overwrite ? hn::Zero(d) : hn::LoadU(d, out);
      const V old1 = e.overwrite ? hn::Zero(d) : hn::LoadU(d, out + lanes);
      const V g0 = hn::MulAdd(valpha, hn::Load(d, sums + r * 2 * lanes), old0);
      const V g1 = hn::MulAdd(valpha, hn::Load(d, sums + r * 2 * lanes + lanes), old1);
      AdamwVector(d, *e.adamw, g0, e.param + at, e.m + at, e.v + at);
      AdamwVector(d, *e.adamw, g1, e.param + at + lanes, e.m + at + lanes, e.v + at + lanes);
      // Zeros are stored only over sums: the tied wte's 154 MB of gradient is zero but for the
      // batch's tokens, and a line left clean need not be written back.
      if (!e.overwrite && !hn::AllTrue(d, hn::Eq(hn::Or(old0, old1), hn::Zero(d)))) {
        hn::StoreU(hn::Zero(d), d, out);
        hn::StoreU(hn::Zero(d), d, out + lanes);
      }
    }
    return;
  }
  if (cols == 2 * lanes && e.gelu_c != nullptr) {  // the GELU epilogue's whole tiles, in vectors
    using V = decltype(hn::Zero(d));
    const V valpha = hn::Set(d, alpha);
    const V bias0 = e.overwrite && e.bias ? hn::LoadU(d, e.bias) : hn::Zero(d);
    const V bias1 = e.overwrite && e.bias ? hn::LoadU(d, e.bias + lanes) : hn::Zero(d);
    for (size_t r = 0; r < rows; ++r) {
      float* out = c + r * ldc;
      const V old0 = e.overwrite ? bias0 : hn::LoadU(d, out);
      const V old1 = e.overwrite ? bias1 : hn::LoadU(d, out + lanes);
      const V sum0 = hn::MulAdd(valpha, hn::Load(d, sums + r * 2 * lanes), old0);
      const V sum1 = hn::MulAdd(valpha, hn::Load(d, sums + r * 2 * lanes + lanes), old1);
      hn::StoreU(sum0, d, out);
      hn::StoreU(sum1, d, out + lanes);
      hn::StoreU(GeluVector(d, sum0), d, e.gelu_c + r * ldc);
      hn::StoreU(GeluVector(d, sum1), d, e.gelu_c + r * ldc + lanes);
    }
    return;
  }
  for (size_t r = 0; r < rows; ++r) {
    float* out = c + r * ldc;
    for (size_t j = 0; j < cols; ++j) {
      const float old = e.overwrite ? (e.bias ? e.bias[j] : 0.0f) : out[j];
      row_sums[j] = old + alpha * sums[r * 2 * lanes + j];
    }
    if (e.adamw != nullptr) {
      // The gradient is not kept: C is left zero (it held earlier K blocks' sums, if any).
      if (!e.overwrite) std::fill_n(out, cols, 0.0f);
      AdamwSpan(d, *e.adamw, row_sums, e.param + r * ldc, e.m + r * ldc, e.v + r * ldc, cols,
                /*zero_grads=*/false);
      continue;
    }
    std::copy_n(row_sums, cols, out);
    if (e.gelu_c != nullptr) {  // the same vector formula on every column
      hn::Store(GeluVector(d, hn::Load(d, row_sums)), d, row_sums);
      hn::Store(GeluVector(d, hn::Load(d, row_sums + lanes)), d, row_sums + lanes);
      std::copy_n(row_sums, cols, e.gelu_c + r * ldc);
    }
  }
}

// Where a packing micro-kernel reads its panel: rows of a row-major B, `stride` floats apart.
struct PanelSource {
  const float* row = nullptr;
  size_t stride = 0;
};

// Cache lines for a micro-kernel to ask for while its own K loop runs: lines [begin, end) of a
// block of rows, counted row by row (lines_per_row a row, from `row` on, rows `stride` floats
// apart). Gemm gives each kernel its share of the next row strip of A (into L1) and of what its
// caller will read after the call (Gemm's `later`, into L2).
struct LineShare {
  const float* row = nullptr;
  size_t stride = 0, lines_per_row = 1, begin = 0, end = 0;
  bool empty() const { return row == nullptr || begin >= end; }
  const float* Line(size_t i) const {
    return row + i / lines_per_row * stride + i % lines_per_row * kFloatsPerLine;
  }
  // Share `part` of `parts`, equal to within a line.
  LineShare Part(size_t part, size_t parts) const {
    LineShare share = *this;
    share.begin = begin + part * (end - begin) / parts;
    share.end = begin + (part + 1) * (end - begin) / parts;
    return share;
  }
};

// C[0..kRows) × [0..cols) (+)= alpha · A[0..kRows) × [0..kc) · panel, panel = kc × (2 vectors),
// finished as `epilogue` says. With kPack the kernel also fills the panel as it goes, from
// `source`, a row-major B (see Gemm).
template <size_t kRows, bool kPack, class D>
HWY_INLINE void MicroKernel(D d, size_t kc, const Strided& a, size_t m0, size_t k0,
                            float* HWY_RESTRICT panel, PanelSource source, LineShare next,
                            LineShare later, float alpha, float* c, size_t ldc, size_t cols,
                            const TileEpilogue<D>& e) {
  using V = decltype(hn::Zero(d));
  const size_t lanes = hn::Lanes(d);
  // Ask for what the epilogue will touch now, for writing, so it arrives while the K loop runs:
  // in a training step the weight gradients come from memory (AdamW streamed everything since),
  // and a demand miss after the loop stalled every tile: prefetching the C tile took highway's
  // matmul_backward in a d12 T=64 step at 1 thread from about 620 to 560 ms (bench_step's
  // breakdown, alternated 3 times). An AdamW epilogue's streams are asked for in the K loop.
  if (e.transposed) {  // cols stored rows of kRows floats
    for (size_t j = 0; j < cols; ++j) {
      __builtin_prefetch(c + j * ldc, 1);
      __builtin_prefetch(c + j * ldc + kRows - 1, 1);
    }
  } else if (!(e.adamw && e.overwrite)) {
    for (size_t r = 0; r < kRows; ++r) {
      __builtin_prefetch(c + r * ldc, 1);
      __builtin_prefetch(c + r * ldc + cols - 1, 1);
    }
  }
  V acc0[kRows], acc1[kRows];
  for (size_t r = 0; r < kRows; ++r) acc0[r] = acc1[r] = hn::Zero(d);
  // AdamW's three streams (param, m, v: 6·kRows lines) are asked for one row of one stream at a
  // time, every kPrefetchEvery steps of the K loop, not all at once: a burst that size would
  // fill the core's miss buffers, which the packed panel's own loads from L2 need. (All at once
  // before the loop, the fused kernel was no faster than matmul_backward + adamw_update.)
  constexpr size_t kPrefetchEvery = 4;
  size_t next_row = 0;
  size_t next_line = next.begin;  // the next strip's lines, in the steps between AdamW's
  // A's rows are addressed from one pointer per three rows (base, base + stride, base + 2 ·
  // stride: one pointer and two offsets in registers), each pointer advanced once a step. Indexed
  // from A's origin, each row's offset was reloaded from the stack every step (the kernel has
  // more rows than free general registers), and on an Intel Xeon core the kernel is limited by
  // the instructions it issues, not only by its FMAs: with this every highway GEMM shape at B=4,
  // T=64 and T=1024, 1 thread, ran 2-4% faster there (medians of bench_kernels runs alternated
  // with the build before), the d12 step 3%. (On Zen 5, which issues more a cycle, an earlier
  // version of this measured no faster.)
  const size_t rs = a.row_stride, cs = a.col_stride;
  const float* base[(kRows + 2) / 3];
  for (size_t j = 0; j < (kRows + 2) / 3; ++j) base[j] = &a(m0 + 3 * j, k0);
  // The steps at which the next prefetch of each kind is due (never: kc), so that a step tests
  // each with one comparison instead of a null test, a remainder and a bound (on the Intel Xeon,
  // bench_kernels at B=4 T=64, 1 thread, six alternations: the forward, which prefetches the next
  // strip, 3-4% faster, the AdamW-fused backward 1-3%, the plain backward level; the step 1-2%).
  size_t next_line_at = !next.empty() ? kPrefetchEvery / 2 : kc;
  size_t next_row_at = e.adamw != nullptr ? 0 : kc;
  // The caller's lines go into L2 (prefetcht1), evenly over the K loop.
  size_t later_line = later.begin, later_at = later.empty() ? kc : 0;
  const size_t later_every =
      later.empty() ? kc : std::max<size_t>(1, kc / (later.end - later.begin));
  // The first of the three: a step with no prefetch due tests one, not three (on the Intel Xeon,
  // every GPT-2 GEMM at B=4 T=64, 1 thread, in-process alternation with the three tests, twice:
  // 0.8 points of the paired FMA peak faster on average, ahead in 60 of 80 pairs;
  // results/xeon-2026-12-06/ab).
  size_t any_at = std::min({next_line_at, later_at, next_row_at});
  for (size_t p = 0; p < kc; ++p) {
    if (p == any_at) {
      if (p == next_line_at) {
        __builtin_prefetch(next.Line(next_line));
        ++next_line;
        next_line_at = next_line < next.end ? p + kPrefetchEvery : kc;
      }
      if (p == later_at) {
        __builtin_prefetch(later.Line(later_line), 0, 2);
        ++later_line;
        later_at = later_line < later.end ? p + later_every : kc;
      }
      if (p == next_row_at) {
        float* stream = next_row < kRows ? e.param : next_row < 2 * kRows ? e.m : e.v;
        float* line = stream + (next_row % kRows) * ldc;
        __builtin_prefetch(line, 1);
        __builtin_prefetch(line + cols - 1, 1);
        ++next_row;
        next_row_at = next_row < 3 * kRows ? p + kPrefetchEvery : kc;
      }
      any_at = std::min({next_line_at, later_at, next_row_at});
    }
    V b0, b1;
    if constexpr (kPack) {
      const float* row = source.row + p * source.stride;
      const float* ahead = row + kKernelPackAheadRows * source.stride;
      __builtin_prefetch(ahead, 0, 2);  // into L2 (prefetcht1): see kKernelPackAheadRows
      __builtin_prefetch(ahead + 2 * lanes - 1, 0, 2);
      b0 = hn::LoadU(d, row);
      b1 = hn::LoadU(d, row + lanes);
      hn::Store(b0, d, panel + p * 2 * lanes);
      hn::Store(b1, d, panel + p * 2 * lanes + lanes);
    } else {
      // The packed panel streams from L2; asking for its lines kPanelAheadSteps ahead keeps
      // the loads from waiting on it (see kPanelAheadSteps).
      const float* ahead = panel + (p + kPanelAheadSteps) * 2 * lanes;
      for (size_t i = 0; i < 2 * lanes; i += kFloatsPerLine) __builtin_prefetch(ahead + i);
      b0 = hn::Load(d, panel + p * 2 * lanes);
      b1 = hn::Load(d, panel + p * 2 * lanes + lanes);
    }
    for (size_t r = 0; r < kRows; ++r) {
      const V av = hn::Set(d, base[r / 3][(r % 3) * rs]);
      acc0[r] = hn::MulAdd(av, b0, acc0[r]);
      acc1[r] = hn::MulAdd(av, b1, acc1[r]);
    }
    for (size_t j = 0; j < (kRows + 2) / 3; ++j) base[j] += cs;
  }
  if (cols == 2 * lanes && e.adamw == nullptr && e.gelu_c == nullptr && !e.transposed) {
    const V valpha = hn::Set(d, alpha);
    const V bias0 = e.bias ? hn::LoadU(d, e.bias) : hn::Zero(d);
    const V bias1 = e.bias ? hn::LoadU(d, e.bias + lanes) : hn::Zero(d);
    for (size_t r = 0; r < kRows; ++r) {
      float* row = c + r * ldc;
      const V old0 = e.overwrite ? bias0 : hn::LoadU(d, row);
      const V old1 = e.overwrite ? bias1 : hn::LoadU(d, row + lanes);
      hn::StoreU(hn::MulAdd(valpha, acc0[r], old0), d, row);
      hn::StoreU(hn::MulAdd(valpha, acc1[r], old1), d, row + lanes);
    }
    return;
  }
  HWY_ALIGN float sums[kRows * 2 * hn::MaxLanes(d)];
  for (size_t r = 0; r < kRows; ++r) {
    hn::Store(acc0[r], d, sums + r * 2 * lanes);
    hn::Store(acc1[r], d, sums + r * 2 * lanes + lanes);
  }
  FinishTile(d, sums, kRows, alpha, c, ldc, cols, e);
}

// Calls MicroKernel<rows> for a run-time rows in [1, kMax]: one compiled kernel per row count,
// so every loop over rows has a constant bound and the accumulators stay in registers.
template <size_t kMax, bool kPack, class D>
HWY_INLINE void DispatchRows(size_t rows, D d, size_t kc, const Strided& a, size_t m0, size_t k0,
                             float* HWY_RESTRICT panel, PanelSource source, LineShare next,
                             LineShare later, float alpha, float* c, size_t ldc, size_t cols,
                             const TileEpilogue<D>& epilogue) {
  if constexpr (kMax > 1) {
    if (rows < kMax) {
      DispatchRows<kMax - 1, kPack>(rows, d, kc, a, m0, k0, panel, source, next, later, alpha, c,
                                    ldc, cols, epilogue);
      return;
    }
  }
  MicroKernel<kMax, kPack>(d, kc, a, m0, k0, panel, source, next, later, alpha, c, ldc, cols,
                           epilogue);
}

using GemmEpilogue = TileEpilogue<hn::ScalableTag<float>>;

// C = bias + alpha · A · B (bias: N values, or null for zeros), and with gelu_c also
// gelu_c = gelu(C).
inline GemmEpilogue OverwriteEpilogue(const float* bias = nullptr, float* gelu_c = nullptr) {
  GemmEpilogue e;
  e.overwrite = true;
  e.bias = bias;
  e.gelu_c = gelu_c;
  return e;
}

// The same, with C and gelu_c stored transposed (c[n·ldc + m] = C(m, n)) and bias M values,
// one per row of C.
inline GemmEpilogue TransposedOverwriteEpilogue(const float* bias = nullptr,
                                                float* gelu_c = nullptr) {
  GemmEpilogue e = OverwriteEpilogue(bias, gelu_c);
  e.transposed = true;
  return e;
}

// C = alpha · A · B is a weight gradient that is never stored: param, m and v take an AdamW
// step from it instead. C must be zero on entry but in the rows that c_rows_with_sums flags (null:
// none), which hold part of the gradient (the step is then taken from C + alpha · A · B); it is
// zero on return.
inline GemmEpilogue AdamwEpilogue(const AdamwVectors<hn::ScalableTag<float>>& step, float* param,
                                  float* m, float* v, const uint8_t* c_rows_with_sums = nullptr) {
  GemmEpilogue e;
  e.overwrite = true;  // per tile where rows are flagged (Gemm)
  e.adamw = &step;
  e.param = param, e.m = m, e.v = v;
  e.c_rows_with_sums = c_rows_with_sums;
  return e;
}

// What a causal (lower-triangular) product lets the GEMM skip, for attention. Rows, columns and
// depth index the same sequence, row m being position m + diagonal:
//  - kColumnsAfterRow: C(m, n) is wanted only for n ≤ m + diagonal (scores, probability
//    gradients); tiles wholly right of that are skipped, left as they were, and the cells right
//    of it in the tiles that cross it hold garbage for the caller to mask;
//  - kDepthAfterRow: A(m, p) = 0 for p > m + diagonal (probabilities, score gradients times K or
//    V): each row strip stops its depth at its last row's position;
//  - kDepthBeforeRow: A(m, p) = 0 for p < m + diagonal (their transposes times Q or dout): each
//    row strip starts its depth at its first row's position.
// Skipping by whole 12-row strips and 32-column panels leaves a sliver of masked work on the
// diagonal, but lets a call cover a tall block of queries, so K or V is packed less often (at
// T=64 the per-block packing and short 16-row blocks cost more than the masked FLOPs).
struct Causal {
  enum Kind { kNone, kColumnsAfterRow, kDepthAfterRow, kDepthBeforeRow } kind = kNone;
  size_t diagonal = 0;
};

// The K block and column block a Gemm call packs B in (the defaults suit every GPT-2 shape but
// one: see InputGradientBlocking in matmul_highway.cc).
struct GemmBlocking {
  size_t max_kc = kMaxKc, nc = kNc;
};

// C (+)= alpha · A · B, finished as `epilogue` says (TileEpilogue; its pointers address the
// same M × N block as c, with row stride ldc; bias N values): overwrite and bias apply to the
// first K block, gelu_c and adamw to the last, while each finished tile is in cache. The lines
// of `later`, if any, are asked for into L2 while the call's FMAs run, spread evenly over its
// micro-kernels: what the caller reads from memory next (matmul_highway.cc's weight gradient).
// Single-threaded; callers parallelise over independent blocks of C.
inline void Gemm(size_t M, size_t N, size_t K, float alpha, const Strided& a, const Strided& b,
                 float* c, size_t ldc, const GemmEpilogue& epilogue = {}, Causal causal = {},
                 GemmBlocking blocking = {}, LineShare later = {}) {
  const hn::ScalableTag<float> d;
  const size_t width = 2 * hn::Lanes(d);
  const size_t nc_max = std::max(width, blocking.nc / width * width);
  if (K == 0 && epilogue.transposed) {  // C = bias, element by element (no AdamW here)
    for (size_t m = 0; m < M; ++m) {
      for (size_t n = 0; n < N; ++n) {
        const GemmEpilogue e = epilogue.At(m, n, ldc);
        float* cell = c + epilogue.Offset(m, n, ldc);
        if (e.overwrite) *cell = e.bias ? *e.bias : 0.0f;
        if (e.gelu_c != nullptr) GeluSpan(e.gelu_c, cell, 1);
      }
    }
    return;
  }
  if (K == 0) {  // no K block to write C or apply the epilogue
    for (size_t m = 0; m < M; ++m) {
      const GemmEpilogue e = epilogue.At(m, 0, ldc);
      float* row = c + m * ldc;
      if (e.overwrite && !(e.c_rows_with_sums != nullptr && *e.c_rows_with_sums != 0)) {
        for (size_t n = 0; n < N; ++n) row[n] = e.bias ? e.bias[n] : 0.0f;
      }
      if (e.gelu_c != nullptr) GeluSpan(e.gelu_c, row, static_cast<int>(N));
      if (e.adamw != nullptr) {
        AdamwSpan(d, *e.adamw, row, e.param, e.m, e.v, N, /*zero_grads=*/true);
      }
    }
    return;
  }
  const size_t k_blocks = (K + blocking.max_kc - 1) / blocking.max_kc;
  const size_t kc_max = (K + k_blocks - 1) / k_blocks;
  // Every micro-kernel call takes an equal share of `later` (a causal product skips some: their
  // lines are not asked for, which costs time, not results).
  const size_t kernels = k_blocks * ((M + kGemmRows - 1) / kGemmRows) * ((N + width - 1) / width);
  size_t kernel = 0;
  float* packed = AlignedThreadScratch(kc_max * (nc_max + width) + kc_max * kGemmRows);
  float* a_strip = packed + kc_max * (nc_max + width);
  const bool pack_a = a.row_stride == 1 && a.col_stride != 1;
  // A transposed forward's A is the weight, which a training step brings from memory whatever
  // its size (see kPrefetchABytes).
  const bool prefetch_a = !pack_a && a.col_stride == 1 &&
                          (M * K * sizeof(float) >= kPrefetchABytes || epilogue.transposed);
  for (size_t n0 = 0; n0 < N; n0 += nc_max) {
    const size_t nc = std::min(nc_max, N - n0);
    for (size_t k0 = 0; k0 < K; k0 += kc_max) {
      const size_t kc = std::min(kc_max, K - k0);
      // A row-major B of whole panels (the weights in dinp, the activations in the weight
      // gradient) is packed by the first strip's kernels as they read it, so its copy overlaps
      // their FMAs; a causal product's first strip does not cover the whole depth.
      const bool pack_in_kernel = HWY_TARGET != HWY_SCALAR && b.col_stride == 1 &&
                                  causal.kind == Causal::kNone && nc % width == 0 && n0 + nc <= N;
      if (!pack_in_kernel) PackB(packed, b, k0, kc, n0, nc, N, width);
      const size_t panels = (nc + width - 1) / width;
      const bool first_k = k0 == 0, last_k = k0 + kc == K;
      // One micro-kernel: C rows [m0, m0 + kGemmRows) × panel j, over the block's depth
      // [p_begin, p_end), A's strip read from a_block at (a_m0, a_k0), asking for `next`.
      // Inlined, so every target's kernels compile inside Gemm as they did before this order.
      const auto run_kernel = [&](size_t m0, size_t j, const Strided& a_block, size_t a_m0,
                                  size_t a_k0, size_t p_begin, size_t p_end, const LineShare& next)
          __attribute__((always_inline)) {
        const size_t rows = std::min(kGemmRows, M - m0);
        float* panel = packed + j * kc + p_begin * width;
        float* cj = c + epilogue.Offset(m0, n0 + j, ldc);
        const size_t cols = std::min(width, nc - j);
        GemmEpilogue e = epilogue.At(m0, n0 + j, ldc);
        if (e.c_rows_with_sums != nullptr) {  // read C only where a row of this tile holds sums
          e.overwrite = std::none_of(e.c_rows_with_sums, e.c_rows_with_sums + rows,
                                     [](uint8_t flag) { return flag != 0; });
        }
        e.overwrite = e.overwrite && first_k;
        if (!last_k) e.gelu_c = nullptr, e.adamw = nullptr;
        const size_t depth = p_end - std::min(p_end, p_begin);
        const LineShare later_share = later.empty() ? LineShare{} : later.Part(kernel++, kernels);
        if (pack_in_kernel && m0 == 0) {
          DispatchRows<kGemmRows, true>(rows, d, depth, a_block, a_m0, a_k0, panel,
                                        {&b(k0, n0 + j), b.row_stride}, next, later_share, alpha,
                                        cj, ldc, cols, e);
        } else {
          DispatchRows<kGemmRows, false>(rows, d, depth, a_block, a_m0, a_k0 + p_begin, panel, {},
                                         next, later_share, alpha, cj, ldc, cols, e);
        }
      };
      // The next strip's lines of a large A, rows [m1, m1 + kGemmRows) ∩ [m1, m_end): share
      // `part` of `parts` (each kernel of a strip-outer pass asks for its panel's share).
      const auto next_strip = [&](size_t m1, size_t m_end, size_t part, size_t parts)
          __attribute__((always_inline)) {
        LineShare next;
        if (!prefetch_a || m1 >= m_end) return next;
        next.row = &a(m1, k0);
        next.stride = a.row_stride;
        next.lines_per_row = (kc + kFloatsPerLine - 1) / kFloatsPerLine;
        const size_t lines = std::min(kGemmRows, m_end - m1) * next.lines_per_row;
        next.begin = part * lines / parts;
        next.end = (part + 1) * lines / parts;
        return next;
      };
      if (kPanelOuterRows > 0 && !pack_a && causal.kind == Causal::kNone) {
        for (size_t mb = 0; mb < M; mb += kPanelOuterRows) {
          const size_t mb_end = std::min(M, mb + kPanelOuterRows);
          for (size_t j = 0; j < nc; j += width) {
            for (size_t m0 = mb; m0 < mb_end; m0 += kGemmRows) {
              // A large A comes from memory on the first panel's pass, and from L2 after it.
              const LineShare next =
                  j == 0 ? next_strip(m0 + kGemmRows, mb_end, 0, 1) : LineShare{};
              run_kernel(m0, j, a, m0, k0, 0, kc, next);
            }
          }
        }
        continue;
      }
      for (size_t m0 = 0; m0 < M; m0 += kGemmRows) {
        const size_t rows = std::min(kGemmRows, M - m0);
        Strided a_block = a;
        size_t a_m0 = m0, a_k0 = k0;
        if (pack_a) {
          for (size_t p = 0; p < kc; ++p) {
            std::copy_n(&a.data[m0 + (k0 + p) * a.col_stride], rows, a_strip + p * rows);
          }
          a_block = {a_strip, 1, rows};
          a_m0 = a_k0 = 0;
        }
        // The strip's depth range within this block, [p_begin, p_end), under `causal`.
        size_t p_begin = 0, p_end = kc;
        const size_t first_position = m0 + causal.diagonal,
                     last_position = first_position + rows - 1;
        if (causal.kind == Causal::kDepthAfterRow) {
          p_end = std::min(kc, last_position + 1 - std::min(last_position + 1, k0));
        } else if (causal.kind == Causal::kDepthBeforeRow) {
          p_begin = std::min(kc, first_position - std::min(first_position, k0));
        }
        for (size_t j = 0; j < nc; j += width) {
          if (causal.kind == Causal::kColumnsAfterRow && n0 + j > last_position) break;
          run_kernel(m0, j, a_block, a_m0, a_k0, p_begin, p_end,
                     next_strip(m0 + kGemmRows, M, j / width, panels));
        }
      }
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace gpt2
HWY_AFTER_NAMESPACE();

#endif  // include guard
