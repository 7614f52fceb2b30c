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

// gelu(x) = x/2 · (1 + tanh(s·(x + a·x³))) of one vector, with Highway's vectorised Tanh in
// place of std::tanh, which is what dominates the scalar loop.
template <class D, class V>
HWY_INLINE V GeluVector(D d, V x) {
  const auto s = hn::Set(d, static_cast<float>(kGeluScale));
  const auto a = hn::Set(d, static_cast<float>(kGeluCubic));
  const auto u = hn::Mul(s, hn::MulAdd(hn::Mul(a, hn::Mul(x, x)), x, x));  // s·(x + a·x³)
  return hn::Mul(hn::Mul(hn::Set(d, 0.5f), x), hn::Add(hn::Set(d, 1.0f), hn::Tanh(d, u)));
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
