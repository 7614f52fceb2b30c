#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include "hwy/highway.h"
#include "kernels/highway_adamw-inl.h"
#include "kernels/ops.h"
namespace hn = hwy::HWY_NAMESPACE;
using namespace gpt2::HWY_NAMESPACE;
template <class D, class V>
HWY_INLINE V RatioApprox(D d, V m_hat, V v_hat, V eps) {
  // sqrt(v_hat) from rsqrt estimate, one correction from the FMA residual
  const V vc = hn::Max(v_hat, hn::Set(d, 1.17549435e-38f));
  const V y = hn::ApproximateReciprocalSqrt(vc);
  const V s0 = hn::Mul(v_hat, y);
  const V half_y = hn::Mul(hn::Set(d, 0.5f), y);
  const V s = hn::MulAdd(half_y, hn::NegMulAdd(s0, s0, v_hat), s0);
  const V den = hn::Add(s, eps);
  const V r = hn::ApproximateReciprocal(den);
  const V q0 = hn::Mul(m_hat, r);
  return hn::MulAdd(r, hn::NegMulAdd(den, q0, m_hat), q0);
}
template <class D, class V>
HWY_INLINE V RatioExact(D d, V m_hat, V v_hat, V eps) {
  return hn::Div(m_hat, hn::Add(hn::Sqrt(v_hat), eps));
}
int main() {
  const hn::ScalableTag<float> d;
  using V = decltype(hn::Zero(d));
  const size_t n = 1 << 22;
  std::vector<float> m(n), v(n);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> um(-1e-2f, 1e-2f), ue(-20, 0);
  for (size_t i = 0; i < n; ++i) {
    m[i] = um(rng);
    v[i] = i % 97 == 0 ? 0.0f : std::pow(10.0f, ue(rng));
  }
  double worst_a = 0, worst_e = 0;
  const V eps = hn::Set(d, 1e-8f);
  for (size_t i = 0; i < n; i += hn::Lanes(d)) {
    V a = RatioApprox(d, hn::LoadU(d, &m[i]), hn::LoadU(d, &v[i]), eps);
    V e = RatioExact(d, hn::LoadU(d, &m[i]), hn::LoadU(d, &v[i]), eps);
    float av[64], ev[64];
    hn::StoreU(a, d, av);
    hn::StoreU(e, d, ev);
    for (size_t j = 0; j < hn::Lanes(d); ++j) {
      double ref = double(m[i + j]) / (std::sqrt(double(v[i + j])) + 1e-8);
      double ra = std::fabs(av[j] - ref) / std::fabs(ref) / std::ldexp(1.0, -24);
      double re = std::fabs(ev[j] - ref) / std::fabs(ref) / std::ldexp(1.0, -24);
      if (ref != 0 && ra > worst_a) worst_a = ra;
      if (ref != 0 && re > worst_e) worst_e = re;
    }
  }
  printf("%s: worst relative error, units of 2^-24: approx %.2f exact %.2f\n",
         hwy::TargetName(HWY_TARGET), worst_a, worst_e);
  // speed on L1 data
  const size_t L = 4096;
  double ta = 1e9, te = 1e9;
  V sink = hn::Zero(d);
  for (int r = 0; r < 5; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    for (int k = 0; k < 20000; ++k)
      for (size_t i = 0; i < L; i += hn::Lanes(d))
        sink = hn::Add(sink, RatioApprox(d, hn::LoadU(d, &m[i]), hn::LoadU(d, &v[i]), eps));
    auto t1 = std::chrono::steady_clock::now();
    for (int k = 0; k < 20000; ++k)
      for (size_t i = 0; i < L; i += hn::Lanes(d))
        sink = hn::Add(sink, RatioExact(d, hn::LoadU(d, &m[i]), hn::LoadU(d, &v[i]), eps));
    auto t2 = std::chrono::steady_clock::now();
    ta = std::min(ta, std::chrono::duration<double>(t1 - t0).count());
    te = std::min(te, std::chrono::duration<double>(t2 - t1).count());
  }
  const double vecs = 20000.0 * L / hn::Lanes(d);
  printf("cycles per vector at 3.35 GHz: approx %.1f exact %.1f (%g)\n", ta / vecs * 3.35e9,
         te / vecs * 3.35e9, hn::GetLane(sink));
}
