#include "gpt2/finite_check.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "gpt2/tensors.h"

namespace gpt2 {
namespace {

// An exponent field of all ones is Inf or NaN. Testing the bits, not calling std::isfinite,
// lets the compiler vectorise the scan and keeps it correct under any floating-point flags.
inline bool IsNonFinite(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  return (bits & 0x7F800000u) == 0x7F800000u;
}

NonFinite Check(const char* what, const std::string& name, const float* values, size_t n) {
  NonFinite result;
  const size_t index = FirstNonFinite(values, n);
  if (index < n) {
    result.found = true;
    result.tensor = std::string(what) + name;
    result.index = index;
    result.value = values[index];
  }
  return result;
}

NonFinite CheckParameterBlock(const char* what, const ParameterTensors& tensors,
                              const GPT2Config& config) {
  const auto sizes = ParameterSizes(config);
  const auto list = ParameterList(tensors);
  for (int i = 0; i < kNumParameterTensors; ++i) {
    NonFinite found = Check(what, kParameterNames[i], list[i], sizes[i]);
    if (found.found) return found;
  }
  return {};
}

}  // namespace

size_t FirstNonFinite(const float* values, size_t n) {
  // Blocks are scanned in parallel for any bad value; only a bad block is searched for the index.
  constexpr size_t kBlock = 1 << 16;
  const long blocks = static_cast<long>((n + kBlock - 1) / kBlock);
  long first_bad_block = blocks;
#pragma omp parallel for schedule(static) reduction(min : first_bad_block)
  for (long b = 0; b < blocks; ++b) {
    const size_t begin = static_cast<size_t>(b) * kBlock;
    const size_t end = std::min(n, begin + kBlock);
    // The largest exponent field in the block, as integer maxima that vectorise (vpmaxud);
    // the block holds a NaN or Inf exactly when it is all ones.
    uint32_t max_exponent = 0;
    for (size_t i = begin; i < end; ++i) {
      uint32_t bits;
      std::memcpy(&bits, &values[i], sizeof bits);
      max_exponent = std::max(max_exponent, bits & 0x7F800000u);
    }
    const bool bad = max_exponent == 0x7F800000u;
    if (bad && b < first_bad_block) first_bad_block = b;
  }
  for (size_t i = static_cast<size_t>(first_bad_block) * kBlock; i < n; ++i) {
    if (IsNonFinite(values[i])) return i;
  }
  return n;
}

std::string NonFinite::Describe() const {
  char text[64];
  if (std::isnan(value)) {
    std::snprintf(text, sizeof text, "[%zu] is nan", index);  // not "-nan": the sign means nothing
  } else {
    std::snprintf(text, sizeof text, "[%zu] is %g", index, static_cast<double>(value));
  }
  return tensor + text;
}

NonFinite FindNonFiniteOutputs(const GPT2& model) {
  const float loss = model.mean_loss();
  NonFinite found = Check("", "loss", &loss, 1);
  const GPT2Config& config = model.config();
  const size_t logits = static_cast<size_t>(model.B()) * model.T() * config.padded_vocab_size;
  const NonFinite in_logits = Check("", "logits", model.acts().logits, logits);
  // Bad logits explain a bad loss: name them first.
  return in_logits.found ? in_logits : found;
}

NonFinite FindNonFiniteGradients(const GPT2& model) {
  return CheckParameterBlock("gradient of ", model.grads(), model.config());
}

NonFinite FindNonFiniteParameters(const GPT2& model) {
  return CheckParameterBlock("parameter ", model.params(), model.config());
}

}  // namespace gpt2
