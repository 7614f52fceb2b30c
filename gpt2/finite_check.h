// Finite checks for long training runs: a NaN or Inf anywhere in the loss, the logits, the
// gradients or the parameters means the run has diverged (or a kernel is broken), and every
// later step would train on garbage. These find the first such value and name its tensor, so
// training can stop with a message that says where it went wrong.
#ifndef GPT2_GPT2_FINITE_CHECK_H_
#define GPT2_GPT2_FINITE_CHECK_H_

#include <cstddef>
#include <string>

#include "gpt2/model.h"

namespace gpt2 {

struct NonFinite {
  bool found = false;
  std::string tensor;  // "loss", "logits", "gradient of qkvw", "parameter wte", ...
  size_t index = 0;    // of the first non-finite element within the tensor
  float value = 0;

  // "gradient of qkvw[1234] is nan"
  std::string Describe() const;
};

// The loss and the logits of the last Forward: the loss first, then the logits. Cheap
// (B·T·Vp floats, one read).
NonFinite FindNonFiniteOutputs(const GPT2& model);
// The gradients of the last Backward, tensor by tensor in file order (one read of all of them).
NonFinite FindNonFiniteGradients(const GPT2& model);
// The parameters, before they are saved.
NonFinite FindNonFiniteParameters(const GPT2& model);

// The index of the first NaN or Inf in values[0..n), or n if none. Parallel, vectorisable scan.
size_t FirstNonFinite(const float* values, size_t n);

}  // namespace gpt2

#endif  // GPT2_GPT2_FINITE_CHECK_H_
