// GPT-2: parameters, gradients, AdamW state and activations, each in one contiguous block laid
// out as llm.c lays it out, and the forward pass, backward pass and update written against the
// kernel table. The model never names a kernel family.
#ifndef GPT2_GPT2_MODEL_H_
#define GPT2_GPT2_MODEL_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "gpt2/buffer.h"
#include "gpt2/config.h"
#include "gpt2/tensors.h"
#include "kernels/kernel_set.h"

namespace gpt2 {

struct AdamwConfig {
  float lr = 1e-4f;  // llm.c's train_gpt2.c defaults
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float eps = 1e-8f;
  float weight_decay = 0.0f;
};

struct MemoryUsage {
  size_t parameter_bytes;
  size_t gradient_bytes;
  size_t optimizer_bytes;   // AdamW m and v
  size_t activation_bytes;  // activations and their gradients
  size_t Total() const {
    return parameter_bytes + gradient_bytes + optimizer_bytes + activation_bytes;
  }
};

class GPT2 {
 public:
  // Allocates (and zeroes) every block for batches of B sequences of T tokens, once, up front.
  // Without optimizer state the model can run forward and backward but not Update; that lets the
  // largest sizes be exercised where AdamW's two extra copies would not fit in memory.
  GPT2(const GPT2Config& config, int B, int T, bool with_optimizer_state = true);

  const GPT2Config& config() const { return config_; }
  int B() const { return B_; }
  int T() const { return T_; }
  size_t num_parameters() const { return params_memory_.size(); }
  float* params_memory() { return params_memory_.data(); }
  float* grads_memory() { return grads_memory_.data(); }
  // AdamW's first and second moments, num_parameters() each (null without optimizer state).
  float* adamw_m() { return m_memory_.data(); }
  float* adamw_v() { return v_memory_.data(); }
  const ParameterTensors& params() const { return params_; }
  const ParameterTensors& grads() const { return grads_; }
  const ActivationTensors& acts() const { return acts_; }
  MemoryUsage memory() const;

  // inputs and targets are (B,T) token ids below V, checked by the caller (the data loader).
  // Without targets only the probabilities are computed and mean_loss() is -1.
  void Forward(const KernelSet& kernels, const int* inputs, const int* targets);
  // Whether Forward calls residual_layernorm_forward for each residual sum and the layernorm that
  // reads it (--fuse-residual-layernorm), or residual_forward and layernorm_forward one after the
  // other (the default, llm.c's order: on the Zen 5 it was measured on the fused kernel was the
  // slower; README).
  void set_fuse_residual_layernorm(bool fuse) { fuse_residual_layernorm_ = fuse; }
  bool fuse_residual_layernorm() const { return fuse_residual_layernorm_; }
  // Whether Forward calls matmul_gelu_forward for the MLP's first matmul and its GELU
  // (--fuse-matmul-gelu), or matmul_forward and then gelu_forward (llm.c's order).
  void set_fuse_matmul_gelu(bool fuse) { fuse_matmul_gelu_ = fuse; }
  bool fuse_matmul_gelu() const { return fuse_matmul_gelu_; }
  // Whether a Forward with targets calls softmax_crossentropy_fused, which computes the losses
  // and writes the logits' gradient there and then (Backward starts from it, ZeroGrad leaves it),
  // or softmax_forward and crossentropy_forward, with crossentropy_softmax_backward in Backward
  // (llm.c's order). Fused, such a Forward stores no probabilities: probs_at is for a Forward
  // without targets, which always runs softmax_forward.
  void set_fuse_softmax_crossentropy(bool fuse);
  bool fuse_softmax_crossentropy() const { return fuse_softmax_crossentropy_; }
  float mean_loss() const { return mean_loss_; }
  // Probabilities (Vp entries, V real) for sequence b at position t of the last Forward.
  const float* probs_at(int b, int t) const;

  // Zeroes the parameter and activation gradients, skipping the parameter gradients when the
  // last Update already did (fuse_grad_reset), the logits' gradient when a fused Forward wrote
  // it, the probabilities' gradient, which no kernel uses, and the attention scores' and
  // probabilities', attention_backward's scratch (ops.h).
  void ZeroGrad();
  // Gradients of the mean loss of the last Forward, which must have had targets.
  void Backward(const KernelSet& kernels);
  // Whether BackwardAndUpdate gives each layer matmul's weight and bias, and the tied wte (its
  // LM-head weight gradient is summed last, onto encoder_backward's share), their AdamW step
  // inside the backward pass (matmul_backward_adamw: highway's applies it in the weight-gradient
  // GEMM's epilogue, so those gradients never go to memory), or runs Backward and then Update
  // (llm.c's order, --separate-matmul-adamw). Fused, grads() of those tensors read zeros
  // afterwards.
  void set_fuse_matmul_adamw(bool fuse) { fuse_matmul_adamw_ = fuse; }
  bool fuse_matmul_adamw() const { return fuse_matmul_adamw_; }
  // Backward, then Update, with the matmul AdamW fusion when it is on: a whole training step
  // after Forward and ZeroGrad.
  void BackwardAndUpdate(const KernelSet& kernels, const AdamwConfig& adamw, int step,
                         bool fuse_grad_reset = false);
  // One AdamW step; `step` counts from 1. With fuse_grad_reset the AdamW pass also zeroes the
  // parameter gradients (so grads() reads zeros afterwards) and the next ZeroGrad skips them.
  void Update(const KernelSet& kernels, const AdamwConfig& adamw, int step,
              bool fuse_grad_reset = false);
  // Zeroes AdamW's m and v, as before the first Update (after steps taken only to time kernels).
  void ResetOptimizerState();

 private:
  // Backward, with the layer matmuls' and wte's AdamW step when `fused` is not null.
  void BackwardPass(const KernelSet& kernels, const AdamwStep* fused);
  // AdamW over the parameters in file order, skipping the layer matmuls' tensors and wte when
  // skip_fused (BackwardPass stepped them).
  void UpdateParameters(const KernelSet& kernels, const AdamwStep& step, bool fuse_grad_reset,
                        bool skip_fused);
  // The parameter tensor that starts at `param`, with its gradient and moments.
  AdamwTensor AdamwTensorAt(float* param);
  // Where the logits' gradient lies in grads_acts_memory_, in floats: [first, second).
  std::pair<size_t, size_t> DlogitsRange() const;

  GPT2Config config_;
  int B_, T_;
  FloatBuffer params_memory_, grads_memory_, m_memory_, v_memory_;
  FloatBuffer acts_memory_, grads_acts_memory_;
  ParameterTensors params_, grads_;
  ActivationTensors acts_, grads_acts_;
  std::vector<int> inputs_, targets_;
  // One flag per row of wte: the rows that encoder_backward adds to (the batch's tokens), where
  // the fused LM-head step must read the gradient's sums (matmul_backward_adamw).
  std::vector<uint8_t> wte_rows_with_sums_;
  bool have_targets_ = false;
  bool param_grads_are_zero_ = false;  // set by a fused Update, cleared by ZeroGrad
  bool fuse_residual_layernorm_ = false;
  bool fuse_matmul_gelu_ = false;
  bool fuse_softmax_crossentropy_ = false;
  bool fuse_matmul_adamw_ = false;
  bool dlogits_from_forward_ = false;  // the last Forward with targets wrote grads_acts_.logits
  float mean_loss_ = -1.0f;
};

}  // namespace gpt2

#endif  // GPT2_GPT2_MODEL_H_
