// AdamW with Highway: one pass over parameters, gradients and both moments, a vector at a time
// (AdamwSpan, kernels/highway_adamw-inl.h). The update streams 28 bytes per parameter (read p,
// g, m, v; write p, m, v), so it is bound by memory bandwidth; vectors make sure the divide and
// square root are not the bottleneck.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/adamw/adamw_highway.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "kernels/highway_adamw-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gpt2 {
namespace HWY_NAMESPACE {

void AdamwUpdate(float* params, float* grads, float* m, float* v, size_t n, float lr, float beta1,
                 float beta2, float eps, float weight_decay, int t, bool zero_grads) {
  const hn::ScalableTag<float> d;
  const size_t lanes = hn::Lanes(d);
  const AdamwVectors<hn::ScalableTag<float>> k(d, {lr, beta1, beta2, eps, weight_decay, t});
  const size_t vector_end = n - n % lanes;
#pragma omp parallel for
  for (size_t i = 0; i < vector_end; i += lanes) {
    AdamwVector(d, k, hn::LoadU(d, grads + i), params + i, m + i, v + i);
    // The gradient's line is in cache already: zeroing it here costs no extra read, where the
    // separate reset is a 0.5 GB pass of its own (50 ms a step at 1 thread, d12).
    if (zero_grads) hn::StoreU(hn::Zero(d), d, grads + i);
  }
  AdamwSpan(d, k, grads + vector_end, params + vector_end, m + vector_end, v + vector_end,
            n - vector_end, zero_grads);
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
