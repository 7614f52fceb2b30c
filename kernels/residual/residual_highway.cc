// Residual add with Highway: pure streaming, so the vector version's gain is bounded by memory
// bandwidth, not arithmetic. A scalar loop finishes the N mod lanes tail.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/residual/residual_highway.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "kernels/residual/residual_naive.h"

HWY_BEFORE_NAMESPACE();
namespace gpt2 {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void ResidualForward(float* out, const float* inp1, const float* inp2, int N) {
  const hn::ScalableTag<float> d;
  const int lanes = static_cast<int>(hn::Lanes(d));
  const int vector_end = N - N % lanes;
#pragma omp parallel for
  for (int i = 0; i < vector_end; i += lanes) {
    hn::StoreU(hn::Add(hn::LoadU(d, inp1 + i), hn::LoadU(d, inp2 + i)), d, out + i);
  }
  ResidualForwardNaive(out + vector_end, inp1 + vector_end, inp2 + vector_end, N - vector_end);
}

void ResidualBackward(float* dinp1, float* dinp2, const float* dout, int N) {
  const hn::ScalableTag<float> d;
  const int lanes = static_cast<int>(hn::Lanes(d));
  const int vector_end = N - N % lanes;
#pragma omp parallel for
  for (int i = 0; i < vector_end; i += lanes) {
    const auto g = hn::LoadU(d, dout + i);
    hn::StoreU(hn::Add(hn::LoadU(d, dinp1 + i), g), d, dinp1 + i);
    hn::StoreU(hn::Add(hn::LoadU(d, dinp2 + i), g), d, dinp2 + i);
  }
  ResidualBackwardNaive(dinp1 + vector_end, dinp2 + vector_end, dout + vector_end, N - vector_end);
}

}  // namespace HWY_NAMESPACE
}  // namespace gpt2
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "kernels/families.h"

namespace gpt2 {
HWY_EXPORT(ResidualForward);
HWY_EXPORT(ResidualBackward);

namespace {
void ResidualForwardHighway(float* out, const float* inp1, const float* inp2, int N) {
  HWY_DYNAMIC_DISPATCH(ResidualForward)(out, inp1, inp2, N);
}
void ResidualBackwardHighway(float* dinp1, float* dinp2, const float* dout, int N) {
  HWY_DYNAMIC_DISPATCH(ResidualBackward)(dinp1, dinp2, dout, N);
}
}  // namespace

void RegisterResidualHighway(KernelTable& table) {
  table.residual_forward = ResidualForwardHighway;
  table.residual_backward = ResidualBackwardHighway;
}

}  // namespace gpt2
#endif  // HWY_ONCE
