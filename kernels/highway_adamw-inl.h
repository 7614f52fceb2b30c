// One AdamW step on one vector of parameters, shared by adamw_update and the weight-gradient
// GEMM's AdamW epilogue (matmul_backward_adamw), so both produce the same bits (an -inl.h in
// Highway's sense: included from inside each kernel file's foreach_target pass).
#if defined(GPT2_KERNELS_HIGHWAY_ADAMW_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GPT2_KERNELS_HIGHWAY_ADAMW_INL_H_
#undef GPT2_KERNELS_HIGHWAY_ADAMW_INL_H_
#else
#define GPT2_KERNELS_HIGHWAY_ADAMW_INL_H_
#endif

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "hwy/highway.h"
#include "kernels/ops.h"

HWY_BEFORE_NAMESPACE();
namespace gpt2 {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// The step's constants, broadcast once: the bias corrections 1/(1−βᵗ) are computed in double
// and rounded once, as a multiply is cheaper than the divide naive does per element.
template <class D>
struct AdamwVectors {
  using V = decltype(hn::Zero(D()));
  V b1, b2, one_minus_b1, one_minus_b2, m_scale, v_scale, eps, weight_decay, lr;

  AdamwVectors(D d, const AdamwStep& s)
      : b1(hn::Set(d, s.beta1)),
        b2(hn::Set(d, s.beta2)),
        one_minus_b1(hn::Set(d, 1.0f - s.beta1)),
        one_minus_b2(hn::Set(d, 1.0f - s.beta2)),
        m_scale(hn::Set(d, static_cast<float>(1.0 / (1.0 - std::pow(double{s.beta1}, s.t))))),
        v_scale(hn::Set(d, static_cast<float>(1.0 / (1.0 - std::pow(double{s.beta2}, s.t))))),
        eps(hn::Set(d, s.eps)),
        weight_decay(hn::Set(d, s.weight_decay)),
        lr(hn::Set(d, s.lr)) {}
};

// p, m, v (one vector each, unaligned) take one AdamW step from the gradient g.
template <class D, class V>
HWY_INLINE void AdamwVector(D d, const AdamwVectors<D>& k, V g, float* HWY_RESTRICT p,
                            float* HWY_RESTRICT m, float* HWY_RESTRICT v) {
  const V param = hn::LoadU(d, p);
  const V m1 = hn::MulAdd(k.b1, hn::LoadU(d, m), hn::Mul(k.one_minus_b1, g));
  const V v1 = hn::MulAdd(k.b2, hn::LoadU(d, v), hn::Mul(k.one_minus_b2, hn::Mul(g, g)));
  hn::StoreU(m1, d, m);
  hn::StoreU(v1, d, v);
  const V m_hat = hn::Mul(m1, k.m_scale);
  const V v_hat = hn::Mul(v1, k.v_scale);
  const V step = hn::MulAdd(k.weight_decay, param, hn::Div(m_hat, hn::Add(hn::Sqrt(v_hat), k.eps)));
  hn::StoreU(hn::NegMulAdd(k.lr, step, param), d, p);
}

// AdamW over n parameters from their gradients g (then zeroed with zero_grads), one vector at a
// time; the last partial vector goes through padded copies, so every element takes the same
// vector arithmetic whatever n is. Single-threaded: callers split the range.
template <class D>
HWY_INLINE void AdamwSpan(D d, const AdamwVectors<D>& k, float* HWY_RESTRICT g,
                          float* HWY_RESTRICT p, float* HWY_RESTRICT m, float* HWY_RESTRICT v,
                          size_t n, bool zero_grads) {
  const size_t lanes = hn::Lanes(d);
  size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    AdamwVector(d, k, hn::LoadU(d, g + i), p + i, m + i, v + i);
    if (zero_grads) hn::StoreU(hn::Zero(d), d, g + i);
  }
  if (i == n) return;
  const size_t tail = n - i;
  HWY_ALIGN float buffers[4 * hn::MaxLanes(d)] = {};
  float *gt = buffers, *pt = gt + lanes, *mt = pt + lanes, *vt = mt + lanes;
  std::copy_n(g + i, tail, gt);
  std::copy_n(p + i, tail, pt);
  std::copy_n(m + i, tail, mt);
  std::copy_n(v + i, tail, vt);
  AdamwVector(d, k, hn::Load(d, gt), pt, mt, vt);
  std::copy_n(pt, tail, p + i);
  std::copy_n(mt, tail, m + i);
  std::copy_n(vt, tail, v + i);
  if (zero_grads) std::fill_n(g + i, tail, 0.0f);
}

}  // namespace HWY_NAMESPACE
}  // namespace gpt2
HWY_AFTER_NAMESPACE();

#endif  // include guard
