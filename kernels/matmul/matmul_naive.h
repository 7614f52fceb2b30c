// Naive matmul: one dot product per output element.
#ifndef GPT2_KERNELS_MATMUL_MATMUL_NAIVE_H_
#define GPT2_KERNELS_MATMUL_MATMUL_NAIVE_H_

#include <cstddef>

#include "kernels/gelu/gelu_naive.h"

namespace gpt2 {

// out (B,T,OC) = inp (B,T,C) · weightᵀ (OC,C) + bias (OC); bias may be null.
template <typename Real>
void MatmulForwardNaive(Real* out, const Real* inp, const Real* weight, const Real* bias, int B,
                        int T, int C, int OC) {
#pragma omp parallel for
  for (int bt = 0; bt < B * T; ++bt) {
    const Real* x = inp + static_cast<size_t>(bt) * C;
    Real* y = out + static_cast<size_t>(bt) * OC;
    for (int o = 0; o < OC; ++o) {
      const Real* w = weight + static_cast<size_t>(o) * C;
      Real sum = bias != nullptr ? bias[o] : Real{0};
      for (int i = 0; i < C; ++i) sum += x[i] * w[i];
      y[o] = sum;
    }
  }
}

// out = inp · weightᵀ + bias, then gelu_out = gelu(out): the two kernels one after the other,
// the reference for every fused variant.
template <typename Real>
void MatmulGeluForwardNaive(Real* out, Real* gelu_out, const Real* inp, const Real* weight,
                            const Real* bias, int B, int T, int C, int OC) {
  MatmulForwardNaive(out, inp, weight, bias, B, T, C, OC);
  GeluForwardNaive(gelu_out, out, B * T * OC);
}

// dinp (B,T,C) += dout · weight;  dweight (OC,C) += doutᵀ · inp;  dbias (OC) += Σ_bt dout; a
// null output skips its product. Two passes so that each is parallel without races: over
// positions for dinp, over output channels for dweight and dbias.
template <typename Real>
void MatmulBackwardNaive(Real* dinp, Real* dweight, Real* dbias, const Real* dout, const Real* inp,
                         const Real* weight, int B, int T, int C, int OC) {
  if (dinp != nullptr) {
#pragma omp parallel for
    for (int bt = 0; bt < B * T; ++bt) {
      const Real* dy = dout + static_cast<size_t>(bt) * OC;
      Real* dx = dinp + static_cast<size_t>(bt) * C;
      for (int o = 0; o < OC; ++o) {
        const Real* w = weight + static_cast<size_t>(o) * C;
        for (int i = 0; i < C; ++i) dx[i] += w[i] * dy[o];
      }
    }
  }
  if (dweight == nullptr && dbias == nullptr) return;
#pragma omp parallel for
  for (int o = 0; o < OC; ++o) {
    for (int bt = 0; bt < B * T; ++bt) {
      const Real* x = inp + static_cast<size_t>(bt) * C;
      const Real dy = dout[static_cast<size_t>(bt) * OC + o];
      if (dbias != nullptr) dbias[o] += dy;
      if (dweight != nullptr) {
        Real* dw = dweight + static_cast<size_t>(o) * C;
        for (int i = 0; i < C; ++i) dw[i] += x[i] * dy;
      }
    }
  }
}

}  // namespace gpt2

#endif  // GPT2_KERNELS_MATMUL_MATMUL_NAIVE_H_
