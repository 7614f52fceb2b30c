// The naive model against PyTorch: logits, loss, every parameter gradient and the losses of 10
// AdamW steps, from fixtures that scripts/make_reference.py wrote from our checkpoint file
// (PyTorch in float64; see scripts/make_fixture.sh).
//
// Tolerances. Our model runs in fp32 (unit roundoff u = 6e-8) against a float64 reference, so
// the reference is exact to our precision and every difference is our own rounding. We compare
// each tensor element-wise with an absolute bound scaled to the tensor's largest magnitude,
// |a − e| ≤ tol · max|e| (gradient entries that nearly cancel make a per-element relative bound
// meaningless), plus the whole-tensor relative error ‖a − e‖/‖e‖ < tol.
//   tiny (L=2, C=64, B·T=32): observed worst element 1e-6 of max|e| and whole-tensor error
//     ≤ 8e-7 over logits and all 16 gradients; tol 1e-5 keeps a 10× margin. Losses differ by
//     at most 4.8e-7 (one fp32 ulp at 6) over all 10 steps; loss tol 1e-5.
//   d12 (GPT-2 124M, B·T=256): reductions up to 3072 (fc) and 50257 (softmax), and 12 layers
//     for rounding to compound through: tol 1e-4 on tensors and on losses.
// A real bug (a missing term, a wrong index, = for +=) moves these by 1e-2 or more.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "gpt2/checkpoint.h"
#include "gpt2/model.h"
#include "gpt2/tensors.h"
#include "kernels/kernel_set.h"
#include "tests/tensor_archive.h"
#include "tests/test_util.h"

namespace gpt2::test {
namespace {

struct Fixture {
  const char* name;
  std::string dir;
  double tensor_tol;
  double loss_tol;
};

void PrintTo(const Fixture& f, std::ostream* os) { *os << f.name; }

bool Exists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

class ReferenceTest : public ::testing::TestWithParam<Fixture> {
 protected:
  void SetUp() override {
    const Fixture& f = GetParam();
    base_ = f.dir + "/" + f.name;
    if (!Exists(base_ + "_reference.bin")) {
      GTEST_SKIP() << base_ << "_reference.bin not found; make it with scripts/make_fixture.sh "
                   << f.name;
    }
    archive_ = std::make_unique<TensorArchive>(base_ + "_reference.bin");
    header_ = ReadCheckpointHeader(base_ + "_model.bin");
    const ArchiveTensor& bt = archive_->Get("B_T");
    B_ = bt.ints[0];
    T_ = bt.ints[1];
    kernels_ = KernelSet::Resolve({"naive", {}});
  }

  std::unique_ptr<GPT2> LoadModel() {
    auto model = std::make_unique<GPT2>(header_.config, B_, T_);
    LoadCheckpointParameters(base_ + "_model.bin", header_, model->params_memory());
    return model;
  }

  std::string base_;
  std::unique_ptr<TensorArchive> archive_;
  CheckpointHeader header_;
  int B_ = 0, T_ = 0;
  KernelSet kernels_;
};

TEST_P(ReferenceTest, LogitsLossAndEveryGradient) {
  const double tol = GetParam().tensor_tol;
  auto model = LoadModel();
  const int* inputs = archive_->Get("inputs").ints.data();
  const int* targets = archive_->Get("targets").ints.data();
  model->Forward(kernels_, inputs, targets);

  // Our logits are (B,T,Vp); the reference keeps the V real columns.
  const int V = header_.config.vocab_size, Vp = header_.config.padded_vocab_size;
  const std::vector<float>& expected_logits = archive_->Get("logits").floats;
  ASSERT_EQ(expected_logits.size(), static_cast<size_t>(B_) * T_ * V);
  std::vector<float> logits;
  for (int bt = 0; bt < B_ * T_; ++bt) {
    const float* row = model->acts().logits + static_cast<size_t>(bt) * Vp;
    logits.insert(logits.end(), row, row + V);
  }
  const double logit_scale = MaxAbs(expected_logits.data(), expected_logits.size());
  EXPECT_TRUE(AllClose("logits", logits.data(), expected_logits.data(), logits.size(),
                       tol * logit_scale, 0));
  EXPECT_LT(RelativeError(logits.data(), expected_logits.data(), logits.size()), tol);
  EXPECT_NEAR(model->mean_loss(), archive_->Get("loss").floats[0], GetParam().loss_tol);

  model->ZeroGrad();
  model->Backward(kernels_);
  const auto sizes = ParameterSizes(header_.config);
  const auto grads = ParameterList(model->grads());
  for (int i = 0; i < kNumParameterTensors; ++i) {
    const std::string name = std::string("grad.") + kParameterNames[i];
    const ArchiveTensor& expected = archive_->Get(name);
    ASSERT_EQ(expected.size(), sizes[i]) << name;
    const double scale = MaxAbs(expected.floats.data(), sizes[i]);
    EXPECT_TRUE(AllClose(name, grads[i], expected.floats.data(), sizes[i], tol * scale, 0));
    EXPECT_LT(RelativeError(grads[i], expected.floats.data(), sizes[i]), tol) << name;
  }
}

TEST_P(ReferenceTest, LossesOfTenAdamwSteps) {
  auto model = LoadModel();
  const std::vector<float>& adamw = archive_->Get("adamw").floats;
  const AdamwConfig config{adamw[0], adamw[1], adamw[2], adamw[3], adamw[4]};
  const std::vector<float>& expected = archive_->Get("losses").floats;
  const int* inputs = archive_->Get("inputs").ints.data();
  const int* targets = archive_->Get("targets").ints.data();
  for (size_t step = 0; step < expected.size(); ++step) {
    model->Forward(kernels_, inputs, targets);
    EXPECT_NEAR(model->mean_loss(), expected[step], GetParam().loss_tol) << "step " << step + 1;
    model->ZeroGrad();
    model->Backward(kernels_);
    model->Update(kernels_, config, static_cast<int>(step) + 1);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Naive, ReferenceTest,
    ::testing::Values(Fixture{"tiny", GPT2_SOURCE_DIR "/tests/fixtures", 1e-5, 1e-5},
                      Fixture{"d12", GPT2_BINARY_DIR "/fixtures", 1e-4, 1e-4}),
    [](const ::testing::TestParamInfo<Fixture>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace gpt2::test
