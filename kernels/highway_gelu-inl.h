// GELU over a span in Highway vectors, shared by gelu_forward and the matmul epilogue that
// applies it to each block of output as it is finished (matmul_gelu_forward); compiled once per
// Highway target (an -inl.h in Highway's sense, included from inside each kernel file's
// foreach_target pass).
#if defined(GPT2_KERNELS_HIGHWAY_GELU_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GPT2_KERNELS_HIGHWAY_GELU_INL_H_
#undef GPT2_KERNELS_HIGHWAY_GELU_INL_H_
#else
#define GPT2_KERNELS_HIGHWAY_GELU_INL_H_
#endif

#include <algorithm>

#include "hwy/contrib/math/math-inl.h"
#include "hwy/highway.h"
#include "kernels/gelu/gelu_naive.h"

HWY_BEFORE_NAMESPACE();
namespace gpt2 {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// e^(−2u) for u = s·(x + a·x³), the one transcendental that GELU and its derivative need:
// 1 + tanh(u) = 2σ(2u) with σ(2u) = 1 / (1 + e^(−2u)), so gelu(x) = x/2 · (1 + tanh(u)) is
// x / (1 + e^(−2u)). One Highway Exp replaces Tanh's Expm1 and division (bench_kernels, 1
// thread, B=4 T=64, alternated 5 times: gelu_forward 0.366 to 0.288 ms, gelu_backward 0.433 to
// 0.367 ms), and the form has no cancellation in 1 + tanh(u) for negative x. The argument is
// capped at 88 (e^88 is below FLT_MAX) because Highway 1.0.3's Exp is only valid in float range
// (uncapped, gelu(−20) came out as −20); capped, gelu(x ≤ −10) is about x·6e−39 instead of 0.
template <class D, class V>
HWY_INLINE V GeluExpMinus2U(D d, V x) {
  const V s = hn::Set(d, static_cast<float>(kGeluScale));
  const V a = hn::Set(d, static_cast<float>(kGeluCubic));
  const V u = hn::Mul(s, hn::MulAdd(hn::Mul(a, hn::Mul(x, x)), x, x));  // s·(x + a·x³)
  return hn::Exp(d, hn::Min(hn::Mul(hn::Set(d, -2.0f), u), hn::Set(d, 88.0f)));
}

// gelu(x) = x/2 · (1 + tanh(u)) = x / (1 + e^(−2u)) of one vector.
template <class D, class V>
HWY_INLINE V GeluVector(D d, V x) {
  return hn::Div(x, hn::Add(hn::Set(d, 1.0f), GeluExpMinus2U(d, x)));
}

// out[0..n) = gelu(inp[0..n)). The last n mod lanes elements go through a zero-padded vector
// on the stack (no load past the span), so every element gets the same formula wherever the
// span starts: gelu_forward over a whole tensor and the matmul epilogue over its row segments
// agree bit for bit.
inline void GeluSpan(float* out, const float* inp, int n) {
  const hn::ScalableTag<float> d;
  const int lanes = static_cast<int>(hn::Lanes(d));
  int i = 0;
  for (; i + lanes <= n; i += lanes) hn::StoreU(GeluVector(d, hn::LoadU(d, inp + i)), d, out + i);
  if (i < n) {
    HWY_ALIGN float tail[hn::MaxLanes(d)] = {};
    std::copy(inp + i, inp + n, tail);
    hn::Store(GeluVector(d, hn::Load(d, tail)), d, tail);
    std::copy(tail, tail + (n - i), out + i);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace gpt2
HWY_AFTER_NAMESPACE();

#endif  // include guard
