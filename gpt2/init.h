// GPT-2's random initialisation, deterministic for a seed at any thread count.
#ifndef GPT2_GPT2_INIT_H_
#define GPT2_GPT2_INIT_H_

#include <cstdint>

#include "gpt2/model.h"

namespace gpt2 {

// Weights ~ normal(0, 0.02); the two projections that write into the residual stream (attproj,
// fcproj) are scaled by 1/sqrt(2L) so the stream's variance does not grow with depth; layernorm
// weights 1; biases 0; the padded vocabulary rows of wte stay 0 (they are never a real token).
void InitRandom(GPT2& model, uint64_t seed);

}  // namespace gpt2

#endif  // GPT2_GPT2_INIT_H_
