#include "gpt2/init.h"

#include <cmath>
#include <cstring>

#include "gpt2/rng.h"

namespace gpt2 {
namespace {

// Each tensor gets its own key, and element i is the hash of (key, i): no sequential stream, so
// the loop is parallel and its result does not depend on the thread count.
void FillNormal(float* out, size_t n, double stddev, uint64_t seed, int tensor_index) {
  const uint64_t key = SplitMix64(seed ^ SplitMix64(static_cast<uint64_t>(tensor_index)));
#pragma omp parallel for
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(stddev * NormalAt(key, i));
}

void Fill(float* out, size_t n, float value) {
  for (size_t i = 0; i < n; ++i) out[i] = value;
}

}  // namespace

void InitRandom(GPT2& model, uint64_t seed) {
  constexpr double kStd = 0.02;
  const GPT2Config& config = model.config();
  const double residual_std = kStd / std::sqrt(2.0 * config.num_layers);
  const auto sizes = ParameterSizes(config);
  const auto tensors = ParameterList(model.params());
  const ParameterTensors& p = model.params();
  for (int i = 0; i < kNumParameterTensors; ++i) {
    float* t = tensors[i];
    if (t == p.wte) {
      const size_t real_rows = static_cast<size_t>(config.vocab_size) * config.channels;
      FillNormal(t, real_rows, kStd, seed, i);
      std::memset(t + real_rows, 0, (sizes[i] - real_rows) * sizeof(float));
    } else if (t == p.wpe || t == p.qkvw || t == p.fcw) {
      FillNormal(t, sizes[i], kStd, seed, i);
    } else if (t == p.attprojw || t == p.fcprojw) {
      FillNormal(t, sizes[i], residual_std, seed, i);
    } else if (t == p.ln1w || t == p.ln2w || t == p.lnfw) {
      Fill(t, sizes[i], 1.0f);
    } else {
      Fill(t, sizes[i], 0.0f);  // biases
    }
  }
}

}  // namespace gpt2
