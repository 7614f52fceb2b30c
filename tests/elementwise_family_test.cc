// The non-GEMM kernels (encoder, layernorm, gelu, residual, softmax, cross-entropy, AdamW) of
// every family that implements them, against naive, on GPT-2 124M's sizes and awkward ones (sizes
// that are not a multiple of any vector width, 1-element rows), for every Highway target, at 1
// and 2 threads.
//
// Tolerances, with u = 2⁻²⁴:
//  - encoder, residual: the same single operations as naive in the same order, so the result
//    must be bitwise identical to naive in float.
//  - cross-entropy forward: one logarithm, Highway's Log within a few ulp: 4u·max(|e|, 1).
//  - layernorm: two length-C reductions (mean, variance) summed in another order; any order errs
//    by at most C·u relative to Σ|terms|, so |a − e| ≤ 4(C+2)·u·max|e|.
//  - gelu: highway computes x·σ(2u) with Highway's Exp, accurate to a few ulp where naive's
//    std::tanh is correctly rounded; the result's error is then ≤ 16u·(|x| + |e|), with room for
//    the polynomial's own rounding. Where it saturates (|x| ≥ 10: gelu is 0 or x, its slope 0 or
//    1) it must be within 4u of those values, relative to |x| and |dout|.
//  - softmax: a length-V sum, so ≤ (V+16)·u relative per probability (Exp adds a few ulp).
//  - AdamW and the fused cross-entropy backward: a handful of roundings per element, ≤ 8u
//    relative to the magnitudes involved.
//  - softmax + cross-entropy + backward in one kernel: bitwise the family's three kernels, and
//    against naive in double the softmax's bound carried into the loss and the gradient.
#include <gtest/gtest.h>

#include <cmath>
#include <iterator>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "kernels/adamw/adamw_naive.h"
#include "kernels/crossentropy/crossentropy_naive.h"
#include "kernels/encoder/encoder_naive.h"
#include "kernels/gelu/gelu_naive.h"
#include "kernels/layernorm/layernorm_naive.h"
#include "kernels/residual/residual_naive.h"
#include "tests/family_variants.h"
#include "tests/test_util.h"

