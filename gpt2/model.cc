#include "gpt2/model.h"

#include <algorithm>
#include <array>
#include <climits>
#include <string>

#include "kernels/error.h"

namespace gpt2 {

GPT2::GPT2(const GPT2Config& config, int B, int T, bool with_optimizer_state)
    : config_(config), B_(B), T_(T) {
  if (B <= 0 || T <= 0) throw Error("batch size B and sequence length T must be positive");
  // The kernels take element counts as int; the largest is the MLP activation, B·T·4C.
  if (static_cast<long long>(B) * T * 4 * config.channels > INT_MAX) {
    throw Error(
        "B=" + std::to_string(B) + " T=" + std::to_string(T) +
        " C=" + std::to_string(config.channels) +
        ": the largest activation (B*T*4C) exceeds 2^31-1 elements; use a smaller -B or -T");
  }
  if (T > config.max_seq_len) {
    throw Error("T=" + std::to_string(T) + " exceeds the model's maximum sequence length maxT=" +
                std::to_string(config.max_seq_len));
  }
  const size_t num_params = NumParameters(config);
  const size_t num_acts = NumActivations(config, B, T);
  params_memory_ = FloatBuffer(num_params, "parameters");
  grads_memory_ = FloatBuffer(num_params, "gradients");
  if (with_optimizer_state) {
    m_memory_ = FloatBuffer(num_params, "AdamW first moments");
    v_memory_ = FloatBuffer(num_params, "AdamW second moments");
  }
  acts_memory_ = FloatBuffer(num_acts, "activations");
  grads_acts_memory_ = FloatBuffer(num_acts, "activation gradients");
  params_ = PointParameters(params_memory_.data(), config);
  grads_ = PointParameters(grads_memory_.data(), config);
  acts_ = PointActivations(acts_memory_.data(), config, B, T);
  grads_acts_ = PointActivations(grads_acts_memory_.data(), config, B, T);
  inputs_.assign(static_cast<size_t>(B) * T, 0);
  targets_.assign(static_cast<size_t>(B) * T, 0);
  wte_rows_with_sums_.assign(static_cast<size_t>(config.padded_vocab_size), 0);
}

MemoryUsage GPT2::memory() const {
  return {params_memory_.bytes(), grads_memory_.bytes(), m_memory_.bytes() + v_memory_.bytes(),
          acts_memory_.bytes() + grads_acts_memory_.bytes()};
}

const float* GPT2::probs_at(int b, int t) const {
  return acts_.probs + (static_cast<size_t>(b) * T_ + t) * config_.padded_vocab_size;
}

void GPT2::Forward(const KernelSet& kernels, const int* inputs, const int* targets) {
  const KernelTable& k = kernels.fn;
  const int B = B_, T = T_, C = config_.channels, L = config_.num_layers;
  const int NH = config_.num_heads, V = config_.vocab_size, Vp = config_.padded_vocab_size;
  const size_t BTC = static_cast<size_t>(B) * T * C;
  const size_t BT = static_cast<size_t>(B) * T;
  const size_t attention_size = static_cast<size_t>(B) * NH * T * T;
  const ParameterTensors& p = params_;
  const ActivationTensors& a = acts_;

  std::copy(inputs, inputs + BT, inputs_.begin());
  have_targets_ = targets != nullptr;
  if (have_targets_) std::copy(targets, targets + BT, targets_.begin());

  // residual = x + y, then out = layernorm(residual), fused or as the two kernels.
  const auto residual_layernorm = [&](float* residual, float* out, float* mean, float* rstd,
                                      const float* x, const float* y, const float* weight,
                                      const float* bias) {
    if (fuse_residual_layernorm_) {
      k.residual_layernorm_forward(residual, out, mean, rstd, x, y, weight, bias, B, T, C);
    } else {
      k.residual_forward(residual, x, y, static_cast<int>(BTC));
      k.layernorm_forward(out, mean, rstd, residual, weight, bias, B, T, C);
    }
  };

  k.encoder_forward(a.encoded, inputs_.data(), p.wte, p.wpe, B, T, C);
  // Every layernorm but the first reads a residual sum, so each is computed with the sum before
  // it: ln2 in its layer, and the next layer's ln1 (or the final lnf) with residual3.
  k.layernorm_forward(a.ln1, a.ln1_mean, a.ln1_rstd, a.encoded, p.ln1w, p.ln1b, B, T, C);
  for (int l = 0; l < L; ++l) {
    const float* residual = l == 0 ? a.encoded : a.residual3 + (l - 1) * BTC;
    float* ln1 = a.ln1 + l * BTC;  // written with the residual sum before it
    float* qkv = a.qkv + l * BTC * 3;
    float* atty = a.atty + l * BTC;
    float* preatt = a.preatt + l * attention_size;
    float* att = a.att + l * attention_size;
    float* attproj = a.attproj + l * BTC;
    float* residual2 = a.residual2 + l * BTC;
    float* ln2 = a.ln2 + l * BTC;
    float* ln2_mean = a.ln2_mean + l * BT;
    float* ln2_rstd = a.ln2_rstd + l * BT;
    float* fch = a.fch + l * BTC * 4;
    float* fch_gelu = a.fch_gelu + l * BTC * 4;
    float* fcproj = a.fcproj + l * BTC;
    float* residual3 = a.residual3 + l * BTC;
    const size_t lC = static_cast<size_t>(l) * C;

    k.matmul_forward(qkv, ln1, p.qkvw + lC * 3 * C, p.qkvb + lC * 3, B, T, C, 3 * C);
    k.attention_forward(atty, preatt, att, qkv, B, T, C, NH);
    k.matmul_forward(attproj, atty, p.attprojw + lC * C, p.attprojb + lC, B, T, C, C);
    residual_layernorm(residual2, ln2, ln2_mean, ln2_rstd, residual, attproj, p.ln2w + lC,
                       p.ln2b + lC);
    if (fuse_matmul_gelu_) {
      k.matmul_gelu_forward(fch, fch_gelu, ln2, p.fcw + lC * 4 * C, p.fcb + lC * 4, B, T, C, 4 * C);
    } else {
      k.matmul_forward(fch, ln2, p.fcw + lC * 4 * C, p.fcb + lC * 4, B, T, C, 4 * C);
      k.gelu_forward(fch_gelu, fch, static_cast<int>(BTC * 4));
    }
    k.matmul_forward(fcproj, fch_gelu, p.fcprojw + lC * 4 * C, p.fcprojb + lC, B, T, 4 * C, C);
    if (l + 1 < L) {
      const size_t next = static_cast<size_t>(l + 1);
      residual_layernorm(residual3, a.ln1 + next * BTC, a.ln1_mean + next * BT,
                         a.ln1_rstd + next * BT, residual2, fcproj, p.ln1w + next * C,
                         p.ln1b + next * C);
    } else {
      residual_layernorm(residual3, a.lnf, a.lnf_mean, a.lnf_rstd, residual2, fcproj, p.lnfw,
                         p.lnfb);
    }
  }
  k.matmul_forward(a.logits, a.lnf, p.wte, nullptr, B, T, C, Vp);
  if (!have_targets_) {
    k.softmax_forward(a.probs, a.logits, B, T, V, Vp);
    mean_loss_ = -1.0f;
    return;
  }
  dlogits_from_forward_ = fuse_softmax_crossentropy_;
  if (fuse_softmax_crossentropy_) {
    // The loss is the mean over B*T positions, so each position's loss has gradient 1/(B*T).
    k.softmax_crossentropy_fused(a.losses, grads_acts_.logits, a.logits, targets_.data(),
                                 1.0f / static_cast<float>(BT), B, T, V, Vp);
  } else {
    k.softmax_forward(a.probs, a.logits, B, T, V, Vp);
    k.crossentropy_forward(a.losses, a.probs, targets_.data(), B, T, Vp);
  }
  double sum = 0;
  for (size_t i = 0; i < BT; ++i) sum += a.losses[i];
  mean_loss_ = static_cast<float>(sum / BT);
}

void GPT2::ZeroGrad() {
  if (!param_grads_are_zero_) grads_memory_.Zero();
  param_grads_are_zero_ = false;  // Backward is about to accumulate into them
  // Every activation gradient but these, in layout order (gpt2/tensors.cc): the attention scores'
  // and probabilities' (preatt and att, adjacent: scratch for attention_backward, which zeroes
  // what it sums into, ops.h; 1.2 GB at d12 B=1 T=1024); after a fused Forward the logits', which
  // Backward starts from; and the probabilities' (no kernel reads or writes it: the cross-entropy
  // backward goes straight to the logits; 51 MB at d12 B=4 T=64).
  const auto offset = [&](const float* p) {
    return static_cast<size_t>(p - grads_acts_memory_.data());
  };
  const size_t scores = static_cast<size_t>(config_.num_layers) * B_ * config_.num_heads * T_ * T_;
  const auto [logits_begin, logits_end] = DlogitsRange();
  const size_t probs_begin = offset(grads_acts_.probs);
  const size_t probs_end = probs_begin + static_cast<size_t>(B_) * T_ * config_.padded_vocab_size;
  const std::pair<size_t, size_t> skipped[] = {
      {offset(grads_acts_.preatt), offset(grads_acts_.att) + scores},
      {logits_begin, dlogits_from_forward_ ? logits_end : logits_begin},
      {probs_begin, probs_end}};
  size_t begin = 0;
  for (const auto& [skip_begin, skip_end] : skipped) {
    grads_acts_memory_.ZeroRange(begin, skip_begin);
    begin = skip_end;
  }
  grads_acts_memory_.ZeroRange(begin, grads_acts_memory_.size());
}

void GPT2::set_fuse_softmax_crossentropy(bool fuse) {
  fuse_softmax_crossentropy_ = fuse;
  if (!fuse && dlogits_from_forward_) {
    // A ZeroGrad before the next Forward would leave the fused gradient in place for an unfused
    // Backward to accumulate into.
    dlogits_from_forward_ = false;
    const auto [begin, end] = DlogitsRange();
    grads_acts_memory_.ZeroRange(begin, end);
  }
}

std::pair<size_t, size_t> GPT2::DlogitsRange() const {
  const size_t begin = static_cast<size_t>(grads_acts_.logits - grads_acts_memory_.data());
  return {begin, begin + static_cast<size_t>(B_) * T_ * config_.padded_vocab_size};
}

void GPT2::Backward(const KernelSet& kernels) { BackwardPass(kernels, nullptr); }

AdamwTensor GPT2::AdamwTensorAt(float* param) {
  const size_t offset = static_cast<size_t>(param - params_memory_.data());
  return {param, grads_memory_.data() + offset, m_memory_.data() + offset,
          v_memory_.data() + offset};
}

void GPT2::BackwardPass(const KernelSet& kernels, const AdamwStep* fused) {
  if (!have_targets_) throw Error("Backward needs a Forward with targets");
  const KernelTable& k = kernels.fn;
  const int B = B_, T = T_, C = config_.channels, L = config_.num_layers;
  const int NH = config_.num_heads, V = config_.vocab_size, Vp = config_.padded_vocab_size;
  const size_t BTC = static_cast<size_t>(B) * T * C;
  const size_t BT = static_cast<size_t>(B) * T;
  const size_t attention_size = static_cast<size_t>(B) * NH * T * T;
  const ParameterTensors& p = params_;
  const ParameterTensors& g = grads_;
  const ActivationTensors& a = acts_;
  const ActivationTensors& d = grads_acts_;

  // The loss is the mean over B*T positions, so each position's loss has gradient 1/(B*T).
  std::fill(d.losses, d.losses + BT, 1.0f / static_cast<float>(BT));
  if (!dlogits_from_forward_) {  // else Forward's fused kernel wrote d.logits already
    k.crossentropy_softmax_backward(d.logits, d.losses, a.probs, targets_.data(), B, T, V, Vp);
  }
  // The LM head's dinp now; its weight gradient last, once encoder_backward has added the
  // embedding's share to the tied wte, so that with `fused` the whole of wte's gradient is there
  // for AdamW inside that GEMM (and unfused sums in the same order).
  k.matmul_backward(d.lnf, nullptr, nullptr, d.logits, a.lnf, p.wte, B, T, C, Vp);
  const float* last_residual = a.residual3 + (L - 1) * BTC;
  float* dlast_residual = d.residual3 + (L - 1) * BTC;
  k.layernorm_backward(dlast_residual, g.lnfw, g.lnfb, d.lnf, last_residual, p.lnfw, a.lnf_mean,
                       a.lnf_rstd, B, T, C);

  // A layer matmul's backward: with `fused`, its weight and bias take their AdamW step too.
  const auto matmul_backward = [&](float* dinp, float* weight, float* bias, const float* dout,
                                   const float* inp, int in_channels, int out_channels) {
    if (fused != nullptr) {
      k.matmul_backward_adamw(dinp, AdamwTensorAt(weight), AdamwTensorAt(bias), dout, inp, B, T,
                              in_channels, out_channels, *fused,
                              /*grad_rows_with_sums=*/nullptr);
    } else {
      const size_t offset = static_cast<size_t>(weight - params_memory_.data());
      const size_t bias_offset = static_cast<size_t>(bias - params_memory_.data());
      k.matmul_backward(dinp, grads_memory_.data() + offset, grads_memory_.data() + bias_offset,
                        dout, inp, weight, B, T, in_channels, out_channels);
    }
  };

  for (int l = L - 1; l >= 0; --l) {
    const float* residual = l == 0 ? a.encoded : a.residual3 + (l - 1) * BTC;
    float* dresidual = l == 0 ? d.encoded : d.residual3 + (l - 1) * BTC;
    const size_t lC = static_cast<size_t>(l) * C;
    const size_t attention_offset = l * attention_size;

    k.residual_backward(d.residual2 + l * BTC, d.fcproj + l * BTC, d.residual3 + l * BTC,
                        static_cast<int>(BTC));
    matmul_backward(d.fch_gelu + l * BTC * 4, p.fcprojw + lC * 4 * C, p.fcprojb + lC,
                    d.fcproj + l * BTC, a.fch_gelu + l * BTC * 4, 4 * C, C);
    k.gelu_backward(d.fch + l * BTC * 4, a.fch + l * BTC * 4, d.fch_gelu + l * BTC * 4,
                    static_cast<int>(BTC * 4));
    matmul_backward(d.ln2 + l * BTC, p.fcw + lC * 4 * C, p.fcb + lC * 4, d.fch + l * BTC * 4,
                    a.ln2 + l * BTC, C, 4 * C);
    k.layernorm_backward(d.residual2 + l * BTC, g.ln2w + lC, g.ln2b + lC, d.ln2 + l * BTC,
                         a.residual2 + l * BTC, p.ln2w + lC, a.ln2_mean + l * BT,
                         a.ln2_rstd + l * BT, B, T, C);
    k.residual_backward(dresidual, d.attproj + l * BTC, d.residual2 + l * BTC,
                        static_cast<int>(BTC));
    matmul_backward(d.atty + l * BTC, p.attprojw + lC * C, p.attprojb + lC, d.attproj + l * BTC,
                    a.atty + l * BTC, C, C);
    k.attention_backward(d.qkv + l * BTC * 3, d.preatt + attention_offset, d.att + attention_offset,
                         d.atty + l * BTC, a.qkv + l * BTC * 3, a.att + attention_offset, B, T, C,
                         NH);
    matmul_backward(d.ln1 + l * BTC, p.qkvw + lC * 3 * C, p.qkvb + lC * 3, d.qkv + l * BTC * 3,
                    a.ln1 + l * BTC, C, 3 * C);
    k.layernorm_backward(dresidual, g.ln1w + lC, g.ln1b + lC, d.ln1 + l * BTC, residual,
                         p.ln1w + lC, a.ln1_mean + l * BT, a.ln1_rstd + l * BT, B, T, C);
  }
  k.encoder_backward(g.wte, g.wpe, d.encoded, inputs_.data(), B, T, C);
  if (fused != nullptr) {
    // encoder_backward added to wte's gradient only in its batch tokens' rows (all of it was zero
    // before): the step reads those rows' sums, and takes the rest of the 154 MB as zeros.
    std::fill(wte_rows_with_sums_.begin(), wte_rows_with_sums_.end(), 0);
    for (int token : inputs_) wte_rows_with_sums_[static_cast<size_t>(token)] = 1;
    k.matmul_backward_adamw(nullptr, AdamwTensorAt(p.wte), AdamwTensor{}, d.logits, a.lnf, B, T, C,
                            Vp, *fused, wte_rows_with_sums_.data());
  } else {
    k.matmul_backward(nullptr, g.wte, nullptr, d.logits, a.lnf, p.wte, B, T, C, Vp);
  }
}

void GPT2::Update(const KernelSet& kernels, const AdamwConfig& adamw, int step,
                  bool fuse_grad_reset) {
  if (m_memory_.data() == nullptr) throw Error("this model was built without optimizer state");
  const AdamwStep s{adamw.lr, adamw.beta1, adamw.beta2, adamw.eps, adamw.weight_decay, step};
  UpdateParameters(kernels, s, fuse_grad_reset, /*skip_fused=*/false);
}

void GPT2::BackwardAndUpdate(const KernelSet& kernels, const AdamwConfig& adamw, int step,
                             bool fuse_grad_reset) {
  if (!fuse_matmul_adamw_) {
    Backward(kernels);
    Update(kernels, adamw, step, fuse_grad_reset);
    return;
  }
  if (m_memory_.data() == nullptr) throw Error("this model was built without optimizer state");
  const AdamwStep s{adamw.lr, adamw.beta1, adamw.beta2, adamw.eps, adamw.weight_decay, step};
  BackwardPass(kernels, &s);
  UpdateParameters(kernels, s, fuse_grad_reset, /*skip_fused=*/true);
}

void GPT2::UpdateParameters(const KernelSet& kernels, const AdamwStep& s, bool fuse_grad_reset,
                            bool skip_fused) {
  const ParameterTensors& p = params_;
  const std::array<const float*, 9> fused_tensors = {
      p.wte, p.qkvw, p.qkvb, p.attprojw, p.attprojb, p.fcw, p.fcb, p.fcprojw, p.fcprojb};
  const auto tensors = ParameterList(p);
  const auto sizes = ParameterSizes(config_);
  // One adamw_update call per run of consecutive tensors to step (all 16 in one, unfused).
  size_t run_begin = 0, offset = 0;
  const auto step_run = [&](size_t end) {
    if (end > run_begin) {
      kernels.fn.adamw_update(params_memory_.data() + run_begin, grads_memory_.data() + run_begin,
                              m_memory_.data() + run_begin, v_memory_.data() + run_begin,
                              end - run_begin, s.lr, s.beta1, s.beta2, s.eps, s.weight_decay, s.t,
                              fuse_grad_reset);
    }
  };
  for (size_t i = 0; i < tensors.size(); ++i) {
    const bool skip = skip_fused && std::find(fused_tensors.begin(), fused_tensors.end(),
                                              tensors[i]) != fused_tensors.end();
    if (skip) {
      step_run(offset);
      run_begin = offset + sizes[i];
    }
    offset += sizes[i];
  }
  step_run(offset);
  // The fused tensors' gradients are zero too: matmul_backward_adamw leaves them so.
  param_grads_are_zero_ = fuse_grad_reset;
}

void GPT2::ResetOptimizerState() {
  m_memory_.Zero();  // a model without optimizer state has empty buffers, which Zero skips
  v_memory_.Zero();
}

}  // namespace gpt2
