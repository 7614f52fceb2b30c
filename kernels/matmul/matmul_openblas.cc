// Matmul as one cblas_sgemm call each: the forward product, and the two products of the backward
// pass. OpenBLAS brings what the other families build by hand (packing, cache blocking, a
// register-blocked micro-kernel in assembly, threads), so this is the yardstick for them.
#include <cblas.h>

#include <cstddef>

#include "kernels/families.h"
#include "kernels/gelu/gelu_naive.h"
#include "kernels/matmul/matmul_adamw.h"
#include "kernels/matmul/matmul_bias.h"

namespace gpt2 {
namespace {

// out (B·T, OC) = inp (B·T, C) · weightᵀ + bias. The bias is broadcast into `out` first so the
// GEMM adds onto it (beta = 1) rather than a second pass adding the bias afterwards.
void MatmulForwardOpenblas(float* out, const float* inp, const float* weight, const float* bias,
                           int B, int T, int C, int OC) {
  const int BT = B * T;
  if (bias != nullptr) {
#pragma omp parallel for
    for (int bt = 0; bt < BT; ++bt) {
      float* row = out + static_cast<size_t>(bt) * OC;
      for (int o = 0; o < OC; ++o) row[o] = bias[o];
    }
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, BT, OC, C, 1.0f, inp, C, weight, C,
              bias != nullptr ? 1.0f : 0.0f, out, OC);
}

// dinp (B·T, C) += dout (B·T, OC) · weight (OC, C);  dweight (OC, C) += doutᵀ · inp;
// dbias (OC) += column sums of dout.
void MatmulBackwardOpenblas(float* dinp, float* dweight, float* dbias, const float* dout,
                            const float* inp, const float* weight, int B, int T, int C, int OC) {
  const int BT = B * T;
  if (dinp != nullptr) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, BT, C, OC, 1.0f, dout, OC, weight, C,
                1.0f, dinp, C);
  }
  if (dweight != nullptr) {
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, OC, C, BT, 1.0f, dout, OC, inp, C, 1.0f,
                dweight, C);
  }
  if (dbias != nullptr) AccumulateBiasGradient(dbias, dout, BT, OC);
}

// This family's matmul, then naive's GELU: no fusion, so that --fuse-matmul-gelu with this
// family still runs its own GEMM rather than naive's fallback.
void MatmulGeluForwardOpenblas(float* out, float* gelu_out, const float* inp, const float* weight,
                               const float* bias, int B, int T, int C, int OC) {
  MatmulForwardOpenblas(out, inp, weight, bias, B, T, C, OC);
  GeluForwardNaive(gelu_out, out, B * T * OC);
}

}  // namespace

void RegisterMatmulOpenblas(KernelTable& table) {
  table.matmul_forward = MatmulForwardOpenblas;
  table.matmul_backward = MatmulBackwardOpenblas;
  table.matmul_gelu_forward = MatmulGeluForwardOpenblas;
  table.matmul_backward_adamw = MatmulBackwardThenAdamw<float, MatmulBackwardOpenblas>;
}

}  // namespace gpt2
