// Where each tensor lives inside the model's contiguous blocks, in llm.c's order, so that
// checkpoint files interoperate: 16 parameter tensors and 23 activation tensors.
#ifndef GPT2_GPT2_TENSORS_H_
#define GPT2_GPT2_TENSORS_H_

#include <array>
#include <cstddef>

#include "gpt2/config.h"

namespace gpt2 {

inline constexpr int kNumParameterTensors = 16;
inline constexpr int kNumActivationTensors = 23;

// Per-layer tensors are stacked over layers: qkvw is (L, 3C, C), and so on.
struct ParameterTensors {
  float* wte;       // (Vp, C) token embeddings, also the LM head
  float* wpe;       // (maxT, C) position embeddings
  float* ln1w;      // (L, C)
  float* ln1b;      // (L, C)
  float* qkvw;      // (L, 3C, C)
  float* qkvb;      // (L, 3C)
  float* attprojw;  // (L, C, C)
  float* attprojb;  // (L, C)
  float* ln2w;      // (L, C)
  float* ln2b;      // (L, C)
  float* fcw;       // (L, 4C, C)
  float* fcb;       // (L, 4C)
  float* fcprojw;   // (L, C, 4C)
  float* fcprojb;   // (L, C)
  float* lnfw;      // (C)
  float* lnfb;      // (C)
};

extern const std::array<const char*, kNumParameterTensors> kParameterNames;

std::array<size_t, kNumParameterTensors> ParameterSizes(const GPT2Config& config);
size_t NumParameters(const GPT2Config& config);
// Points each tensor into `base`, which holds NumParameters(config) floats.
ParameterTensors PointParameters(float* base, const GPT2Config& config);
// The tensors in file order, for code that walks all of them.
std::array<float*, kNumParameterTensors> ParameterList(const ParameterTensors& p);

struct ActivationTensors {
  float* encoded;    // (B, T, C)
  float* ln1;        // (L, B, T, C)
  float* ln1_mean;   // (L, B, T)
  float* ln1_rstd;   // (L, B, T)
  float* qkv;        // (L, B, T, 3C)
  float* atty;       // (L, B, T, C)
  float* preatt;     // (L, B, NH, T, T)
  float* att;        // (L, B, NH, T, T)
  float* attproj;    // (L, B, T, C)
  float* residual2;  // (L, B, T, C)
  float* ln2;        // (L, B, T, C)
  float* ln2_mean;   // (L, B, T)
  float* ln2_rstd;   // (L, B, T)
  float* fch;        // (L, B, T, 4C)
  float* fch_gelu;   // (L, B, T, 4C)
  float* fcproj;     // (L, B, T, C)
  float* residual3;  // (L, B, T, C)
  float* lnf;        // (B, T, C)
  float* lnf_mean;   // (B, T)
  float* lnf_rstd;   // (B, T)
  float* logits;     // (B, T, Vp)
  float* probs;      // (B, T, Vp)
  float* losses;     // (B, T)
};

std::array<size_t, kNumActivationTensors> ActivationSizes(const GPT2Config& config, int B, int T);
size_t NumActivations(const GPT2Config& config, int B, int T);
ActivationTensors PointActivations(float* base, const GPT2Config& config, int B, int T);

}  // namespace gpt2

#endif  // GPT2_GPT2_TENSORS_H_
