// The training state beside a checkpoint, CHECKPOINT.state, so that --resume continues a run
// exactly where --save left it: AdamW's moments, the step count, the place in the training data
// and the sampler's random state. llm.c's checkpoint itself stays unchanged (it holds only the
// parameters), so llm.c and older runs still read it.
//
// Format (little-endian): a header of 256 uint32, then m and v as num_parameters floats each.
//   [0] magic 20241125   [1] version 1   [2] step   [3] B   [4] T
//   [5..6] num_parameters   [7..8] fingerprint of the checkpoint's parameters
//   [9..10] data shard   [11..12] data offset   [13..14] total training tokens
//   [15..16] sampler state   [17..18] fingerprint of the data at that position
//   (64-bit values: low word first)
// The fingerprint ties the pair together: a save interrupted between the two files (each is
// written atomically, but not both at once) leaves a pair that --resume refuses, by name.
#ifndef GPT2_GPT2_TRAIN_STATE_H_
#define GPT2_GPT2_TRAIN_STATE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "gpt2/dataloader.h"

namespace gpt2 {

inline constexpr uint32_t kTrainStateMagic = 20241125;
inline constexpr uint32_t kTrainStateVersion = 1;

struct TrainState {
  int step = 0;  // steps completed
  int B = 0, T = 0;
  uint64_t num_parameters = 0;
  uint64_t fingerprint = 0;
  DataLoader::Position data;
  uint64_t total_tokens = 0;
  uint64_t sampler_state = 0;
  uint64_t data_fingerprint = 0;
};

inline std::string TrainStatePath(const std::string& checkpoint) { return checkpoint + ".state"; }

// A cheap hash of the parameters (every 61st float and the count): enough to tell a step's
// parameters from any other step's, since AdamW moves every parameter every step.
uint64_t ParameterFingerprint(const float* params, size_t n);

// Writes `state`, m and v (state.num_parameters floats each) atomically.
void SaveTrainState(const std::string& path, const TrainState& state, const float* m,
                    const float* v);

// Reads the header and m, v into the given arrays of `num_parameters` floats. Throws gpt2::Error
// naming the file on a bad magic or version, a parameter count other than `num_parameters`, or a
// length that disagrees with the header.
TrainState LoadTrainState(const std::string& path, size_t num_parameters, float* m, float* v);

}  // namespace gpt2

#endif  // GPT2_GPT2_TRAIN_STATE_H_
