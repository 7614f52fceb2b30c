// Every kernel of every non-naive family against the naive kernel run in double on the same
// float inputs, on GPT-2's shapes and on awkward ones, at 1 and 2 threads (and the highway
// matmuls' thread splits at 3 and 16 threads against its 1-thread products).
//
// Tolerance for the GEMM-shaped kernels, derived rather than guessed: any order of summing K
// products in fp32 has error at most γ_K·Σ|aᵢbᵢ| with γ_K ≈ K·u (u = 2⁻²⁴ ≈ 6e-8, the unit
// roundoff). So each element must satisfy |a − e| ≤ K·u·m + 2u·|e|, where m = Σ|aᵢbᵢ| is computed
// by the same naive kernel on the absolute values, and 2u·|e| covers the accumulation into a
// prefilled output. A wrong index or a dropped term errs by about |e| ≈ m/√K, which is √K/u times
// the bound (for K=768, 1e4 times), so the check is both safe and sharp. Attention chains two
// reductions (scores over hs, outputs over T) through a softmax whose exp turns an absolute score
// error into a relative one, so its bound is (hs + T)·u·4 of the tensor's largest magnitude.
// Backward kernels start from random gradients (catching = for +=) and every output buffer is
// followed by canaries (catching writes past the end).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "kernels/adamw/adamw_naive.h"
#include "kernels/attention/attention_naive.h"
#include "kernels/gelu/gelu_naive.h"
#include "kernels/matmul/matmul_naive.h"
#include "kernels/registry.h"
#include "kernels/threading.h"
#include "tests/family_variants.h"
#include "tests/test_util.h"

namespace gpt2::test {
namespace {

constexpr double kUnitRoundoff = 0x1.0p-24;
constexpr float kCanary = -12345.0f;
constexpr size_t kCanaries = 16;

// A float buffer with canaries after its n elements.
class Guarded {
 public:
  Guarded(size_t n, uint64_t seed, double lo = -1, double hi = 1)
      : n_(n), data_(RandomVector<float>(n, seed, lo, hi)) {
    data_.resize(n + kCanaries, kCanary);
  }
  float* data() { return data_.data(); }
  const float* data() const { return data_.data(); }
  size_t size() const { return n_; }
  std::vector<double> AsDouble() const { return {data_.begin(), data_.begin() + n_}; }
  bool CanariesIntact() const {
    for (size_t i = n_; i < data_.size(); ++i) {
      if (data_[i] != kCanary) return false;
    }
    return true;
  }

