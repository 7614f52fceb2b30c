// GELU with Highway: naive's function a vector of lanes at a time, its tanh rewritten as a
// logistic sigmoid so that one Highway Exp (hwy/contrib/math) is the only transcendental
// (kernels/highway_gelu-inl.h says why); the transcendental is what dominates the scalar loop. The
// forward is kernels/highway_gelu-inl.h's GeluSpan, which the matmul epilogue shares; the
// backward's last N mod lanes elements run as scalar code, so no load reads past the buffer on
// targets whose masked load is a full load.
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

// gelu'(x) = σ + 2x·σ(1 − σ)·s(1 + 3a·x²) with σ = σ(2u) = 1 / (1 + e^(−2u)): naive's
// (1 + tanh)/2 is σ and its (1 − tanh²)/2 is 2σ(1 − σ), where 1 − σ = e^(−2u)·σ keeps full
// precision as σ nears 1.
void GeluBackward(float* dinp, const float* inp, const float* dout, int N) {
  const hn::ScalableTag<float> d;
  const int lanes = static_cast<int>(hn::Lanes(d));
  const auto s = hn::Set(d, static_cast<float>(kGeluScale));
  const auto a3 = hn::Set(d, static_cast<float>(3 * kGeluCubic));
  const auto one = hn::Set(d, 1.0f), two = hn::Set(d, 2.0f);
  const int vector_end = N - N % lanes;
#pragma omp parallel for
  for (int i = 0; i < vector_end; i += lanes) {
    const auto x = hn::LoadU(d, inp + i);
    const auto e = GeluExpMinus2U(d, x);
    const auto sigma = hn::Div(one, hn::Add(one, e));
    const auto sigma_one_minus = hn::Mul(sigma, hn::Mul(e, sigma));  // σ(1 − σ)
    const auto du_dx = hn::Mul(s, hn::MulAdd(a3, hn::Mul(x, x), one));
    const auto local = hn::MulAdd(hn::Mul(two, x), hn::Mul(sigma_one_minus, du_dx), sigma);
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
