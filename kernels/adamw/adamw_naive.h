// Naive AdamW (Loshchilov & Hutter): Adam moments with bias correction, and weight decay
// applied to the parameter directly rather than added to the gradient.
#ifndef GPT2_KERNELS_ADAMW_ADAMW_NAIVE_H_
#define GPT2_KERNELS_ADAMW_ADAMW_NAIVE_H_

#include <cmath>
#include <cstddef>

namespace gpt2 {

// For step t (1-based), every parameter p with gradient g:
//   m = β1 m + (1−β1) g,   v = β2 v + (1−β2) g²,
//   m̂ = m / (1−β1ᵗ),       v̂ = v / (1−β2ᵗ),
//   p −= lr · (m̂ / (√v̂ + eps) + weight_decay · p),
//   and, with zero_grads, g = 0 afterwards (the next step's gradient reset).
template <typename Real>
void AdamwUpdateNaive(Real* params, Real* grads, Real* m, Real* v, size_t n, float lr, float beta1,
                      float beta2, float eps, float weight_decay, int t, bool zero_grads) {
  const Real b1 = beta1, b2 = beta2;
  const Real m_correction = 1 - std::pow(b1, t);
  const Real v_correction = 1 - std::pow(b2, t);
#pragma omp parallel for
  for (size_t i = 0; i < n; ++i) {
    const Real g = grads[i];
    m[i] = b1 * m[i] + (1 - b1) * g;
    v[i] = b2 * v[i] + (1 - b2) * g * g;
    const Real m_hat = m[i] / m_correction;
    const Real v_hat = v[i] / v_correction;
    params[i] -= lr * (m_hat / (std::sqrt(v_hat) + eps) + weight_decay * params[i]);
    if (zero_grads) grads[i] = 0;
  }
}

}  // namespace gpt2

#endif  // GPT2_KERNELS_ADAMW_ADAMW_NAIVE_H_
