// Naive layer normalisation over the channel dimension (eps 1e-5, biased variance, as GPT-2).
#ifndef GPT2_KERNELS_LAYERNORM_LAYERNORM_NAIVE_H_
#define GPT2_KERNELS_LAYERNORM_LAYERNORM_NAIVE_H_

#include <cmath>
#include <cstddef>

#include "kernels/residual/residual_naive.h"

namespace gpt2 {

inline constexpr double kLayernormEps = 1e-5;

// out (B,T,C) = (inp - mean) * rstd * weight + bias; mean, rstd (B,T) saved for backward.
template <typename Real>
void LayernormForwardNaive(Real* out, Real* mean, Real* rstd, const Real* inp, const Real* weight,
                           const Real* bias, int B, int T, int C) {
#pragma omp parallel for
  for (int bt = 0; bt < B * T; ++bt) {
    const Real* x = inp + static_cast<size_t>(bt) * C;
    Real* y = out + static_cast<size_t>(bt) * C;
    Real m = 0;
    for (int c = 0; c < C; ++c) m += x[c];
    m /= C;
    Real variance = 0;
    for (int c = 0; c < C; ++c) variance += (x[c] - m) * (x[c] - m);
    variance /= C;
    const Real s = 1 / std::sqrt(variance + static_cast<Real>(kLayernormEps));
    for (int c = 0; c < C; ++c) y[c] = (x[c] - m) * s * weight[c] + bias[c];
    mean[bt] = m;
    rstd[bt] = s;
  }
}

// residual = inp1 + inp2, then out = layernorm(residual): the unfused pair, one after the other
// (the reference for every fused variant).
template <typename Real>
void ResidualLayernormForwardNaive(Real* residual, Real* out, Real* mean, Real* rstd,
                                   const Real* inp1, const Real* inp2, const Real* weight,
                                   const Real* bias, int B, int T, int C) {
  ResidualForwardNaive(residual, inp1, inp2, B * T * C);
  LayernormForwardNaive(out, mean, rstd, residual, weight, bias, B, T, C);
}

// With norm = (x - mean) * rstd and g = weight * dout:
//   dbias += dout, dweight += norm * dout,
//   dinp  += rstd * (g - mean(g) - norm * mean(g * norm)).
// Serial: dweight and dbias sum over every position.
template <typename Real>
void LayernormBackwardNaive(Real* dinp, Real* dweight, Real* dbias, const Real* dout,
                            const Real* inp, const Real* weight, const Real* mean, const Real* rstd,
                            int B, int T, int C) {
  for (int bt = 0; bt < B * T; ++bt) {
    const size_t offset = static_cast<size_t>(bt) * C;
    const Real* x = inp + offset;
    const Real* dy = dout + offset;
    Real* dx = dinp + offset;
    Real mean_g = 0;
    Real mean_g_norm = 0;
    for (int c = 0; c < C; ++c) {
      const Real norm = (x[c] - mean[bt]) * rstd[bt];
      const Real g = weight[c] * dy[c];
      mean_g += g;
      mean_g_norm += g * norm;
    }
    mean_g /= C;
    mean_g_norm /= C;
    for (int c = 0; c < C; ++c) {
      const Real norm = (x[c] - mean[bt]) * rstd[bt];
      const Real g = weight[c] * dy[c];
      dbias[c] += dy[c];
      dweight[c] += norm * dy[c];
      dx[c] += rstd[bt] * (g - mean_g - norm * mean_g_norm);
    }
  }
}

}  // namespace gpt2

#endif  // GPT2_KERNELS_LAYERNORM_LAYERNORM_NAIVE_H_
