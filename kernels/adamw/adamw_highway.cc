// AdamW with Highway: one pass over parameters, gradients and both moments, a vector at a time.
// The update streams 28 bytes per parameter (read p, g, m, v; write p, m, v), so it is bound by
// memory bandwidth; vectors make sure the divide and square root are not the bottleneck.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/adamw/adamw_highway.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "kernels/adamw/adamw_naive.h"

HWY_BEFORE_NAMESPACE();
namespace gpt2 {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void AdamwUpdate(float* params, float* grads, float* m, float* v, size_t n, float lr, float beta1,
                 float beta2, float eps, float weight_decay, int t, bool zero_grads) {
  const hn::ScalableTag<float> d;
  const size_t lanes = hn::Lanes(d);
  const float m_scale = static_cast<float>(1.0 / (1.0 - std::pow(double{beta1}, t)));
  const float v_scale = static_cast<float>(1.0 / (1.0 - std::pow(double{beta2}, t)));
  const auto b1 = hn::Set(d, beta1), b2 = hn::Set(d, beta2);
  const auto one_minus_b1 = hn::Set(d, 1.0f - beta1), one_minus_b2 = hn::Set(d, 1.0f - beta2);
  const auto vm_scale = hn::Set(d, m_scale), vv_scale = hn::Set(d, v_scale);
  const auto veps = hn::Set(d, eps), vwd = hn::Set(d, weight_decay), vlr = hn::Set(d, lr);
  const size_t vector_end = n - n % lanes;
#pragma omp parallel for
  for (size_t i = 0; i < vector_end; i += lanes) {
    const auto g = hn::LoadU(d, grads + i);
    const auto p = hn::LoadU(d, params + i);
    const auto m1 = hn::MulAdd(b1, hn::LoadU(d, m + i), hn::Mul(one_minus_b1, g));
    const auto v1 = hn::MulAdd(b2, hn::LoadU(d, v + i), hn::Mul(one_minus_b2, hn::Mul(g, g)));
    hn::StoreU(m1, d, m + i);
    hn::StoreU(v1, d, v + i);
    const auto m_hat = hn::Mul(m1, vm_scale);
    const auto v_hat = hn::Mul(v1, vv_scale);
    const auto step = hn::MulAdd(vwd, p, hn::Div(m_hat, hn::Add(hn::Sqrt(v_hat), veps)));
    hn::StoreU(hn::NegMulAdd(vlr, step, p), d, params + i);
    // The gradient's line is in cache already: zeroing it here costs no extra read, where the
    // separate reset is a 0.5 GB pass of its own (50 ms a step at 1 thread, d12).
    if (zero_grads) hn::StoreU(hn::Zero(d), d, grads + i);
  }
  AdamwUpdateNaive(params + vector_end, grads + vector_end, m + vector_end, v + vector_end,
                   n - vector_end, lr, beta1, beta2, eps, weight_decay, t, zero_grads);
}

}  // namespace HWY_NAMESPACE
}  // namespace gpt2
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "kernels/families.h"

namespace gpt2 {
HWY_EXPORT(AdamwUpdate);

namespace {
void AdamwUpdateHighway(float* params, float* grads, float* m, float* v, size_t n, float lr,
                        float beta1, float beta2, float eps, float weight_decay, int t,
                        bool zero_grads) {
  HWY_DYNAMIC_DISPATCH(AdamwUpdate)
  (params, grads, m, v, n, lr, beta1, beta2, eps, weight_decay, t, zero_grads);
}
}  // namespace

void RegisterAdamwHighway(KernelTable& table) { table.adamw_update = AdamwUpdateHighway; }

}  // namespace gpt2
#endif  // HWY_ONCE
