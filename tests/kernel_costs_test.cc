// The work counted by the per-kernel timers (kernels/kernel_costs.cc, summed by
// kernels/kernel_timing.cc) against what a training step must do, derived independently from the
// model's shape: every benchmark's GFLOP/s and roofline figure rests on these numbers.
#include <gtest/gtest.h>

#include "gpt2/init.h"
#include "gpt2/model.h"
#include "kernels/kernel_costs.h"
#include "kernels/kernel_timing.h"
#include "kernels/registry.h"

namespace gpt2::test {
namespace {

TEST(KernelCosts, MatmulCountsTwoFlopsPerMultiplyAddAndEveryOperandOnce) {
  const KernelCost with_bias = KernelCosts().matmul_forward(
      nullptr, nullptr, nullptr, reinterpret_cast<float*>(1), 2, 3, 5, 7);
  const double M = 6, K = 5, N = 7;
  EXPECT_DOUBLE_EQ(with_bias.flops, 2 * M * K * N + M * N);
  EXPECT_DOUBLE_EQ(with_bias.bytes, 4 * (M * K + N * K + N + M * N));
  const KernelCost no_bias =
      KernelCosts().matmul_forward(nullptr, nullptr, nullptr, nullptr, 2, 3, 5, 7);
  EXPECT_DOUBLE_EQ(no_bias.flops, 2 * M * K * N);
  float* given = reinterpret_cast<float*>(1);  // the costs look only at which outputs are null
  const KernelCost backward =
      KernelCosts().matmul_backward(given, given, nullptr, nullptr, nullptr, nullptr, 2, 3, 5, 7);
  EXPECT_DOUBLE_EQ(backward.flops, 2 * no_bias.flops);
  EXPECT_DOUBLE_EQ(backward.bytes, 4 * (M * N + N * K + 2 * M * K + M * K + 2 * N * K));
  // Each product alone: the LM head's two calls add up to one full call.
  const KernelCost dinp_only =
      KernelCosts().matmul_backward(given, nullptr, nullptr, nullptr, nullptr, nullptr, 2, 3, 5, 7);
  const KernelCost dweight_only =
      KernelCosts().matmul_backward(nullptr, given, nullptr, nullptr, nullptr, nullptr, 2, 3, 5, 7);
  EXPECT_DOUBLE_EQ(dinp_only.flops, no_bias.flops);
  EXPECT_DOUBLE_EQ(dinp_only.flops + dweight_only.flops, backward.flops);
  EXPECT_DOUBLE_EQ(dinp_only.bytes + dweight_only.bytes, backward.bytes + 4 * M * N);
}

TEST(KernelCosts, AttentionCountsOnlyTheCausalHalf) {
  // B=1, T=4, C=8, NH=2 (hs=4): 10 scores a head, 20 in all; q·k and att·v cost 2·hs each.
  const KernelCost cost =
      KernelCosts().attention_forward(nullptr, nullptr, nullptr, nullptr, 1, 4, 8, 2);
  EXPECT_DOUBLE_EQ(cost.flops, 20 * (2 * 4 + 2 * 4) + 5 * 20);
}

// One instrumented training step of a small GPT-2: the timers' summed matmul FLOPs equal
// 2·B·T·(weights of every linear layer) forward, twice that backward, plus the bias additions.
TEST(KernelCosts, InstrumentedStepCountsEveryMatmulOfTheModel) {
  const GPT2Config config = ParseModelSpec("L=2,C=32,NH=4,V=100,maxT=16", "--model");
  const int B = 2, T = 8, L = config.num_layers, C = config.channels;
  const int Vp = config.padded_vocab_size;
  GPT2 model(config, B, T);
  InitRandom(model, 1);
  std::vector<int> tokens(B * T);
  for (int i = 0; i < B * T; ++i) tokens[i] = i % config.vocab_size;
  const KernelSet kernels = KernelSet::Resolve({"naive", {}});
  ResetKernelTimes();
  const KernelSet timed = Instrument(kernels);
  model.set_fuse_residual_layernorm(true);
  model.Forward(timed, tokens.data(), tokens.data());
  model.ZeroGrad();
  model.Backward(timed);
  const auto work = KernelWork();
  const auto calls = KernelCalls();

  const double BT = double(B) * T;
  const double layer_weights = 3.0 * C * C + C * C + 4.0 * C * C + 4.0 * C * C;
  const double layer_biases = 3.0 * C + C + 4.0 * C + C;
  const double weights = L * layer_weights + double(C) * Vp;  // the LM head has no bias
  const int mf = static_cast<int>(KernelId::matmul_forward);
  const int mb = static_cast<int>(KernelId::matmul_backward);
  EXPECT_EQ(calls[mf], 4 * L + 1);
  EXPECT_EQ(calls[mb], 4 * L + 2);  // the LM head's dinp first, its weight gradient last
  EXPECT_DOUBLE_EQ(work[mf].flops, 2 * BT * weights + BT * L * layer_biases);
  EXPECT_DOUBLE_EQ(work[mb].flops, 4 * BT * weights + BT * L * layer_biases);
  // The fused residual + layernorm replaces every residual_forward call and all layernorms but
  // the first (the one after the embedding, which follows no residual sum).
  const int rl = static_cast<int>(KernelId::residual_layernorm_forward);
  EXPECT_EQ(calls[rl], 2 * L);
  EXPECT_EQ(calls[static_cast<int>(KernelId::layernorm_forward)], 1);
  for (int id = 0; id < kNumKernels; ++id) {
    const KernelId kernel = static_cast<KernelId>(id);
    if (kernel == KernelId::adamw_update) continue;                // no Update was run
    if (kernel == KernelId::residual_forward) continue;            // fused, checked below
    if (kernel == KernelId::softmax_crossentropy_fused) continue;  // off here, checked below
    if (kernel == KernelId::matmul_gelu_forward) continue;         // off here, checked below
    if (kernel == KernelId::matmul_backward_adamw) continue;       // no Update: checked below
    EXPECT_GT(calls[id], 0) << kKernelInfo[id].name;
    EXPECT_GT(work[id].bytes, 0) << kKernelInfo[id].name;
  }
  EXPECT_EQ(calls[static_cast<int>(KernelId::residual_forward)], 0);

  // Unfused, the model calls the pair instead: 2L residual sums and 2L + 1 layernorms.
  ResetKernelTimes();
  model.set_fuse_residual_layernorm(false);
  model.Forward(timed, tokens.data(), tokens.data());
  const auto unfused = KernelCalls();
  EXPECT_EQ(unfused[rl], 0);
  EXPECT_EQ(unfused[static_cast<int>(KernelId::residual_forward)], 2 * L);
  EXPECT_EQ(unfused[static_cast<int>(KernelId::layernorm_forward)], 2 * L + 1);

  // GELU in the matmul epilogue replaces each layer's fc matmul and its gelu_forward.
  ResetKernelTimes();
  model.set_fuse_matmul_gelu(true);
  model.Forward(timed, tokens.data(), tokens.data());
  const auto gelu_fused = KernelCalls();
  EXPECT_EQ(gelu_fused[static_cast<int>(KernelId::matmul_gelu_forward)], L);
  EXPECT_EQ(gelu_fused[mf], 3 * L + 1);
  EXPECT_EQ(gelu_fused[static_cast<int>(KernelId::gelu_forward)], 0);
  EXPECT_DOUBLE_EQ(KernelWork()[static_cast<int>(KernelId::matmul_gelu_forward)].flops,
                   L * (2 * BT * 4.0 * C * C + BT * 4.0 * C + 9 * BT * 4.0 * C));
  model.set_fuse_matmul_gelu(false);

  // The fused softmax + cross-entropy replaces the three kernels over the vocabulary, forward
  // and backward, with one call in Forward.
  ResetKernelTimes();
  model.set_fuse_softmax_crossentropy(true);
  model.Forward(timed, tokens.data(), tokens.data());
  model.ZeroGrad();
  model.Backward(timed);
  const auto fused = KernelCalls();
  EXPECT_EQ(fused[static_cast<int>(KernelId::softmax_crossentropy_fused)], 1);
  EXPECT_EQ(fused[static_cast<int>(KernelId::softmax_forward)], 0);
  EXPECT_EQ(fused[static_cast<int>(KernelId::crossentropy_forward)], 0);
  EXPECT_EQ(fused[static_cast<int>(KernelId::crossentropy_softmax_backward)], 0);
  EXPECT_GT(KernelWork()[static_cast<int>(KernelId::softmax_crossentropy_fused)].bytes, 0);

  // AdamW inside the backward: each layer's four matmuls step their weights and biases in
  // matmul_backward_adamw (the matmul FLOPs and AdamW's 16 a parameter), and so does the tied
  // wte in the LM head's weight-gradient call (its dinp alone goes through matmul_backward);
  // adamw_update steps the rest in 3 runs of tensors (wpe + ln1, ln2, lnf).
  ResetKernelTimes();
  model.set_fuse_matmul_adamw(true);
  model.Forward(timed, tokens.data(), tokens.data());
  model.ZeroGrad();
  model.BackwardAndUpdate(timed, AdamwConfig{}, 1, true);
  const auto adamw_fused = KernelCalls();
  const int mba = static_cast<int>(KernelId::matmul_backward_adamw);
  const double wte = double(C) * Vp;
  EXPECT_EQ(adamw_fused[mba], 4 * L + 1);
  EXPECT_EQ(adamw_fused[mb], 1);
  EXPECT_EQ(adamw_fused[static_cast<int>(KernelId::adamw_update)], 3);
  EXPECT_DOUBLE_EQ(KernelWork()[mb].flops, 2 * BT * wte);
  EXPECT_DOUBLE_EQ(KernelWork()[mba].flops, 4 * BT * L * layer_weights + BT * L * layer_biases +
                                                16 * L * (layer_weights + layer_biases) +
                                                2 * BT * wte + 16 * wte);
  EXPECT_DOUBLE_EQ(KernelWork()[static_cast<int>(KernelId::adamw_update)].flops,
                   16 * (model.num_parameters() - L * (layer_weights + layer_biases) - wte));
}

}  // namespace
}  // namespace gpt2::test
