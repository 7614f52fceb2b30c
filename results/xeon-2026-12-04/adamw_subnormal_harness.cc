// AdamW's step on one vector, three ways, with moments that are subnormal (|m| ~ 1e-39, as a
// wte row's m becomes some 750 steps after its token was last seen) or normal.
#include <cfloat>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>
#include "hwy/highway.h"
namespace hn = hwy::HWY_NAMESPACE;
// The refined estimates as commit 6373c71 had them (AVX-512 / AVX2 only).
template <class D, class V>
V Divide(D, V num, V den) {
  const V r = hn::ApproximateReciprocal(den);
  const V q = hn::Mul(num, r);
  return hn::MulAdd(r, hn::NegMulAdd(den, q, num), q);
}
template <class D, class V>
V SquareRoot(D d, V x) {
  const V y = hn::ApproximateReciprocalSqrt(hn::Max(x, hn::Set(d, 1.17549435e-38f)));
  const V s = hn::Mul(x, y);
  return hn::MulAdd(hn::Mul(hn::Set(d, 0.5f), y), hn::NegMulAdd(s, s, x), s);
}
template <int kWay>  // 0: vsqrtps + vdivps, 1: refined, 2: refined + subnormal moments flushed
void Step(const float* g, float* p, float* m, float* v, size_t n) {
  const hn::ScalableTag<float> d;
  using V = decltype(hn::Zero(d));
  const V b1 = hn::Set(d, 0.9f), b2 = hn::Set(d, 0.999f), c1 = hn::Set(d, 0.1f),
          c2 = hn::Set(d, 0.001f);
  const V ms = hn::Set(d, 1.0f / (1 - 0.729f)), vs = hn::Set(d, 1.0f / (1 - 0.997003f));
  const V eps = hn::Set(d, 1e-8f), wd = hn::Set(d, 0.1f), lr = hn::Set(d, 1e-3f),
          tiny = hn::Set(d, FLT_MIN);
  for (size_t i = 0; i < n; i += hn::Lanes(d)) {
    const V gv = hn::LoadU(d, g + i), param = hn::LoadU(d, p + i);
    V m1 = hn::MulAdd(b1, hn::LoadU(d, m + i), hn::Mul(c1, gv));
    V v1 = hn::MulAdd(b2, hn::LoadU(d, v + i), hn::Mul(c2, hn::Mul(gv, gv)));
    if (kWay == 2) {
      m1 = hn::IfThenZeroElse(hn::Lt(hn::Abs(m1), tiny), m1);
      v1 = hn::IfThenZeroElse(hn::Lt(v1, tiny), v1);
    }
    hn::StoreU(m1, d, m + i);
    hn::StoreU(v1, d, v + i);
    const V mh = hn::Mul(m1, ms), vh = hn::Mul(v1, vs);
    const V ratio = kWay == 0 ? hn::Div(mh, hn::Add(hn::Sqrt(vh), eps))
                              : Divide(d, mh, hn::Add(SquareRoot(d, vh), eps));
    hn::StoreU(hn::NegMulAdd(lr, hn::MulAdd(wd, param, ratio), param), d, p + i);
  }
}
template <int kWay>
void Run(float m0, float v0) {
  const size_t n = 4096;
  std::vector<float> g(n, 0.0f), p(n, 0.5f), m(n), v(n);
  double best = 1e9;
  for (int r = 0; r < 5; ++r) {
    double total = 0;
    for (int k = 0; k < 2000; ++k) {
      std::fill(m.begin(), m.end(), m0), std::fill(v.begin(), v.end(), v0);  // every step sees them
      auto t0 = std::chrono::steady_clock::now();
      Step<kWay>(g.data(), p.data(), m.data(), v.data(), n);
      total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    best = std::min(best, total);
  }
  printf("way %d, m %g v %g: %.1f cycles a vector at 3.35 GHz\n", kWay, m0, v0,
         best / (2000.0 * n / 16) * 3.35e9);
}
int main() {
  for (float m0 : {1e-4f, 1e-39f}) {
    Run<0>(m0, 1e-8f);
    Run<1>(m0, 1e-8f);
    Run<2>(m0, 1e-8f);
  }
}
