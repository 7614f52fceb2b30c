// Whole-model checks for every family: gradients after one step and losses over 10 AdamW steps
// track the naive family, and a run is bitwise reproducible at a fixed thread count.
//
// Two fp32 implementations that sum in different orders differ by rounding only. Against the
// float64 PyTorch reference the naive model is within 1e-6 of each tensor's largest magnitude
// (reference_test), so two fp32 families should be within a few times that: we allow 1e-4 of
// the tensor's largest magnitude per gradient element and 1e-4 on losses of about 6, a 30×
// margin that any real bug (a missing term, a wrong index) exceeds by orders of magnitude.
// Fusing the gradient reset into AdamW is checked bit for bit: it must change nothing else, and
// so is every other fusion.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "gpt2/checkpoint.h"
#include "gpt2/model.h"
#include "kernels/kernel_set.h"
#include "kernels/registry.h"
#include "kernels/threading.h"
#include "tests/tensor_archive.h"
#include "tests/test_util.h"

namespace gpt2::test {
namespace {

const std::string kFixtures = GPT2_SOURCE_DIR "/tests/fixtures/";

struct TrainingRun {
  std::vector<float> losses;
  std::vector<float> first_grads;
  std::vector<float> last_grads;    // after the last Backward, before its Update
  std::vector<float> params, m, v;  // after the last Update
  bool grads_zero_after_update = true;
};

// `steps` AdamW steps on the fixture's batch with one family's kernels; fuse_grad_reset as in
// GPT2::Update, the other fusions as in the GPT2 setters.
TrainingRun Train(const std::string& family, int threads, int steps, bool fuse_grad_reset = false,
                  bool fuse_residual_layernorm = false, bool fuse_softmax_crossentropy = false,
                  bool fuse_matmul_gelu = false, bool fuse_matmul_adamw = false) {
  SetThreads(threads);
  const CheckpointHeader header = ReadCheckpointHeader(kFixtures + "tiny_model.bin");
  const TensorArchive reference(kFixtures + "tiny_reference.bin");
  const int B = reference.Get("B_T").ints[0], T = reference.Get("B_T").ints[1];
  GPT2 model(header.config, B, T);
  model.set_fuse_residual_layernorm(fuse_residual_layernorm);
  model.set_fuse_softmax_crossentropy(fuse_softmax_crossentropy);
  model.set_fuse_matmul_gelu(fuse_matmul_gelu);
  model.set_fuse_matmul_adamw(fuse_matmul_adamw);
  LoadCheckpointParameters(kFixtures + "tiny_model.bin", header, model.params_memory());
  const KernelSet kernels = KernelSet::Resolve({family, {}});
  const int* inputs = reference.Get("inputs").ints.data();
  const int* targets = reference.Get("targets").ints.data();
  TrainingRun run;
  for (int step = 1; step <= steps; ++step) {
    model.Forward(kernels, inputs, targets);
    run.losses.push_back(model.mean_loss());
    model.ZeroGrad();
    const AdamwConfig adamw{1e-3f, 0.9f, 0.999f, 1e-8f, 0.1f};
    const size_t n = model.num_parameters();
    if (fuse_matmul_adamw) {  // the layer matmuls' gradients never exist as a whole
      model.BackwardAndUpdate(kernels, adamw, step, fuse_grad_reset);
    } else {
      model.Backward(kernels);
      if (step == 1) run.first_grads.assign(model.grads_memory(), model.grads_memory() + n);
      if (step == steps) run.last_grads.assign(model.grads_memory(), model.grads_memory() + n);
      model.Update(kernels, adamw, step, fuse_grad_reset);
    }
    const float* grads = model.grads_memory();
    run.grads_zero_after_update &= std::all_of(grads, grads + n, [](float g) { return g == 0.0f; });
  }
  const size_t n = model.num_parameters();
  run.params.assign(model.params_memory(), model.params_memory() + n);
  run.m.assign(model.adamw_m(), model.adamw_m() + n);
  run.v.assign(model.adamw_v(), model.adamw_v() + n);
  SetThreads(1);
  return run;
}

// The same losses and gradients, bit for bit: what a fusion must leave unchanged.
void ExpectBitwiseEqual(const TrainingRun& fused, const TrainingRun& separate) {
  EXPECT_EQ(fused.losses, separate.losses);
  EXPECT_EQ(fused.first_grads, separate.first_grads);
  EXPECT_EQ(fused.last_grads, separate.last_grads);
}

using Param = std::tuple<std::string, int>;

class FamilyTrainingTest : public ::testing::TestWithParam<Param> {};

TEST_P(FamilyTrainingTest, TracksNaiveOverTenSteps) {
  const auto& [family, threads] = GetParam();
  const TrainingRun naive = Train("naive", threads, 10);
  const TrainingRun run = Train(family, threads, 10);
  for (size_t i = 0; i < naive.losses.size(); ++i) {
    EXPECT_NEAR(run.losses[i], naive.losses[i], 1e-4) << "step " << i + 1;
  }
  const double scale = MaxAbs(naive.first_grads.data(), naive.first_grads.size());
  EXPECT_TRUE(AllClose("gradients after one step", run.first_grads.data(), naive.first_grads.data(),
                       naive.first_grads.size(), 1e-4 * scale, 0));
}

// Fusing the gradient reset into AdamW must change nothing but where the zeros are written: the
// same losses and gradients bit for bit, with the gradients really zero after each fused Update
// (and not after a plain one, or the check would prove nothing).
TEST_P(FamilyTrainingTest, GradientResetFusedIntoAdamwChangesNothing) {
  const auto& [family, threads] = GetParam();
  const TrainingRun separate = Train(family, threads, 4, false);
  const TrainingRun fused = Train(family, threads, 4, true);
  ExpectBitwiseEqual(fused, separate);
  EXPECT_TRUE(fused.grads_zero_after_update);
  EXPECT_FALSE(separate.grads_zero_after_update);
}

// The fused residual + layernorm must change nothing either: the same losses and gradients, bit
// for bit, as residual_forward and layernorm_forward called one after the other.
TEST_P(FamilyTrainingTest, ResidualLayernormFusionChangesNothing) {
  const auto& [family, threads] = GetParam();
  const TrainingRun separate = Train(family, threads, 3, false, false);
  const TrainingRun fused = Train(family, threads, 3, false, true);
  ExpectBitwiseEqual(fused, separate);
}

// And the fused softmax + cross-entropy + backward: computing dlogits in Forward, and ZeroGrad
// leaving them there, must give the losses and gradients of the three kernels, bit for bit.
TEST_P(FamilyTrainingTest, SoftmaxCrossentropyFusionChangesNothing) {
  const auto& [family, threads] = GetParam();
  const TrainingRun separate = Train(family, threads, 3, false, false, false);
  const TrainingRun fused = Train(family, threads, 3, false, false, true);
  ExpectBitwiseEqual(fused, separate);
}

// And GELU in the matmul epilogue.
TEST_P(FamilyTrainingTest, MatmulGeluFusionChangesNothing) {
  const auto& [family, threads] = GetParam();
  const TrainingRun separate = Train(family, threads, 3);
  const TrainingRun fused = Train(family, threads, 3, false, false, false, true);
  ExpectBitwiseEqual(fused, separate);
}

// And AdamW inside the layer matmuls' backward (matmul_backward_adamw): the same losses, and
// after the last step the same parameters and moments, bit for bit, as Backward and then one
// adamw_update over everything; the fused gradients are left zero like the reset's.
TEST_P(FamilyTrainingTest, MatmulAdamwFusionChangesNothing) {
  const auto& [family, threads] = GetParam();
  for (bool fuse_grad_reset : {false, true}) {
    SCOPED_TRACE(fuse_grad_reset ? "with the gradient reset fused" : "with a separate reset");
    const TrainingRun separate = Train(family, threads, 4, fuse_grad_reset);
    const TrainingRun fused = Train(family, threads, 4, fuse_grad_reset, false, false, false, true);
    EXPECT_EQ(fused.losses, separate.losses);
    EXPECT_EQ(fused.params, separate.params);
    EXPECT_EQ(fused.m, separate.m);
    EXPECT_EQ(fused.v, separate.v);
    EXPECT_EQ(fused.grads_zero_after_update, fuse_grad_reset);
  }
}

TEST_P(FamilyTrainingTest, RunsAreBitwiseReproducible) {
  const auto& [family, threads] = GetParam();
  const TrainingRun first = Train(family, threads, 3);
  const TrainingRun second = Train(family, threads, 3);
  EXPECT_EQ(first.losses, second.losses);
  EXPECT_EQ(first.first_grads, second.first_grads);
}

// Turning the fused softmax + cross-entropy off between steps, with ZeroGrad before the next
// Forward (the order that would leave the fused dlogits in place, since a fused Forward tells
// ZeroGrad to skip them), must leave no stale gradient for the unfused Backward to add to.
TEST(SoftmaxCrossentropyFusion, TurningItOffLeavesNoStaleGradient) {
  const CheckpointHeader header = ReadCheckpointHeader(kFixtures + "tiny_model.bin");
  const TensorArchive reference(kFixtures + "tiny_reference.bin");
  const int B = reference.Get("B_T").ints[0], T = reference.Get("B_T").ints[1];
  const int* inputs = reference.Get("inputs").ints.data();
  const int* targets = reference.Get("targets").ints.data();
  const KernelSet kernels = KernelSet::Resolve({"naive", {}});
  const auto second_step_grads = [&](bool fuse_first_step) {
    GPT2 model(header.config, B, T);
    LoadCheckpointParameters(kFixtures + "tiny_model.bin", header, model.params_memory());
    model.set_fuse_softmax_crossentropy(fuse_first_step);
    model.Forward(kernels, inputs, targets);
    model.ZeroGrad();
    model.Backward(kernels);
    model.Update(kernels, AdamwConfig{1e-3f}, 1);
    model.set_fuse_softmax_crossentropy(false);
    model.ZeroGrad();
    model.Forward(kernels, inputs, targets);
    model.Backward(kernels);
    return std::vector<float>(model.grads_memory(), model.grads_memory() + model.num_parameters());
  };
  EXPECT_EQ(second_step_grads(true), second_step_grads(false));
}

std::vector<std::string> AllFamilies() {
  std::vector<std::string> names;
  for (const KernelFamily& family : Registry::Get().families()) names.push_back(family.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(Families, FamilyTrainingTest,
                         ::testing::Combine(::testing::ValuesIn(AllFamilies()),
                                            ::testing::Values(1, 2)),
                         [](const ::testing::TestParamInfo<Param>& info) {
                           return std::get<0>(info.param) + "_threads" +
                                  std::to_string(std::get<1>(info.param));
                         });

}  // namespace
}  // namespace gpt2::test
