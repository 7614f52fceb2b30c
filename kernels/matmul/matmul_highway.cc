// Matmul on the highway GEMM (kernels/highway_gemm-inl.h: packed panels and a register-blocked
// FMA micro-kernel, one copy per Highway target).
//
// Threads split the output into column blocks of 128 over all rows, so each block's packed
// panel of B is used by every row of A (packing costs about 16/M of the FLOPs' time, 6% at
// M = 256) and each output element is summed by one thread in a fixed order.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/matmul/matmul_highway.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include <omp.h>

#include "hwy/highway.h"
#include "kernels/highway_gemm-inl.h"
#include "kernels/matmul/matmul_bias.h"

HWY_BEFORE_NAMESPACE();
namespace gpt2 {
namespace HWY_NAMESPACE {

constexpr int kBlockCols = 128;

int Blocks(int n, int block) { return (n + block - 1) / block; }

// Rows of dweight per block. Each block packs its 128 columns of inp once and reuses them for
// every row, so taller blocks pack less (768 rows: 2-12% faster than 256 at T=64 and T=1024 on
// 2 threads), as long as there are at least two blocks per thread to share out.
int WeightGradientBlockRows(int C, int OC) {
  int rows = 768;
  while (rows > 256 && Blocks(C, kBlockCols) * Blocks(OC, rows) < 2 * omp_get_max_threads()) {
    rows /= 2;
  }
  return rows;
}

// out (B·T, OC) = inp (B·T, C) · weightᵀ + bias: B(p, n) = weight[n·C + p].
void MatmulForward(float* out, const float* inp, const float* weight, const float* bias, int B,
                   int T, int C, int OC) {
  const int M = B * T;
#pragma omp parallel for schedule(static)
  for (int nb = 0; nb < Blocks(OC, kBlockCols); ++nb) {
    const int n0 = nb * kBlockCols, cols = std::min(kBlockCols, OC - n0);
    // The bias goes in as the GEMM's starting value: no pass of its own over out.
    Gemm(M, cols, C, 1.0f, {inp, static_cast<size_t>(C), 1},
         {weight + static_cast<size_t>(n0) * C, 1, static_cast<size_t>(C)}, out + n0, OC,
         /*overwrite=*/true, bias ? bias + n0 : nullptr);
  }
}

// dinp (B·T, C) += dout · weight;  dweight (OC, C) += doutᵀ · inp;  dbias += Σ dout.
void MatmulBackward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                    const float* weight, int B, int T, int C, int OC) {
  const int M = B * T;
#pragma omp parallel for schedule(static)
  for (int nb = 0; nb < Blocks(C, kBlockCols); ++nb) {
    const int n0 = nb * kBlockCols, cols = std::min(kBlockCols, C - n0);
    Gemm(M, cols, OC, 1.0f, {dout, static_cast<size_t>(OC), 1},
         {weight + n0, static_cast<size_t>(C), 1}, dinp + n0, C);
  }
  const int block_rows = WeightGradientBlockRows(C, OC);
  // Row blocks outer: consecutive blocks of a thread share one slice of dout, which then stays
  // in L2 (the LM head's dout is 51 MB; walking column blocks outer re-read all of it from
  // memory per column block: 457 -> 359 ms at 1 thread).
#pragma omp parallel for collapse(2) schedule(static)
  for (int ob = 0; ob < Blocks(OC, block_rows); ++ob) {
    for (int nb = 0; nb < Blocks(C, kBlockCols); ++nb) {
      const int n0 = nb * kBlockCols, cols = std::min(kBlockCols, C - n0);
      const int o0 = ob * block_rows, rows = std::min(block_rows, OC - o0);
      Gemm(rows, cols, M, 1.0f, {dout + o0, 1, static_cast<size_t>(OC)},
           {inp + n0, static_cast<size_t>(C), 1}, dweight + static_cast<size_t>(o0) * C + n0, C);
    }
  }
  if (dbias != nullptr) AccumulateBiasGradient(dbias, dout, M, OC);
}

}  // namespace HWY_NAMESPACE
}  // namespace gpt2
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "kernels/families.h"

namespace gpt2 {
HWY_EXPORT(MatmulForward);
HWY_EXPORT(MatmulBackward);

namespace {
void MatmulForwardHighway(float* out, const float* inp, const float* weight, const float* bias,
                          int B, int T, int C, int OC) {
  HWY_DYNAMIC_DISPATCH(MatmulForward)(out, inp, weight, bias, B, T, C, OC);
}
void MatmulBackwardHighway(float* dinp, float* dweight, float* dbias, const float* dout,
                           const float* inp, const float* weight, int B, int T, int C, int OC) {
  HWY_DYNAMIC_DISPATCH(MatmulBackward)(dinp, dweight, dbias, dout, inp, weight, B, T, C, OC);
}
}  // namespace

void RegisterMatmulHighway(KernelTable& table) {
  table.matmul_forward = MatmulForwardHighway;
  table.matmul_backward = MatmulBackwardHighway;
}

}  // namespace gpt2
#endif  // HWY_ONCE
