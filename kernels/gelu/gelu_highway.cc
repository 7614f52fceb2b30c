// GELU with Highway: the same formula as naive, a vector of lanes at a time, with Highway's
// vectorised tanh (hwy/contrib/math) in place of std::tanh, which is what dominates the scalar
// loop. The forward is kernels/highway_gelu-inl.h's GeluSpan, which the matmul epilogue shares;
// the backward's last N mod lanes elements run as scalar code, so no load reads past the buffer
// on targets whose masked load is a full load.
#include <algorithm>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/gelu/gelu_highway.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/contrib/math/math-inl.h"
#include "hwy/highway.h"
#include "kernels/gelu/gelu_naive.h"
#include "kernels/highway_gelu-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gpt2 {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Threads take whole blocks of kGeluBlock elements; the last block may be partial and ends in
// GeluSpan's padded tail vector.
constexpr int kGeluBlock = 4096;

void GeluForward(float* out, const float* inp, int N) {
  const int blocks = (N + kGeluBlock - 1) / kGeluBlock;
#pragma omp parallel for
  for (int b = 0; b < blocks; ++b) {
    const int begin = b * kGeluBlock;
    GeluSpan(out + begin, inp + begin, std::min(kGeluBlock, N - begin));
  }
}

void GeluBackward(float* dinp, const float* inp, const float* dout, int N) {
  const hn::ScalableTag<float> d;
  const int lanes = static_cast<int>(hn::Lanes(d));
  const auto s = hn::Set(d, static_cast<float>(kGeluScale));
  const auto a = hn::Set(d, static_cast<float>(kGeluCubic));
  const auto a3 = hn::Set(d, static_cast<float>(3 * kGeluCubic));
  const auto half = hn::Set(d, 0.5f), one = hn::Set(d, 1.0f);
  const int vector_end = N - N % lanes;
#pragma omp parallel for
  for (int i = 0; i < vector_end; i += lanes) {
    const auto x = hn::LoadU(d, inp + i);
    const auto x2 = hn::Mul(x, x);
    const auto t = hn::Tanh(d, hn::Mul(s, hn::MulAdd(hn::Mul(a, x2), x, x)));
    const auto sech2 = hn::NegMulAdd(t, t, one);  // 1 − tanh²
    const auto slope =
        hn::Mul(hn::Mul(half, x), hn::Mul(sech2, hn::Mul(s, hn::MulAdd(a3, x2, one))));
    const auto local = hn::MulAdd(half, hn::Add(one, t), slope);
    hn::StoreU(hn::MulAdd(local, hn::LoadU(d, dout + i), hn::LoadU(d, dinp + i)), d, dinp + i);
  }
  GeluBackwardNaive(dinp + vector_end, inp + vector_end, dout + vector_end, N - vector_end);
}

}  // namespace HWY_NAMESPACE
}  // namespace gpt2
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "kernels/families.h"

namespace gpt2 {
HWY_EXPORT(GeluForward);
HWY_EXPORT(GeluBackward);

namespace {
void GeluForwardHighway(float* out, const float* inp, int N) {
  HWY_DYNAMIC_DISPATCH(GeluForward)(out, inp, N);
}
void GeluBackwardHighway(float* dinp, const float* inp, const float* dout, int N) {
  HWY_DYNAMIC_DISPATCH(GeluBackward)(dinp, inp, dout, N);
}
}  // namespace

void RegisterGeluHighway(KernelTable& table) {
  table.gelu_forward = GeluForwardHighway;
  table.gelu_backward = GeluBackwardHighway;
}

}  // namespace gpt2
#endif  // HWY_ONCE