namespace gpt2::test {
namespace {

constexpr double u = 0x1.0p-24;

struct Shape {
  const char* name;
  int B, T, C, V, Vp;
};

void PrintTo(const Shape& s, std::ostream* os) { *os << s.name; }

using Param = std::tuple<std::string, Shape, int>;

class ElementwiseTest : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override { variant_.Enter(std::get<0>(GetParam()), std::get<2>(GetParam())); }
  const KernelTable& table() const { return variant_.table(); }
  const Shape& shape() const { return std::get<1>(GetParam()); }
  size_t BT() const { return static_cast<size_t>(shape().B) * shape().T; }
  std::vector<int> Tokens(int below) const {
    Rng rng(99);
    std::vector<int> tokens(BT());
    for (int& t : tokens) t = static_cast<int>(rng.Below(below));
    return tokens;
  }
  FamilyVariant variant_;
};

std::vector<double> ToDouble(const std::vector<float>& v) { return {v.begin(), v.end()}; }

TEST_P(ElementwiseTest, EncoderIsExact) {
  if (!table().encoder_forward) GTEST_SKIP() << "no encoder in this family";
  const auto [name, B, T, C, V, Vp] = shape();
  const std::vector<int> inp = Tokens(V);
  const auto wte = RandomVector<float>(static_cast<size_t>(V) * C, 1);
  const auto wpe = RandomVector<float>(static_cast<size_t>(T) * C, 2);
  std::vector<float> out(BT() * C), expected(BT() * C);
  table().encoder_forward(out.data(), inp.data(), wte.data(), wpe.data(), B, T, C);
  EncoderForwardNaive(expected.data(), inp.data(), wte.data(), wpe.data(), B, T, C);
  EXPECT_EQ(out, expected);
  const auto dout = RandomVector<float>(BT() * C, 3);
  auto dwte = RandomVector<float>(wte.size(), 4), dwpe = RandomVector<float>(wpe.size(), 5);
  auto e_dwte = dwte, e_dwpe = dwpe;
  table().encoder_backward(dwte.data(), dwpe.data(), dout.data(), inp.data(), B, T, C);
  EncoderBackwardNaive(e_dwte.data(), e_dwpe.data(), dout.data(), inp.data(), B, T, C);
  EXPECT_EQ(dwte, e_dwte);
  EXPECT_EQ(dwpe, e_dwpe);
}

TEST_P(ElementwiseTest, ResidualIsExact) {
  if (!table().residual_forward) GTEST_SKIP() << "no residual in this family";
  const int N = static_cast<int>(BT()) * shape().C;
  const auto a = RandomVector<float>(N, 1), b = RandomVector<float>(N, 2);
  std::vector<float> out(N), expected(N);
  table().residual_forward(out.data(), a.data(), b.data(), N);
  ResidualForwardNaive(expected.data(), a.data(), b.data(), N);
  EXPECT_EQ(out, expected);
  auto d1 = RandomVector<float>(N, 3), d2 = RandomVector<float>(N, 4);
  auto e1 = d1, e2 = d2;
  table().residual_backward(d1.data(), d2.data(), b.data(), N);
  ResidualBackwardNaive(e1.data(), e2.data(), b.data(), N);
  EXPECT_EQ(d1, e1);
  EXPECT_EQ(d2, e2);
}

// The fused residual + layernorm must equal the family's own two kernels run one after the other
// bit for bit (a fusion changes where data is read from, not the arithmetic), and so meet the
// layernorm's bound against naive in double. The inputs make the sum a fresh stream, as in the
// model: neither input alone is the layernorm's input.
TEST_P(ElementwiseTest, ResidualLayernormEqualsTheUnfusedPair) {
  if (!table().residual_layernorm_forward) GTEST_SKIP() << "no fused residual + layernorm";
  const auto [name, B, T, C, V, Vp] = shape();
  const size_t n = BT() * C;
  const auto a = RandomVector<float>(n, 1, -2, 3), b = RandomVector<float>(n, 2);
  const auto w = RandomVector<float>(C, 3), bias = RandomVector<float>(C, 4);
  std::vector<float> residual(n, -7.0f), out(n, -7.0f), mean(BT(), -7.0f), rstd(BT(), -7.0f);
  table().residual_layernorm_forward(residual.data(), out.data(), mean.data(), rstd.data(),
                                     a.data(), b.data(), w.data(), bias.data(), B, T, C);
  std::vector<float> u_residual(n), u_out(n), u_mean(BT()), u_rstd(BT());
  table().residual_forward(u_residual.data(), a.data(), b.data(), static_cast<int>(n));
  table().layernorm_forward(u_out.data(), u_mean.data(), u_rstd.data(), u_residual.data(), w.data(),
                            bias.data(), B, T, C);
  EXPECT_EQ(residual, u_residual);
  EXPECT_EQ(out, u_out);
  EXPECT_EQ(mean, u_mean);
  EXPECT_EQ(rstd, u_rstd);

  const auto ad = ToDouble(a), bd = ToDouble(b), wd = ToDouble(w), biasd = ToDouble(bias);
  std::vector<double> e_residual(n), e_out(n), e_mean(BT()), e_rstd(BT());
  ResidualLayernormForwardNaive(e_residual.data(), e_out.data(), e_mean.data(), e_rstd.data(),
                                ad.data(), bd.data(), wd.data(), biasd.data(), B, T, C);
  // The float sum is rounded once (u), on top of the layernorm's own bound (as above).
  EXPECT_TRUE(AllClose("residual", residual.data(), e_residual.data(), n, 0, u));
  const double tol = 4 * (C + 3) * u;
  EXPECT_TRUE(AllClose("out", out.data(), e_out.data(), n, tol * MaxAbs(e_out.data(), n), 0));
  EXPECT_TRUE(AllClose("rstd", rstd.data(), e_rstd.data(), BT(), 0, tol));
}

TEST_P(ElementwiseTest, GeluWithinTanhAccuracy) {
  if (!table().gelu_forward) GTEST_SKIP() << "no gelu in this family";
  const int N = static_cast<int>(BT()) * shape().C;
  const auto x = RandomVector<float>(N, 1, -5, 5);
  std::vector<float> out(N);
  table().gelu_forward(out.data(), x.data(), N);
  std::vector<double> expected(N), xd = ToDouble(x);
  GeluForwardNaive(expected.data(), xd.data(), N);
  std::vector<double> bound(N);
  for (int i = 0; i < N; ++i) bound[i] = 16 * u * (std::fabs(xd[i]) + std::fabs(expected[i]));
  for (int i = 0; i < N; ++i) {
    ASSERT_LE(std::fabs(out[i] - expected[i]), bound[i]) << "gelu at " << i << ", x=" << x[i];
  }
  const auto dout = RandomVector<float>(N, 2);
  auto dinp = RandomVector<float>(N, 3);
  std::vector<double> e_dinp = ToDouble(dinp), g = ToDouble(dout);
  table().gelu_backward(dinp.data(), x.data(), dout.data(), N);
  GeluBackwardNaive(e_dinp.data(), xd.data(), g.data(), N);
  for (int i = 0; i < N; ++i) {
    // The derivative's terms reach |x|³-sized products before they cancel: scale by 1 + |x|³.
    const double b = 16 * u * (1 + std::pow(std::fabs(xd[i]), 3)) * std::fabs(g[i]) +
                     2 * u * std::fabs(e_dinp[i]);
    ASSERT_LE(std::fabs(dinp[i] - e_dinp[i]), b) << "gelu backward at " << i << ", x=" << x[i];
  }
}

// Large |x|, where a transcendental's argument leaves float range (e^(−2u) overflows for
// x ≲ −9.2) and float naive saturates to exactly 0 or x (slope 0 or 1).
TEST_P(ElementwiseTest, GeluSaturatesLikeNaive) {
  if (!table().gelu_forward) GTEST_SKIP() << "no gelu in this family";
  const int N = static_cast<int>(BT()) * shape().C;
  const float points[] = {-1e4f, -1000, -100, -60, -30, -20, -12, -10, 10, 12, 20, 100, 1e4f};
  std::vector<float> x(N);
  for (int i = 0; i < N; ++i) x[i] = points[i % std::size(points)];
  std::vector<float> out(N), expected(N);
  table().gelu_forward(out.data(), x.data(), N);
  GeluForwardNaive(expected.data(), x.data(), N);
  for (int i = 0; i < N; ++i) {
    ASSERT_LE(std::fabs(out[i] - expected[i]), 4 * u * std::fabs(x[i])) << "gelu at x=" << x[i];
  }
  const auto dout = RandomVector<float>(N, 2);
  std::vector<float> dinp(N, 0.0f), e_dinp(N, 0.0f);
  table().gelu_backward(dinp.data(), x.data(), dout.data(), N);
  GeluBackwardNaive(e_dinp.data(), x.data(), dout.data(), N);
  for (int i = 0; i < N; ++i) {
    ASSERT_LE(std::fabs(dinp[i] - e_dinp[i]), 4 * u * std::fabs(dout[i]))
        << "gelu backward at x=" << x[i];
  }
}

TEST_P(ElementwiseTest, LayernormWithinReductionBound) {
  if (!table().layernorm_forward) GTEST_SKIP() << "no layernorm in this family";
  const auto [name, B, T, C, V, Vp] = shape();
  const auto inp = RandomVector<float>(BT() * C, 1, -2, 3);
  const auto w = RandomVector<float>(C, 2), bias = RandomVector<float>(C, 3);
  std::vector<float> out(BT() * C), mean(BT()), rstd(BT());
  table().layernorm_forward(out.data(), mean.data(), rstd.data(), inp.data(), w.data(), bias.data(),
                            B, T, C);
  std::vector<double> e_out(out.size()), e_mean(BT()), e_rstd(BT());
  const auto xd = ToDouble(inp), wd = ToDouble(w), bd = ToDouble(bias);
  LayernormForwardNaive(e_out.data(), e_mean.data(), e_rstd.data(), xd.data(), wd.data(), bd.data(),
                        B, T, C);
  const double tol = 4 * (C + 2) * u;
  EXPECT_TRUE(AllClose("out", out.data(), e_out.data(), out.size(),
                       tol * MaxAbs(e_out.data(), e_out.size()), 0));
  EXPECT_TRUE(AllClose("rstd", rstd.data(), e_rstd.data(), BT(), 0, tol));

  const auto dout = RandomVector<float>(BT() * C, 4);
  auto dinp = RandomVector<float>(BT() * C, 5), dw = RandomVector<float>(C, 6);
  auto db = RandomVector<float>(C, 7);
  std::vector<double> e_dinp = ToDouble(dinp), e_dw = ToDouble(dw), e_db = ToDouble(db);
  table().layernorm_backward(dinp.data(), dw.data(), db.data(), dout.data(), inp.data(), w.data(),
                             mean.data(), rstd.data(), B, T, C);
  const auto gd = ToDouble(dout), md = ToDouble(mean), rd = ToDouble(rstd);
  LayernormBackwardNaive(e_dinp.data(), e_dw.data(), e_db.data(), gd.data(), xd.data(), wd.data(),
                         md.data(), rd.data(), B, T, C);
  // dweight and dbias sum over B·T rows as well.
  const double row_tol = 4 * (static_cast<double>(BT()) + C + 2) * u;
  // dinp = rstd·(g − mean(g) − norm·mean(g·norm)) with g = weight·dout: the terms cancel, so its
  // error scales with rstd·|g| (316·|g| when C = 1 and the variance is 0), not with dinp.
  const double g_scale =
      MaxAbs(rstd.data(), BT()) * MaxAbs(w.data(), C) * MaxAbs(dout.data(), dout.size()) * 3;
  EXPECT_TRUE(AllClose("dinp", dinp.data(), e_dinp.data(), dinp.size(),
                       tol * g_scale + 2 * u * MaxAbs(e_dinp.data(), e_dinp.size()), 0));
  EXPECT_TRUE(AllClose("dweight", dw.data(), e_dw.data(), C, row_tol * MaxAbs(e_dw.data(), C), 0));
  EXPECT_TRUE(AllClose("dbias", db.data(), e_db.data(), C, row_tol * MaxAbs(e_db.data(), C), 0));
}

TEST_P(ElementwiseTest, SoftmaxAndCrossentropy) {
  if (!table().softmax_forward) GTEST_SKIP() << "no softmax in this family";
  const auto [name, B, T, C, V, Vp] = shape();
  const std::vector<int> targets = Tokens(V);
  const auto logits = RandomVector<float>(BT() * Vp, 1, -8, 8);
  std::vector<float> probs(BT() * Vp, -1.0f);
  table().softmax_forward(probs.data(), logits.data(), B, T, V, Vp);
  std::vector<double> e_probs(probs.size());
  const auto zd = ToDouble(logits);
  SoftmaxForwardNaive(e_probs.data(), zd.data(), B, T, V, Vp);
  EXPECT_TRUE(AllClose("probs", probs.data(), e_probs.data(), probs.size(), 1e-37, (V + 16) * u));

  std::vector<float> losses(BT());
  std::vector<double> e_losses(BT());
  table().crossentropy_forward(losses.data(), probs.data(), targets.data(), B, T, Vp);
  const auto pd = ToDouble(probs);
  CrossentropyForwardNaive(e_losses.data(), pd.data(), targets.data(), B, T, Vp);
  for (size_t bt = 0; bt < BT(); ++bt) {
    ASSERT_LE(std::fabs(losses[bt] - e_losses[bt]), 4 * u * std::max(1.0, e_losses[bt])) << bt;
  }

  const auto dlosses = RandomVector<float>(BT(), 2);
  auto dlogits = RandomVector<float>(probs.size(), 3);
  std::vector<double> e_dlogits = ToDouble(dlogits), bound(probs.size());
  const std::vector<float> before = dlogits;
  table().crossentropy_softmax_backward(dlogits.data(), dlosses.data(), probs.data(),
                                        targets.data(), B, T, V, Vp);
  const auto dld = ToDouble(dlosses);
  CrossentropySoftmaxBackwardNaive(e_dlogits.data(), dld.data(), pd.data(), targets.data(), B, T, V,
                                   Vp);
  for (size_t bt = 0; bt < BT(); ++bt) {
    for (int i = 0; i < Vp; ++i) {
      const size_t k = bt * Vp + i;
      if (i >= V) {
        ASSERT_EQ(dlogits[k], before[k]) << "padded column written";
        continue;
      }
      const double b = 8 * u * (std::fabs(dld[bt]) + std::fabs(before[k]));
      ASSERT_LE(std::fabs(dlogits[k] - e_dlogits[k]), b) << "dlogits at " << bt << "," << i;
    }
  }
}

// The fused softmax + cross-entropy + backward must give what the family's three kernels give in
// a training step (dlogits zeroed, every dloss 1/(B·T)) bit for bit, padded columns zeroed, and so
// meet naive in double within the softmax's bound: (V+16)u relative on each probability, plus
// the logarithm's 4u on the loss and a few roundings on the gradient.
TEST_P(ElementwiseTest, SoftmaxCrossentropyFusedEqualsTheUnfusedKernels) {
  if (!table().softmax_crossentropy_fused) GTEST_SKIP() << "no fused softmax + cross-entropy";
  const auto [name, B, T, C, V, Vp] = shape();
  const std::vector<int> targets = Tokens(V);
  const auto logits = RandomVector<float>(BT() * Vp, 1, -8, 8);
  const float dloss = 1.0f / static_cast<float>(BT());
  std::vector<float> losses(BT(), -7.0f), dlogits(BT() * Vp, -7.0f);
  table().softmax_crossentropy_fused(losses.data(), dlogits.data(), logits.data(), targets.data(),
                                     dloss, B, T, V, Vp);

  std::vector<float> probs(BT() * Vp), u_losses(BT()), u_dlogits(BT() * Vp, 0.0f);
  const std::vector<float> dlosses(BT(), dloss);
  table().softmax_forward(probs.data(), logits.data(), B, T, V, Vp);
  table().crossentropy_forward(u_losses.data(), probs.data(), targets.data(), B, T, Vp);
  table().crossentropy_softmax_backward(u_dlogits.data(), dlosses.data(), probs.data(),
                                        targets.data(), B, T, V, Vp);
  EXPECT_EQ(losses, u_losses);
  EXPECT_EQ(dlogits, u_dlogits);  // padded columns included: 0 in both

  const auto zd = ToDouble(logits);
  std::vector<double> e_losses(BT()), e_dlogits(BT() * Vp);
  SoftmaxCrossentropyFusedNaive(e_losses.data(), e_dlogits.data(), zd.data(), targets.data(),
                                static_cast<double>(dloss), B, T, V, Vp);
  for (size_t bt = 0; bt < BT(); ++bt) {
    const double loss_bound = (V + 16) * u + 4 * u * std::max(1.0, e_losses[bt]);
    ASSERT_LE(std::fabs(losses[bt] - e_losses[bt]), loss_bound) << "loss at " << bt;
  }
  EXPECT_TRUE(AllClose("dlogits", dlogits.data(), e_dlogits.data(), dlogits.size(),
                       (V + 24) * u * dloss, 0));
}

// A probability that underflowed to 0 must give an infinite loss, as −log 0 does in naive, so a
// diverged run is visible rather than hidden behind a finite garbage value.
TEST_P(ElementwiseTest, CrossentropyOfZeroProbabilityIsInfinite) {
  if (!table().crossentropy_forward) GTEST_SKIP() << "no cross-entropy in this family";
  const auto [name, B, T, C, V, Vp] = shape();
  const std::vector<int> targets = Tokens(V);
  const std::vector<float> probs(BT() * Vp, 0.0f);
  std::vector<float> losses(BT());
  table().crossentropy_forward(losses.data(), probs.data(), targets.data(), B, T, Vp);
  for (size_t bt = 0; bt < BT(); ++bt) {
    EXPECT_TRUE(std::isinf(losses[bt]) && losses[bt] > 0) << bt << ": " << losses[bt];
  }
}

TEST_P(ElementwiseTest, AdamwStep) {
  if (!table().adamw_update) GTEST_SKIP() << "no adamw in this family";
  const size_t n = BT() * shape().C;
  const auto params0 = RandomVector<float>(n, 1), m0 = RandomVector<float>(n, 2, -1e-3, 1e-3);
  const auto v0 = RandomVector<float>(n, 3, 0, 1e-6);
  const auto grads0 = RandomVector<float>(n, 4, -1e-2, 1e-2);
  std::vector<double> e_params = ToDouble(params0), e_m = ToDouble(m0), e_v = ToDouble(v0);
  auto gd = ToDouble(grads0);
  const float lr = 1e-3f;
  AdamwUpdateNaive(e_params.data(), gd.data(), e_m.data(), e_v.data(), n, lr, 0.9f, 0.999f, 1e-8f,
                   0.1f, 3, false);
  std::vector<float> unfused_params;
  for (const bool zero_grads : {false, true}) {
    SCOPED_TRACE(zero_grads ? "fused with the gradient reset" : "gradients kept");
    auto params = params0, m = m0, v = v0, grads = grads0;
    table().adamw_update(params.data(), grads.data(), m.data(), v.data(), n, lr, 0.9f, 0.999f,
                         1e-8f, 0.1f, 3, zero_grads);
    // m = β1·m + (1−β1)·g can cancel, so its error scales with the terms' sizes (bounded here
    // by 1e-3 and 1e-2·0.1); v's terms are both positive. A step moves p by about
    // lr·(1 + wd·|p|), rounded to a few ulp, on top of p's own ulp.
    EXPECT_TRUE(AllClose("m", m.data(), e_m.data(), n, 4 * u * 2e-3, 4 * u));
    EXPECT_TRUE(AllClose("v", v.data(), e_v.data(), n, 0, 4 * u));
    EXPECT_TRUE(AllClose("params", params.data(), e_params.data(), n, 16 * u * lr * 2, 4 * u));
    // The reset comes after the update, so it changes nothing else, bit for bit.
    if (zero_grads) {
      EXPECT_EQ(params, unfused_params);
    } else {
      unfused_params = params;
    }
    const std::vector<float> expected_grads = zero_grads ? std::vector<float>(n, 0.0f) : grads0;
    EXPECT_EQ(grads, expected_grads);
  }
}

// AdamW over the range of moments training makes: gradients from 1 down to 1e-20 (v then
// subnormal), some always zero (m = v = 0: the step is the weight decay alone), and some
// moments already subnormal with no gradient (a tied wte row long after its token was last
// seen). The moments come from two steps in double, rounded to float; the third step is compared
// against naive in double. |m̂ / (√v̂ + ε)| stays below about 3 here, so a ratio within a few ulp
// moves p by ≤ 16u·lr, AdamwStep's bound. m and v: a few roundings of their two terms, and
// the extra FLT_MIN of their bound lets a family store a moment below the smallest normal float
// as zero (none does now: results/xeon-2026-12-04/README.md says why one was tried).
TEST_P(ElementwiseTest, AdamwStepOverTheMomentsRange) {
  if (!table().adamw_update) GTEST_SKIP() << "no adamw in this family";
  const size_t n = BT() * shape().C;
  const float lr = 1e-3f;
  const auto params0 = RandomVector<float>(n, 1);
  std::vector<std::vector<double>> grads(3);
  for (int t = 0; t < 3; ++t) {
    grads[t] = RandomVector<double>(n, 10 + t);
    for (size_t i = 0; i < n; ++i) {
      grads[t][i] *= i % 23 == 0 || i % 29 == 0 ? 0.0 : std::pow(10.0, -double(i % 21));
    }
  }
  std::vector<double> e_params = ToDouble(params0), e_m(n, 0.0), e_v(n, 0.0);
  for (int t = 1; t <= 2; ++t) {
    AdamwUpdateNaive(e_params.data(), grads[t - 1].data(), e_m.data(), e_v.data(), n, lr, 0.9f,
                     0.999f, 1e-8f, 0.1f, t, false);
  }
  std::vector<float> params(e_params.begin(), e_params.end()), m(e_m.begin(), e_m.end());
  std::vector<float> v(e_v.begin(), e_v.end()), g(grads[2].begin(), grads[2].end());
  for (size_t i = 0; i < n; i += 29) {  // m subnormal; v still normal (as in a wte row), or not
    m[i] = i % 2 ? 3e-39f : -3e-39f;
    v[i] = i % 58 == 0 ? 2e-40f : 1e-10f;
  }
  const std::vector<float> m0 = m;
  e_params = ToDouble(params), e_m = ToDouble(m), e_v = ToDouble(v);
  auto gd = ToDouble(g);
  AdamwUpdateNaive(e_params.data(), gd.data(), e_m.data(), e_v.data(), n, lr, 0.9f, 0.999f, 1e-8f,
                   0.1f, 3, false);
  table().adamw_update(params.data(), g.data(), m.data(), v.data(), n, lr, 0.9f, 0.999f, 1e-8f,
                       0.1f, 3, false);
  EXPECT_TRUE(AllClose("params", params.data(), e_params.data(), n, 16 * u * lr * 2, 4 * u));
  for (size_t i = 0; i < n; i += 23) {  // no moments: decay alone, p·(1 − lr·wd) rounded
    ASSERT_NEAR(params[i], e_params[i], 4 * u * std::fabs(e_params[i])) << i;
  }
  const double smallest_normal = std::numeric_limits<float>::min();
  for (size_t i = 0; i < n; ++i) {
    const double m_terms = 0.9 * std::fabs(m0[i]) + 0.1 * std::fabs(g[i]);
    ASSERT_NEAR(m[i], e_m[i], 4 * u * m_terms + smallest_normal) << "m at " << i;
    ASSERT_NEAR(v[i], e_v[i], 4 * u * e_v[i] + smallest_normal) << "v at " << i;
  }
}

const Shape kShapes[] = {{"gpt2", 4, 64, 768, 50257, 50304},
                         {"ones", 1, 1, 1, 1, 1},
                         {"C17_V7", 2, 3, 17, 7, 8},
                         {"C67_V33", 1, 7, 67, 33, 33},
                         {"C15_V131", 3, 1, 15, 131, 144}};

INSTANTIATE_TEST_SUITE_P(
    Families, ElementwiseTest,
    ::testing::Combine(::testing::ValuesIn(VariantsUnderTest([](const KernelTable& t) {
                         return t.gelu_forward != nullptr;
                       })),
                       ::testing::ValuesIn(kShapes), ::testing::Values(1, 2)),
    [](const ::testing::TestParamInfo<Param>& info) {
      return std::get<0>(info.param) + "_" + std::get<1>(info.param).name + "_threads" +
             std::to_string(std::get<2>(info.param));
    });

}  // namespace
}  // namespace gpt2::test
