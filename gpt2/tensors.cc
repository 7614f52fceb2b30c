#include "gpt2/tensors.h"

#include <numeric>

namespace gpt2 {

const std::array<const char*, kNumParameterTensors> kParameterNames = {
    "wte",  "wpe",  "ln1w", "ln1b", "qkvw",    "qkvb",    "attprojw", "attprojb",
    "ln2w", "ln2b", "fcw",  "fcb",  "fcprojw", "fcprojb", "lnfw",     "lnfb"};

std::array<size_t, kNumParameterTensors> ParameterSizes(const GPT2Config& config) {
  const size_t Vp = config.padded_vocab_size, C = config.channels, L = config.num_layers;
  const size_t maxT = config.max_seq_len;
  return {Vp * C, maxT * C, L * C,         L * C,     L * 3 * C * C, L * 3 * C, L * C * C, L * C,
          L * C,  L * C,    L * 4 * C * C, L * 4 * C, L * C * 4 * C, L * C,     C,         C};
}

size_t NumParameters(const GPT2Config& config) {
  const auto sizes = ParameterSizes(config);
  return std::accumulate(sizes.begin(), sizes.end(), size_t{0});
}

ParameterTensors PointParameters(float* base, const GPT2Config& config) {
  ParameterTensors p;
  float** slots[kNumParameterTensors] = {
      &p.wte,  &p.wpe,  &p.ln1w, &p.ln1b, &p.qkvw,    &p.qkvb,    &p.attprojw, &p.attprojb,
      &p.ln2w, &p.ln2b, &p.fcw,  &p.fcb,  &p.fcprojw, &p.fcprojb, &p.lnfw,     &p.lnfb};
  const auto sizes = ParameterSizes(config);
  for (int i = 0; i < kNumParameterTensors; ++i) {
    *slots[i] = base;
    base += sizes[i];
  }
  return p;
}

std::array<float*, kNumParameterTensors> ParameterList(const ParameterTensors& p) {
  return {p.wte,  p.wpe,  p.ln1w, p.ln1b, p.qkvw,    p.qkvb,    p.attprojw, p.attprojb,
          p.ln2w, p.ln2b, p.fcw,  p.fcb,  p.fcprojw, p.fcprojb, p.lnfw,     p.lnfb};
}

std::array<size_t, kNumActivationTensors> ActivationSizes(const GPT2Config& config, int B, int T) {
  const size_t BT = static_cast<size_t>(B) * T, C = config.channels, L = config.num_layers;
  const size_t NH = config.num_heads, Vp = config.padded_vocab_size;
  return {BT * C,
          L * BT * C,
          L * BT,
          L * BT,
          L * BT * 3 * C,
          L * BT * C,
          L * NH * BT * T,
          L * NH * BT * T,
          L * BT * C,
          L * BT * C,
          L * BT * C,
          L * BT,
          L * BT,
          L * BT * 4 * C,
          L * BT * 4 * C,
          L * BT * C,
          L * BT * C,
          BT * C,
          BT,
          BT,
          BT * Vp,
          BT * Vp,
          BT};
}

size_t NumActivations(const GPT2Config& config, int B, int T) {
  const auto sizes = ActivationSizes(config, B, T);
  return std::accumulate(sizes.begin(), sizes.end(), size_t{0});
}

ActivationTensors PointActivations(float* base, const GPT2Config& config, int B, int T) {
  ActivationTensors a;
  float** slots[kNumActivationTensors] = {
      &a.encoded,  &a.ln1,      &a.ln1_mean, &a.ln1_rstd,  &a.qkv,       &a.atty,
      &a.preatt,   &a.att,      &a.attproj,  &a.residual2, &a.ln2,       &a.ln2_mean,
      &a.ln2_rstd, &a.fch,      &a.fch_gelu, &a.fcproj,    &a.residual3, &a.lnf,
      &a.lnf_mean, &a.lnf_rstd, &a.logits,   &a.probs,     &a.losses};
  const auto sizes = ActivationSizes(config, B, T);
  for (int i = 0; i < kNumActivationTensors; ++i) {
    *slots[i] = base;
    base += sizes[i];
  }
  return a;
}

}  // namespace gpt2
