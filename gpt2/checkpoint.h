// llm.c's GPT-2 checkpoint: a header of 256 int32 (magic 20240326, version, maxT, V, L, NH, C,
// Vp) followed by the 16 parameter tensors in order. Version 3 stores fp32; version 5 stores
// bf16, which we widen to fp32 on load. We always write version 3.
#ifndef GPT2_GPT2_CHECKPOINT_H_
#define GPT2_GPT2_CHECKPOINT_H_

#include <string>

#include "gpt2/config.h"

namespace gpt2 {

inline constexpr int kCheckpointMagic = 20240326;
inline constexpr int kCheckpointVersionFp32 = 3;
inline constexpr int kCheckpointVersionBf16 = 5;

struct CheckpointHeader {
  GPT2Config config;
  int version = 0;
};

// Reads and validates the header, and checks the file's length against it. Throws gpt2::Error
// naming the file on any mismatch.
CheckpointHeader ReadCheckpointHeader(const std::string& path);

// Reads the parameters (NumParameters(header.config) floats) into `params`.
void LoadCheckpointParameters(const std::string& path, const CheckpointHeader& header,
                              float* params);

// Writes a version-3 checkpoint atomically.
void SaveCheckpoint(const std::string& path, const GPT2Config& config, const float* params);

}  // namespace gpt2

#endif  // GPT2_GPT2_CHECKPOINT_H_