 private:
  size_t n_;
  std::vector<float> data_;
};

std::vector<double> Abs(std::vector<double> v) {
  for (double& x : v) x = std::fabs(x);
  return v;
}

// |a − e| ≤ K·u·m + 2u·|e|, element by element.
::testing::AssertionResult WithinGemmBound(const std::string& what, const Guarded& actual,
                                           const std::vector<double>& expected,
                                           const std::vector<double>& magnitude, int K) {
  std::vector<double> bound(expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    bound[i] = K * kUnitRoundoff * magnitude[i] + 2 * kUnitRoundoff * std::fabs(expected[i]);
  }
  size_t outside = 0, worst = 0;
  double worst_ratio = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    const double error = std::fabs(actual.data()[i] - expected[i]);
    const double ratio = bound[i] > 0 ? error / bound[i] : (error > 0 ? INFINITY : 0);
    if (!(ratio <= 1)) ++outside;
    if (!(ratio <= worst_ratio)) {
      worst_ratio = ratio;
      worst = i;
    }
  }
  if (!actual.CanariesIntact())
    return ::testing::AssertionFailure() << what << ": wrote past the end";
  if (outside == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << what << ": " << outside << " of " << expected.size() << " elements outside the bound"
         << "; worst at " << worst << ": actual " << actual.data()[worst] << ", expected "
         << expected[worst] << ", bound " << bound[worst];
}

struct MatmulShape {
  const char* name;
  int B, T, C, OC;
};

void PrintTo(const MatmulShape& s, std::ostream* os) { *os << s.name; }

using MatmulParam = std::tuple<std::string, MatmulShape, int>;

class MatmulFamilyTest : public ::testing::TestWithParam<MatmulParam> {
 protected:
  void SetUp() override { variant_.Enter(std::get<0>(GetParam()), std::get<2>(GetParam())); }
  const KernelTable& table() const { return variant_.table(); }
  const MatmulShape& shape() const { return std::get<1>(GetParam()); }
  FamilyVariant variant_;
};

TEST_P(MatmulFamilyTest, ForwardMatchesNaiveInDouble) {
  if (table().matmul_forward == nullptr) GTEST_SKIP() << "family has no matmul_forward";
  const auto [name, B, T, C, OC] = shape();
  const size_t BT = static_cast<size_t>(B) * T;
  for (bool with_bias : {true, false}) {
    SCOPED_TRACE(with_bias ? "with bias" : "without bias");
    const Guarded inp(BT * C, 1), weight(static_cast<size_t>(OC) * C, 2), bias(OC, 3);
    Guarded out(BT * OC, 4);
    table().matmul_forward(out.data(), inp.data(), weight.data(), with_bias ? bias.data() : nullptr,
                           B, T, C, OC);
    std::vector<double> expected(BT * OC), magnitude(BT * OC);
    const auto x = inp.AsDouble(), w = weight.AsDouble(), b = bias.AsDouble();
    MatmulForwardNaive(expected.data(), x.data(), w.data(), with_bias ? b.data() : nullptr, B, T, C,
                       OC);
    const auto ax = Abs(x), aw = Abs(w), ab = Abs(b);
    MatmulForwardNaive(magnitude.data(), ax.data(), aw.data(), with_bias ? ab.data() : nullptr, B,
                       T, C, OC);
    EXPECT_TRUE(WithinGemmBound("out", out, expected, magnitude, C + 1));
  }
}

TEST_P(MatmulFamilyTest, BackwardAccumulatesLikeNaiveInDouble) {
  if (table().matmul_backward == nullptr) GTEST_SKIP() << "family has no matmul_backward";
  const auto [name, B, T, C, OC] = shape();
  const size_t BT = static_cast<size_t>(B) * T;
  for (bool with_bias : {true, false}) {
    SCOPED_TRACE(with_bias ? "with bias" : "without bias");
    const Guarded dout(BT * OC, 1), inp(BT * C, 2), weight(static_cast<size_t>(OC) * C, 3);
    Guarded dinp(BT * C, 4), dweight(static_cast<size_t>(OC) * C, 5), dbias(OC, 6);
    const std::vector<double> dinp0 = dinp.AsDouble(), dweight0 = dweight.AsDouble();
    const std::vector<double> dbias0 = dbias.AsDouble();
    table().matmul_backward(dinp.data(), dweight.data(), with_bias ? dbias.data() : nullptr,
                            dout.data(), inp.data(), weight.data(), B, T, C, OC);

    std::vector<double> e_dinp = dinp0, e_dweight = dweight0, e_dbias = dbias0;
    const auto g = dout.AsDouble(), x = inp.AsDouble(), w = weight.AsDouble();
    MatmulBackwardNaive(e_dinp.data(), e_dweight.data(), e_dbias.data(), g.data(), x.data(),
                        w.data(), B, T, C, OC);
    std::vector<double> m_dinp(dinp0.size()), m_dweight(dweight0.size()), m_dbias(OC);
    const auto ag = Abs(g), ax = Abs(x), aw = Abs(w);
    MatmulBackwardNaive(m_dinp.data(), m_dweight.data(), m_dbias.data(), ag.data(), ax.data(),
                        aw.data(), B, T, C, OC);
    EXPECT_TRUE(WithinGemmBound("dinp", dinp, e_dinp, m_dinp, OC));
    EXPECT_TRUE(WithinGemmBound("dweight", dweight, e_dweight, m_dweight, static_cast<int>(BT)));
    if (with_bias) {
      EXPECT_TRUE(WithinGemmBound("dbias", dbias, e_dbias, m_dbias, static_cast<int>(BT)));
    } else {
      EXPECT_EQ(dbias.AsDouble(), dbias0) << "a null dbias must not be written";
    }
  }
}

// The matmul with GELU in its epilogue changes where the activation is computed, not how: out
// must equal the family's matmul_forward bit for bit (so it meets the GEMM bound above), and
// gelu_out the family's gelu_forward of it (naive's for families without one), with nothing
// written past either buffer.
TEST_P(MatmulFamilyTest, GeluEpilogueEqualsMatmulThenGelu) {
  if (table().matmul_gelu_forward == nullptr) GTEST_SKIP() << "family has no matmul_gelu_forward";
  const auto [name, B, T, C, OC] = shape();
  const size_t BT = static_cast<size_t>(B) * T, n = BT * OC;
  const Guarded inp(BT * C, 1, -2, 2), weight(static_cast<size_t>(OC) * C, 2), bias(OC, 3);
  Guarded out(n, 4), gelu_out(n, 5);
  table().matmul_gelu_forward(out.data(), gelu_out.data(), inp.data(), weight.data(), bias.data(),
                              B, T, C, OC);
  std::vector<float> u_out(n), u_gelu(n);
  table().matmul_forward(u_out.data(), inp.data(), weight.data(), bias.data(), B, T, C, OC);
  const auto gelu = table().gelu_forward ? table().gelu_forward : GeluForwardNaive<float>;
  gelu(u_gelu.data(), u_out.data(), static_cast<int>(n));
  EXPECT_TRUE(out.CanariesIntact() && gelu_out.CanariesIntact()) << "wrote past the end";
  EXPECT_EQ(std::vector<float>(out.data(), out.data() + n), u_out);
  EXPECT_EQ(std::vector<float>(gelu_out.data(), gelu_out.data() + n), u_gelu);
}

// AdamW in the backward's epilogue changes where the step is taken, not how: dinp must equal
// the family's matmul_backward bit for bit, and the weight, bias and their moments what the
// family's adamw_update (naive's for families without one) makes of that kernel's gradients,
// so this kernel meets the bounds both are held to against naive. Gradients arrive zero (as
// ZeroGrad leaves them) and must be zero again on return; nothing is written past any buffer.
// (BT1100's B·T is above highway's deepest K block, 1024: its weight gradient is summed in two
// blocks, and the first block's sums pass through the gradient buffer. BT1024_OC400 has B·T at
// the 1024 where highway's weight gradient switches to 384-row blocks, and 400 rows: a full
// block and a short one.)
//
// With grad_has_sums, as the model calls it for the tied wte: no dinp, no bias, and a weight
// gradient that already holds sums in the rows it flags (encoder_backward's, one per token of the
// batch) and zeros in the rest; the step must add the flagged rows' sums. The flagged rows are
// sparse, as a batch's tokens are in the vocabulary, so that highway's 12-row tiles come both
// with and without one.
void ExpectAdamwEpilogueEqualsBackwardThenAdamw(const KernelTable& table, int B, int T, int C,
                                                int OC, bool grad_has_sums) {
  const size_t BT = static_cast<size_t>(B) * T, W = static_cast<size_t>(OC) * C;
  const AdamwStep step{1e-3f, 0.9f, 0.999f, 1e-8f, 0.1f, 3};
  for (bool with_bias : {true, false}) {
    if (grad_has_sums && with_bias) continue;
    SCOPED_TRACE(with_bias ? "with bias" : "without bias");
    const Guarded dout(BT * OC, 1), inp(BT * C, 2), dinp0(BT * C, 3);
    const Guarded weight0(W, 4), m0(W, 5), v0(W, 6, 0, 1e-3), bias0(OC, 7), bm0(OC, 8);
    const Guarded bv0(OC, 9, 0, 1e-3);
    Guarded dweight0(W, 10, 0, 0);
    std::vector<uint8_t> rows_with_sums(static_cast<size_t>(OC), 0);
    if (grad_has_sums) {  // every 29th row holds a partial gradient
      const Guarded partial(W, 12);
      for (size_t row = 5 % static_cast<size_t>(OC); row < static_cast<size_t>(OC); row += 29) {
        std::copy_n(partial.data() + row * C, C, dweight0.data() + row * C);
        rows_with_sums[row] = 1;
      }
    }
    Guarded dinp = dinp0, weight = weight0, m = m0, v = v0, bias = bias0, bm = bm0, bv = bv0;
    Guarded dweight = dweight0, dbias(OC, 11, 0, 0);
    table.matmul_backward_adamw(
        grad_has_sums ? nullptr : dinp.data(), {weight.data(), dweight.data(), m.data(), v.data()},
        {with_bias ? bias.data() : nullptr, dbias.data(), bm.data(), bv.data()}, dout.data(),
        inp.data(), B, T, C, OC, step, grad_has_sums ? rows_with_sums.data() : nullptr);

    Guarded e_dinp = dinp0, e_weight = weight0, e_m = m0, e_v = v0, e_bias = bias0, e_bm = bm0;
    Guarded e_bv = bv0, e_dweight = dweight0, e_dbias(OC, 11, 0, 0);
    table.matmul_backward(grad_has_sums ? nullptr : e_dinp.data(), e_dweight.data(),
                          with_bias ? e_dbias.data() : nullptr, dout.data(), inp.data(),
                          weight0.data(), B, T, C, OC);
    const auto adamw = table.adamw_update ? table.adamw_update : AdamwUpdateNaive<float>;
    adamw(e_weight.data(), e_dweight.data(), e_m.data(), e_v.data(), W, step.lr, step.beta1,
          step.beta2, step.eps, step.weight_decay, step.t, true);
    if (with_bias) {
      adamw(e_bias.data(), e_dbias.data(), e_bm.data(), e_bv.data(), OC, step.lr, step.beta1,
            step.beta2, step.eps, step.weight_decay, step.t, true);
    }
    for (const auto& [name, actual, expected] :
         {std::tuple<const char*, const Guarded*, const Guarded*>{"dinp", &dinp, &e_dinp},
          {"weight", &weight, &e_weight},
          {"m", &m, &e_m},
          {"v", &v, &e_v},
          {"bias", &bias, &e_bias},
          {"bias m", &bm, &e_bm},
          {"bias v", &bv, &e_bv},
          {"dweight", &dweight, &e_dweight},
          {"dbias", &dbias, &e_dbias}}) {
      EXPECT_TRUE(actual->CanariesIntact()) << name << ": wrote past the end";
      EXPECT_EQ(actual->AsDouble(), expected->AsDouble()) << name;
    }
    EXPECT_EQ(dweight.AsDouble(), std::vector<double>(W, 0.0)) << "gradient not left zero";
    EXPECT_NE(weight.AsDouble(), weight0.AsDouble()) << "the weight took no step";
  }
}

TEST_P(MatmulFamilyTest, AdamwEpilogueEqualsBackwardThenAdamw) {
  if (table().matmul_backward_adamw == nullptr) GTEST_SKIP() << "no matmul_backward_adamw";
  const auto [name, B, T, C, OC] = shape();
  // At the LM head's 38M parameters the buffers' double copies would cost 10 s a variant: its
  // call (grad_has_sums) runs on every other shape instead.
  if (std::string(name) == "lmhead") GTEST_SKIP() << "too large; its role is tested on the others";
  for (bool grad_has_sums : {false, true}) {
    SCOPED_TRACE(grad_has_sums ? "the tied wte's call" : "a layer's call");
    ExpectAdamwEpilogueEqualsBackwardThenAdamw(table(), B, T, C, OC, grad_has_sums);
  }
}

// Null pointers skip those products and leave the others as the full call makes them, bit for
// bit (the model takes the tied LM head's two products at different points of the backward;
// highway sums dbias inside its weight gradient when both are asked for, alone in a pass of its
// own).
TEST_P(MatmulFamilyTest, BackwardComputesOnlyTheProductsAskedFor) {
  if (table().matmul_backward == nullptr) GTEST_SKIP() << "family has no matmul_backward";
  const auto [name, B, T, C, OC] = shape();
  const size_t BT = static_cast<size_t>(B) * T, W = static_cast<size_t>(OC) * C;
  const Guarded dout(BT * OC, 1), inp(BT * C, 2), weight(W, 3), dinp0(BT * C, 4), dweight0(W, 5);
  const Guarded dbias0(OC, 6);
  Guarded dinp = dinp0, dweight = dweight0, dbias = dbias0;
  table().matmul_backward(dinp.data(), dweight.data(), dbias.data(), dout.data(), inp.data(),
                          weight.data(), B, T, C, OC);
  Guarded only_dinp = dinp0, only_dweight = dweight0, only_dbias = dbias0;
  table().matmul_backward(only_dinp.data(), nullptr, nullptr, dout.data(), inp.data(),
                          weight.data(), B, T, C, OC);
  table().matmul_backward(nullptr, only_dweight.data(), nullptr, dout.data(), inp.data(),
                          weight.data(), B, T, C, OC);
  table().matmul_backward(nullptr, nullptr, only_dbias.data(), dout.data(), inp.data(),
                          weight.data(), B, T, C, OC);
  EXPECT_TRUE(only_dinp.CanariesIntact() && only_dweight.CanariesIntact() &&
              only_dbias.CanariesIntact())
      << "wrote past the end";
  EXPECT_EQ(only_dinp.AsDouble(), dinp.AsDouble()) << "dinp";
  EXPECT_EQ(only_dweight.AsDouble(), dweight.AsDouble()) << "dweight";
  EXPECT_EQ(only_dbias.AsDouble(), dbias.AsDouble()) << "dbias";
}

// GPT-2 124M's four matmul roles and its LM head (768 → Vp = 50304) at small B·T, then shapes
// that are not multiples of any vector width, register block or cache block. The highway
// family turns a forward around (outᵀ = weight · inpᵀ) where OC > B·T and 16 ≤ B·T ≤ 384, as
// for the four roles above; the last two shapes add two K blocks (C = 1100), a weight of 16
// strips and a row, and B·T = 97, whose last panel has one valid column.
const MatmulShape kMatmulShapes[] = {
    {"qkv", 2, 8, 768, 2304},      {"attproj", 2, 8, 768, 768},
    {"fc", 2, 8, 768, 3072},       {"fcproj", 2, 8, 3072, 768},
    {"lmhead", 1, 4, 768, 50304},  {"one", 1, 1, 1, 1},
    {"C3_OC5_T1", 1, 1, 3, 5},     {"C15_OC17", 1, 7, 15, 17},
    {"C16_OC131", 3, 3, 16, 131},  {"C17_OC9", 1, 9, 17, 9},
    {"C33_OC257", 2, 5, 33, 257},  {"C65_OC65", 7, 1, 65, 65},
    {"C67_OC131", 1, 9, 67, 131},  {"C300_OC260", 3, 23, 300, 260},
    {"BT1100", 2, 550, 35, 37},    {"BT1024_OC400", 1, 1024, 20, 400},
    {"BT64_K2", 2, 32, 1100, 193}, {"BT97_OC2305", 1, 97, 40, 2305}};

std::string MatmulName(const ::testing::TestParamInfo<MatmulParam>& info) {
  return std::get<0>(info.param) + "_" + std::get<1>(info.param).name + "_threads" +
         std::to_string(std::get<2>(info.param));
}

INSTANTIATE_TEST_SUITE_P(Families, MatmulFamilyTest,
                         ::testing::Combine(::testing::ValuesIn(VariantsUnderTest()),
                                            ::testing::ValuesIn(kMatmulShapes),
                                            ::testing::Values(1, 2)),
                         MatmulName);

// The highway matmuls split their output among threads by shape and thread count (bands of
// columns, bands of rows too where the columns run short, weight-gradient blocks cut shorter
// where there are more threads than blocks), but every output element stays one thread's sum in
// a fixed order. So at 3 and 16 threads (an odd count, and more threads than most shapes have
// column bands) every product must equal the 1-thread one bit for bit: a cell that two threads
// both summed, or that none did, would differ, and the 1-thread products meet naive's bounds
// in the tests above.
class MatmulThreadSplitTest : public MatmulFamilyTest {};

// Each highway matmul's outputs on fixed inputs, at `threads` threads, by name.
std::vector<std::pair<std::string, std::vector<double>>> HighwayMatmulOutputs(
    const KernelTable& table, const MatmulShape& shape, int threads) {
  const auto [name, B, T, C, OC] = shape;
  const size_t BT = static_cast<size_t>(B) * T, W = static_cast<size_t>(OC) * C;
  SetThreads(threads);
  std::vector<std::pair<std::string, std::vector<double>>> outputs;
  const auto keep = [&](const std::string& what, const Guarded& buffer) {
    EXPECT_TRUE(buffer.CanariesIntact())
        << what << " at " << threads << " threads: wrote past the end";
    outputs.emplace_back(what, buffer.AsDouble());
  };
  const Guarded inp(BT * C, 1, -2, 2), weight(W, 2), bias(OC, 3), dout(BT * OC, 4);
  Guarded out(BT * OC, 5), pre(BT * OC, 6), post(BT * OC, 7);
  table.matmul_forward(out.data(), inp.data(), weight.data(), bias.data(), B, T, C, OC);
  table.matmul_gelu_forward(pre.data(), post.data(), inp.data(), weight.data(), bias.data(), B, T,
                            C, OC);
  keep("out", out), keep("gelu pre-activation", pre), keep("gelu_out", post);
  Guarded dinp(BT * C, 8), dweight(W, 9), dbias(OC, 10);
  table.matmul_backward(dinp.data(), dweight.data(), dbias.data(), dout.data(), inp.data(),
                        weight.data(), B, T, C, OC);
  keep("dinp", dinp), keep("dweight", dweight), keep("dbias", dbias);
  if (std::string(name) != "lmhead") {  // too large for more copies (as above)
    const AdamwStep step{1e-3f, 0.9f, 0.999f, 1e-8f, 0.1f, 3};
    Guarded a_dinp(BT * C, 8), a_weight(W, 2), m(W, 11), v(W, 12, 0, 1e-3), grad(W, 0, 0, 0);
    Guarded a_bias(OC, 3), bm(OC, 13), bv(OC, 14, 0, 1e-3), bgrad(OC, 0, 0, 0);
    table.matmul_backward_adamw(a_dinp.data(), {a_weight.data(), grad.data(), m.data(), v.data()},
                                {a_bias.data(), bgrad.data(), bm.data(), bv.data()}, dout.data(),
                                inp.data(), B, T, C, OC, step, nullptr);
    keep("adamw dinp", a_dinp), keep("adamw weight", a_weight), keep("adamw m", m);
    keep("adamw v", v), keep("adamw bias", a_bias);
  }
  return outputs;
}

TEST_P(MatmulThreadSplitTest, EveryProductEqualsOneThreadsBitForBit) {
  const int threads = std::get<2>(GetParam());
  const auto split = HighwayMatmulOutputs(table(), shape(), threads);
  const auto single = HighwayMatmulOutputs(table(), shape(), 1);
  ASSERT_EQ(split.size(), single.size());
  for (size_t i = 0; i < split.size(); ++i) {
    EXPECT_EQ(split[i].second, single[i].second)
        << split[i].first << " at " << threads << " threads";
  }
}

std::vector<std::string> HighwayVariants() {
  std::vector<std::string> highway;
  for (const std::string& variant : VariantsUnderTest()) {
    if (variant.rfind("highway", 0) == 0) highway.push_back(variant);
  }
  return highway;
}

INSTANTIATE_TEST_SUITE_P(Highway, MatmulThreadSplitTest,
                         ::testing::Combine(::testing::ValuesIn(HighwayVariants()),
                                            ::testing::ValuesIn(kMatmulShapes),
                                            ::testing::Values(3, 16)),
                         MatmulName);

struct AttentionShape {
  const char* name;
  int B, T, C, NH;
};

void PrintTo(const AttentionShape& s, std::ostream* os) { *os << s.name; }

using AttentionParam = std::tuple<std::string, AttentionShape, int>;

class AttentionFamilyTest : public ::testing::TestWithParam<AttentionParam> {
 protected:
  void SetUp() override { variant_.Enter(std::get<0>(GetParam()), std::get<2>(GetParam())); }
  const KernelTable& table() const { return variant_.table(); }
  const AttentionShape& shape() const { return std::get<1>(GetParam()); }
  FamilyVariant variant_;
  double Tolerance(double scale) const {
    const auto [name, B, T, C, NH] = shape();
    return 4 * (C / NH + T) * kUnitRoundoff * scale;
  }
};

// preatt is scratch (ops.h): out and att, which the backward reads, are what a kernel promises.
TEST_P(AttentionFamilyTest, ForwardMatchesNaiveInDouble) {
  if (table().attention_forward == nullptr) GTEST_SKIP() << "family has no attention_forward";
  const auto [name, B, T, C, NH] = shape();
  const size_t BT = static_cast<size_t>(B) * T, scores = static_cast<size_t>(B) * NH * T * T;
  const Guarded inp(BT * 3 * C, 1, -2, 2);
  Guarded out(BT * C, 2), preatt(scores, 3), att(scores, 4);
  table().attention_forward(out.data(), preatt.data(), att.data(), inp.data(), B, T, C, NH);
  std::vector<double> e_out(BT * C), e_preatt(scores), e_att(scores);
  const auto x = inp.AsDouble();
  AttentionForwardNaive(e_out.data(), e_preatt.data(), e_att.data(), x.data(), B, T, C, NH);
  EXPECT_TRUE(AllClose("out", out.data(), e_out.data(), e_out.size(),
                       Tolerance(MaxAbs(e_out.data(), e_out.size())), 0));
  EXPECT_TRUE(AllClose("att", att.data(), e_att.data(), scores, Tolerance(1.0), 0));
  EXPECT_TRUE(out.CanariesIntact() && preatt.CanariesIntact() && att.CanariesIntact());
}

// dpreatt and datt are scratch whose contents on entry are unspecified (ops.h): they arrive full of
// NaN, which any kernel that summed into them without zeroing them first would carry into dinp.
TEST_P(AttentionFamilyTest, BackwardAccumulatesLikeNaiveWhateverItsScratchHolds) {
  if (table().attention_backward == nullptr) GTEST_SKIP() << "family has no attention_backward";
  const auto [name, B, T, C, NH] = shape();
  const size_t BT = static_cast<size_t>(B) * T, scores = static_cast<size_t>(B) * NH * T * T;
  // att must be a real softmax for the backward identity to hold: take it from a forward pass.
  const Guarded inp(BT * 3 * C, 1, -2, 2), dout(BT * C, 2);
  std::vector<double> x = inp.AsDouble(), e_out(BT * C), e_preatt(scores), e_att(scores);
  AttentionForwardNaive(e_out.data(), e_preatt.data(), e_att.data(), x.data(), B, T, C, NH);
  Guarded att(scores, 0);
  for (size_t i = 0; i < scores; ++i) att.data()[i] = static_cast<float>(e_att[i]);
  std::vector<double> att_double = att.AsDouble();

  Guarded dinp(BT * 3 * C, 3), dpreatt(scores, 0), datt(scores, 0);
  std::fill(dpreatt.data(), dpreatt.data() + scores, std::numeric_limits<float>::quiet_NaN());
  std::fill(datt.data(), datt.data() + scores, std::numeric_limits<float>::quiet_NaN());
  const std::vector<double> dinp0 = dinp.AsDouble();
  table().attention_backward(dinp.data(), dpreatt.data(), datt.data(), dout.data(), inp.data(),
                             att.data(), B, T, C, NH);
  std::vector<double> e_dinp = dinp0, e_dpreatt(scores), e_datt(scores);
  const auto g = dout.AsDouble();
  AttentionBackwardNaive(e_dinp.data(), e_dpreatt.data(), e_datt.data(), g.data(), x.data(),
                         att_double.data(), B, T, C, NH);
  EXPECT_TRUE(AllClose("dinp", dinp.data(), e_dinp.data(), e_dinp.size(),
                       Tolerance(MaxAbs(e_dinp.data(), e_dinp.size())), 0));
  EXPECT_TRUE(dinp.CanariesIntact() && dpreatt.CanariesIntact() && datt.CanariesIntact());
}

// GPT-2 124M's attention (C=768, NH=12) at T=64 and T=17, and awkward shapes: T=1, NH=1, B=1,
// head sizes that are odd or not a multiple of the vector width, T not a multiple of the
// query block; T=301 takes the highway family's long-context blocks (128 queries from T=256),
// and T=1024 eight of them, in a backward scratch whose rows are padded (4 KiB apart otherwise).
const AttentionShape kAttentionShapes[] = {
    {"gpt2_T64", 1, 64, 768, 12}, {"gpt2_T17", 2, 17, 768, 12}, {"T1", 2, 1, 8, 2},
    {"NH1", 1, 7, 5, 1},          {"hs3", 1, 9, 9, 3},          {"hs17_T33", 2, 33, 51, 3},
    {"hs16_T16", 1, 16, 64, 4},   {"hs67_T19", 1, 19, 67, 1},   {"hs17_T301", 1, 301, 34, 2},
    {"hs8_T1024", 1, 1024, 8, 1}};

std::string AttentionName(const ::testing::TestParamInfo<AttentionParam>& info) {
  return std::get<0>(info.param) + "_" + std::get<1>(info.param).name + "_threads" +
         std::to_string(std::get<2>(info.param));
}

INSTANTIATE_TEST_SUITE_P(Families, AttentionFamilyTest,
                         ::testing::Combine(::testing::ValuesIn(VariantsUnderTest()),
                                            ::testing::ValuesIn(kAttentionShapes),
                                            ::testing::Values(1, 2)),
                         AttentionName);

}  // namespace
}  // namespace gpt2::test
