// Naive GELU, tanh approximation: gelu(x) = x/2 · (1 + tanh(√(2/π) (x + 0.044715 x³))).
#ifndef GPT2_KERNELS_GELU_GELU_NAIVE_H_
#define GPT2_KERNELS_GELU_GELU_NAIVE_H_

#include <cmath>

namespace gpt2 {

inline constexpr double kGeluScale = 0.7978845608028654;  // √(2/π)
inline constexpr double kGeluCubic = 0.044715;

template <typename Real>
void GeluForwardNaive(Real* out, const Real* inp, int N) {
  const Real s = static_cast<Real>(kGeluScale), a = static_cast<Real>(kGeluCubic);
#pragma omp parallel for
  for (int i = 0; i < N; ++i) {
    const Real x = inp[i];
    out[i] = Real{0.5} * x * (1 + std::tanh(s * (x + a * x * x * x)));
  }
}

// d gelu/dx = ½(1 + tanh u) + ½ x sech²(u) · √(2/π)(1 + 3·0.044715 x²), u = √(2/π)(x + 0.044715x³).
template <typename Real>
void GeluBackwardNaive(Real* dinp, const Real* inp, const Real* dout, int N) {
  const Real s = static_cast<Real>(kGeluScale), a = static_cast<Real>(kGeluCubic);
#pragma omp parallel for
  for (int i = 0; i < N; ++i) {
    const Real x = inp[i];
    const Real u = s * (x + a * x * x * x);
    const Real tanh_u = std::tanh(u);
    const Real sech2_u = 1 - tanh_u * tanh_u;
    const Real local = Real{0.5} * (1 + tanh_u) + Real{0.5} * x * sech2_u * s * (1 + 3 * a * x * x);
    dinp[i] += local * dout[i];
  }
}

}  // namespace gpt2

#endif  // GPT2_KERNELS_GELU_GELU_NAIVE_H_
