// Every naive backward kernel against a central finite difference of its forward kernel.
//
// The kernels are templates, so this runs them in double: with step h = 1e-5 the finite
// difference is accurate to about h²·|f'''| + u·|L|/h ≈ 1e-10, and we ask for agreement to
// 1e-7 relative to the gradient's largest magnitude — tight enough that a wrong factor or a
// missing term fails by orders of magnitude. The scalar checked is L = Σ out ⊙ w for random
// weights w, whose gradient with respect to `out` is w, the dout handed to the backward kernel.
// Gradient buffers start with random values, so the check also proves the kernels accumulate
// (+=) rather than overwrite.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "kernels/adamw/adamw_naive.h"
#include "kernels/attention/attention_naive.h"
#include "kernels/crossentropy/crossentropy_naive.h"
#include "kernels/encoder/encoder_naive.h"
#include "kernels/gelu/gelu_naive.h"
#include "kernels/layernorm/layernorm_naive.h"
#include "kernels/matmul/matmul_naive.h"
#include "kernels/residual/residual_naive.h"
#include "tests/test_util.h"

namespace gpt2::test {
namespace {

using Vec = std::vector<double>;
constexpr double kStep = 1e-5;
constexpr double kTolerance = 1e-7;

double Dot(const Vec& a, const Vec& b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

// Compares (after − before) of an accumulated gradient with the finite difference of `loss`
// with respect to every element of x.
void ExpectGradient(const std::string& what, Vec& x, const Vec& before, const Vec& after,
                    const std::function<double()>& loss) {
  Vec analytic(x.size()), numeric(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    analytic[i] = after[i] - before[i];
    const double saved = x[i];
    x[i] = saved + kStep;
    const double up = loss();
    x[i] = saved - kStep;
    const double down = loss();
    x[i] = saved;
    numeric[i] = (up - down) / (2 * kStep);
  }
  const double scale = std::max(1.0, MaxAbs(numeric.data(), numeric.size()));
  EXPECT_TRUE(AllClose(what, analytic.data(), numeric.data(), x.size(), kTolerance * scale, 0));
}

struct Shape {
  int B, T, C, OC, NH, V, Vp;
};

void PrintTo(const Shape& s, std::ostream* os) {
  *os << "B=" << s.B << " T=" << s.T << " C=" << s.C << " OC=" << s.OC << " NH=" << s.NH
      << " V=" << s.V << " Vp=" << s.Vp;
}

std::string ShapeName(const ::testing::TestParamInfo<Shape>& info) {
  const Shape& s = info.param;
  return "B" + std::to_string(s.B) + "_T" + std::to_string(s.T) + "_C" + std::to_string(s.C) +
         "_OC" + std::to_string(s.OC) + "_NH" + std::to_string(s.NH) + "_V" + std::to_string(s.V) +
         "_Vp" + std::to_string(s.Vp);
}

class GradcheckTest : public ::testing::TestWithParam<Shape> {
 protected:
  size_t BT() const { return static_cast<size_t>(GetParam().B) * GetParam().T; }
  std::vector<int> Tokens(int below, uint64_t seed) const {
    Rng rng(seed);
    std::vector<int> tokens(BT());
    for (int& t : tokens) t = static_cast<int>(rng.Below(below));
    return tokens;
  }
};

TEST_P(GradcheckTest, Encoder) {
  const auto [B, T, C, OC, NH, V, Vp] = GetParam();
  const std::vector<int> inp = Tokens(V, 1);  // few tokens: rows repeat and must accumulate
  Vec wte = RandomVector<double>(static_cast<size_t>(V) * C, 2);
  Vec wpe = RandomVector<double>(static_cast<size_t>(T) * C, 3);
  const Vec w = RandomVector<double>(BT() * C, 4);
  Vec out(BT() * C);
  auto loss = [&] {
    EncoderForwardNaive(out.data(), inp.data(), wte.data(), wpe.data(), B, T, C);
    return Dot(out, w);
  };
  const Vec dwte0 = RandomVector<double>(wte.size(), 5),
            dwpe0 = RandomVector<double>(wpe.size(), 6);
  Vec dwte = dwte0, dwpe = dwpe0;
  EncoderBackwardNaive(dwte.data(), dwpe.data(), w.data(), inp.data(), B, T, C);
  ExpectGradient("dwte", wte, dwte0, dwte, loss);
  ExpectGradient("dwpe", wpe, dwpe0, dwpe, loss);
}

TEST_P(GradcheckTest, Layernorm) {
  const auto [B, T, C, OC, NH, V, Vp] = GetParam();
  Vec inp = RandomVector<double>(BT() * C, 1, -2, 2);
  Vec weight = RandomVector<double>(C, 2), bias = RandomVector<double>(C, 3);
  const Vec w = RandomVector<double>(BT() * C, 4);
  Vec out(BT() * C), mean(BT()), rstd(BT());
  auto loss = [&] {
    LayernormForwardNaive(out.data(), mean.data(), rstd.data(), inp.data(), weight.data(),
                          bias.data(), B, T, C);
    return Dot(out, w);
  };
  loss();  // saves mean and rstd for the backward pass
  const Vec dinp0 = RandomVector<double>(inp.size(), 5);
  const Vec dweight0 = RandomVector<double>(C, 6), dbias0 = RandomVector<double>(C, 7);
  Vec dinp = dinp0, dweight = dweight0, dbias = dbias0;
  LayernormBackwardNaive(dinp.data(), dweight.data(), dbias.data(), w.data(), inp.data(),
                         weight.data(), mean.data(), rstd.data(), B, T, C);
  ExpectGradient("dinp", inp, dinp0, dinp, loss);
  ExpectGradient("dweight", weight, dweight0, dweight, loss);
  ExpectGradient("dbias", bias, dbias0, dbias, loss);
}

TEST_P(GradcheckTest, MatmulWithAndWithoutBias) {
  const auto [B, T, C, OC, NH, V, Vp] = GetParam();
  for (bool with_bias : {true, false}) {
    SCOPED_TRACE(with_bias ? "with bias" : "without bias");
    Vec inp = RandomVector<double>(BT() * C, 1),
        weight = RandomVector<double>(static_cast<size_t>(OC) * C, 2);
    Vec bias = RandomVector<double>(OC, 3);
    const Vec w = RandomVector<double>(BT() * OC, 4);
    Vec out(BT() * OC);
    auto loss = [&] {
      MatmulForwardNaive(out.data(), inp.data(), weight.data(), with_bias ? bias.data() : nullptr,
                         B, T, C, OC);
      return Dot(out, w);
    };
    const Vec dinp0 = RandomVector<double>(inp.size(), 5);
    const Vec dweight0 = RandomVector<double>(weight.size(), 6);
    const Vec dbias0 = RandomVector<double>(OC, 7);
    Vec dinp = dinp0, dweight = dweight0, dbias = dbias0;
    MatmulBackwardNaive(dinp.data(), dweight.data(), with_bias ? dbias.data() : nullptr, w.data(),
                        inp.data(), weight.data(), B, T, C, OC);
    ExpectGradient("dinp", inp, dinp0, dinp, loss);
    ExpectGradient("dweight", weight, dweight0, dweight, loss);
    if (with_bias) {
      ExpectGradient("dbias", bias, dbias0, dbias, loss);
    } else {
      EXPECT_EQ(dbias, dbias0) << "a null dbias must not be written";
    }
  }
}

TEST_P(GradcheckTest, Attention) {
  const auto [B, T, C, OC, NH, V, Vp] = GetParam();
  if (C % NH != 0) GTEST_SKIP() << "C=" << C << " is not a multiple of NH=" << NH;
  Vec inp = RandomVector<double>(BT() * 3 * C, 1, -2, 2);
  const Vec w = RandomVector<double>(BT() * C, 2);
  const size_t scores = static_cast<size_t>(B) * NH * T * T;
  Vec out(BT() * C), preatt(scores), att(scores);
  auto loss = [&] {
    AttentionForwardNaive(out.data(), preatt.data(), att.data(), inp.data(), B, T, C, NH);
    return Dot(out, w);
  };
  loss();
  const Vec dinp0 = RandomVector<double>(inp.size(), 3);
  Vec dinp = dinp0, dpreatt(scores), datt(scores);  // scratch gradients start at zero
  AttentionBackwardNaive(dinp.data(), dpreatt.data(), datt.data(), w.data(), inp.data(), att.data(),
                         B, T, C, NH);
  ExpectGradient("dinp", inp, dinp0, dinp, loss);
}

TEST_P(GradcheckTest, Gelu) {
  const auto [B, T, C, OC, NH, V, Vp] = GetParam();
  const int N = static_cast<int>(BT()) * C;
  Vec inp = RandomVector<double>(N, 1, -4, 4);
  const Vec w = RandomVector<double>(N, 2);
  Vec out(N);
  auto loss = [&] {
    GeluForwardNaive(out.data(), inp.data(), N);
    return Dot(out, w);
  };
  const Vec dinp0 = RandomVector<double>(N, 3);
  Vec dinp = dinp0;
  GeluBackwardNaive(dinp.data(), inp.data(), w.data(), N);
  ExpectGradient("dinp", inp, dinp0, dinp, loss);
}

TEST_P(GradcheckTest, Residual) {
  const auto [B, T, C, OC, NH, V, Vp] = GetParam();
  const int N = static_cast<int>(BT()) * C;
  Vec inp1 = RandomVector<double>(N, 1), inp2 = RandomVector<double>(N, 2);
  const Vec w = RandomVector<double>(N, 3);
  Vec out(N);
  auto loss = [&] {
    ResidualForwardNaive(out.data(), inp1.data(), inp2.data(), N);
    return Dot(out, w);
  };
  const Vec d10 = RandomVector<double>(N, 4), d20 = RandomVector<double>(N, 5);
  Vec d1 = d10, d2 = d20;
  ResidualBackwardNaive(d1.data(), d2.data(), w.data(), N);
  ExpectGradient("dinp1", inp1, d10, d1, loss);
  ExpectGradient("dinp2", inp2, d20, d2, loss);
}

// Softmax, cross-entropy and their fused backward, over a padded vocabulary.
TEST_P(GradcheckTest, SoftmaxCrossentropy) {
  const auto [B, T, C, OC, NH, V, Vp] = GetParam();
  const std::vector<int> targets = Tokens(V, 1);
  Vec logits = RandomVector<double>(BT() * Vp, 2, -3, 3);
  const Vec dlosses = RandomVector<double>(BT(), 3);
  Vec probs(BT() * Vp), losses(BT());
  auto loss = [&] {
    SoftmaxForwardNaive(probs.data(), logits.data(), B, T, V, Vp);
    CrossentropyForwardNaive(losses.data(), probs.data(), targets.data(), B, T, Vp);
    return Dot(losses, dlosses);
  };
  loss();
  for (size_t bt = 0; bt < BT(); ++bt) {
    double sum = 0;
    for (int i = 0; i < V; ++i) sum += probs[bt * Vp + i];
    EXPECT_NEAR(sum, 1.0, 1e-12);
    for (int i = V; i < Vp; ++i) EXPECT_EQ(probs[bt * Vp + i], 0.0) << "padded probability";
  }
  const Vec dlogits0 = RandomVector<double>(logits.size(), 4);
  Vec dlogits = dlogits0;
  CrossentropySoftmaxBackwardNaive(dlogits.data(), dlosses.data(), probs.data(), targets.data(), B,
                                   T, V, Vp);
  for (size_t bt = 0; bt < BT(); ++bt) {
    for (int i = V; i < Vp; ++i) {
      EXPECT_EQ(dlogits[bt * Vp + i], dlogits0[bt * Vp + i]) << "padded column written";
    }
  }
  // The padded logits do not enter the loss, so their numeric gradient is 0 and so is the
  // analytic one (untouched above): the whole buffer can be checked at once.
  ExpectGradient("dlogits", logits, dlogits0, dlogits, loss);
}

INSTANTIATE_TEST_SUITE_P(Naive, GradcheckTest,
                         ::testing::Values(Shape{1, 1, 1, 1, 1, 1, 1},    // everything 1, T=1
                                           Shape{2, 3, 6, 5, 2, 7, 8},    // small, odd OC
                                           Shape{1, 5, 9, 3, 3, 11, 16},  // NH=3, B=1
                                           Shape{3, 4, 7, 4, 1, 5, 5},    // odd C, NH=1, V=Vp
                                           Shape{2, 1, 8, 9, 4, 3, 8}),   // T=1 with heads
                         ShapeName);

// AdamW has no backward; check it against the closed form instead. With a constant gradient g,
// bias correction makes m̂ = g and v̂ = g² at every step, so each step is exactly
// p −= lr·(g/(|g|+eps) + wd·p).
TEST(AdamwNaive, BiasCorrectionGivesSignSizedStepsForAConstantGradient) {
  const size_t n = 37;
  const float lr = 1e-2f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, wd = 0.1f;
  Vec params = RandomVector<double>(n, 1), expected = params;
  Vec grads = RandomVector<double>(n, 2, -0.01, 0.01);
  Vec m(n, 0.0), v(n, 0.0);
  for (int t = 1; t <= 5; ++t) {
    AdamwUpdateNaive(params.data(), grads.data(), m.data(), v.data(), n, lr, beta1, beta2, eps, wd,
                     t, false);
    for (size_t i = 0; i < n; ++i) {
      const double g = grads[i];
      expected[i] -= static_cast<double>(lr) * (g / (std::fabs(g) + static_cast<double>(eps)) +
                                                static_cast<double>(wd) * expected[i]);
    }
    EXPECT_TRUE(AllClose("params at step " + std::to_string(t), params.data(), expected.data(), n,
                         1e-12, 1e-10));
  }
}

}  // namespace
}  // namespace gpt2::test
