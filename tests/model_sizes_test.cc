// Every GPT-2 size builds with the expected parameter count and takes a training step at a
// small B, T. The largest sizes need gigabytes, so these cases carry the ctest label "large"
// and run one at a time.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "gpt2/config.h"
#include "gpt2/init.h"
#include "gpt2/model.h"
#include "gpt2/synthetic_data.h"
#include "gpt2/tensors.h"
#include "kernels/kernel_set.h"

namespace gpt2 {
namespace {

struct Size {
  const char* name;
  size_t parameters;  // the published GPT-2 count plus (Vp − V)·C for the padded wte rows
  bool with_optimizer_state;
};

void PrintTo(const Size& s, std::ostream* os) { *os << s.name; }

class ModelSizeTest : public ::testing::TestWithParam<Size> {};

TEST_P(ModelSizeTest, BuildsAndTakesOneStep) {
  const Size& size = GetParam();
  const GPT2Config config = ParseModelSpec(size.name, "--model");
  EXPECT_EQ(NumParameters(config), size.parameters);

  constexpr int B = 1, T = 8;
  GPT2 model(config, B, T, size.with_optimizer_state);
  InitRandom(model, 7);
  const auto tokens = SyntheticTokens(7, 0, config.vocab_size, B * T + 1);
  std::vector<int> inputs(tokens.begin(), tokens.end() - 1),
      targets(tokens.begin() + 1, tokens.end());
  const KernelSet kernels = KernelSet::Resolve({"naive", {}});

  model.Forward(kernels, inputs.data(), targets.data());
  const float first_loss = model.mean_loss();
  // At initialisation the logits are small, so the prediction is nearly uniform: loss ≈ ln V.
  EXPECT_NEAR(first_loss, std::log(static_cast<float>(config.vocab_size)), 0.5f);
  model.ZeroGrad();
  model.Backward(kernels);
  const float* grads = model.grads_memory();
  double grad_norm = 0;
  for (size_t i = 0; i < model.num_parameters(); ++i) grad_norm += double{grads[i]} * grads[i];
  EXPECT_TRUE(std::isfinite(grad_norm));
  EXPECT_GT(grad_norm, 0.0);
  if (!size.with_optimizer_state) return;  // AdamW's m and v would not fit beside the rest
  model.Update(kernels, AdamwConfig{1e-3f}, 1);
  model.Forward(kernels, inputs.data(), targets.data());
  EXPECT_TRUE(std::isfinite(model.mean_loss()));
  EXPECT_LT(model.mean_loss(), first_loss) << "one step on the same batch should lower the loss";
}

// d48's parameters and gradients take 12.5 GB; with AdamW's two more copies it would need 25 GB,
// more than the 24 GiB machines this runs on, so it is checked through forward and backward.
INSTANTIATE_TEST_SUITE_P(
    Gpt2, ModelSizeTest,
    ::testing::Values(Size{"d12", 124475904, true}, Size{"d24", 354871296, true},
                      Size{"d36", 774090240, true}, Size{"d48", 1557686400, false}),
    [](const ::testing::TestParamInfo<Size>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace gpt2
