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

// m_hat / (√v_hat + eps), v_hat ≥ 0.
//
// On x86 with FMA (AVX2, AVX-512) from the hardware's estimates, each refined once: a square
// root and a divide are the slowest vector instructions there, both on one port (an Intel Xeon
// core took 22 cycles a 16-float vector for the two, against 9 this way; AVX2 10 against 5),
// and in matmul_backward_adamw's epilogue that time is spent while the FMAs wait. The
// estimates carry 12-14 good bits; one Newton step from each FMA residual (v − s², m − den·q)
// brings the ratio within 4.5 ulp of the exact one (2.8 ulp exactly rounded; a harness over
// 4M random m and v from 1e-20 to 1, a zero in 97: results/adamw-2026-12-04/). v_hat is
// clamped to the smallest normal float before its estimate, so a zero moment gives a zero
// root (0 · 1/√FLT_MIN), not 0 · ∞. Other targets divide exactly: without FMA the residuals
// lose the bits the step needs, and 128-bit vectors gained little.
template <class D, class V>
HWY_INLINE V AdamwRatio(D d, V m_hat, V v_hat, V eps) {
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX2
  const V y = hn::ApproximateReciprocalSqrt(hn::Max(v_hat, hn::Set(d, 1.17549435e-38f)));
  const V s0 = hn::Mul(v_hat, y);  // √v_hat, to the estimate's bits
  const V root = hn::MulAdd(hn::Mul(hn::Set(d, 0.5f), y), hn::NegMulAdd(s0, s0, v_hat), s0);
  const V den = hn::Add(root, eps);
  const V r = hn::ApproximateReciprocal(den);
  const V q0 = hn::Mul(m_hat, r);
  return hn::MulAdd(r, hn::NegMulAdd(den, q0, m_hat), q0);
#else
  (void)d;
  return hn::Div(m_hat, hn::Add(hn::Sqrt(v_hat), eps));
#endif
}

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
  const V step = hn::MulAdd(k.weight_decay, param, AdamwRatio(d, m_hat, v_hat, k.eps));
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
