#include "gpt2/train_state.h"

#include <cstdio>
#include <cstring>

#include "gpt2/file_io.h"
#include "kernels/error.h"

namespace gpt2 {
namespace {

constexpr size_t kHeaderWords = 256;

void Put64(uint32_t* header, int index, uint64_t value) {
  header[index] = static_cast<uint32_t>(value);
  header[index + 1] = static_cast<uint32_t>(value >> 32);
}

uint64_t Get64(const uint32_t* header, int index) {
  return header[index] | static_cast<uint64_t>(header[index + 1]) << 32;
}

}  // namespace

uint64_t ParameterFingerprint(const float* params, size_t n) {
  uint64_t hash = 14695981039346656037ull ^ n;  // FNV-1a over the sampled words
  for (size_t i = 0; i < n; i += 61) {
    uint32_t bits;
    std::memcpy(&bits, &params[i], sizeof bits);
    hash = (hash ^ bits) * 1099511628211ull;
  }
  return hash;
}

void SaveTrainState(const std::string& path, const TrainState& state, const float* m,
                    const float* v) {
  uint32_t header[kHeaderWords] = {};
  header[0] = kTrainStateMagic;
  header[1] = kTrainStateVersion;
  header[2] = static_cast<uint32_t>(state.step);
  header[3] = static_cast<uint32_t>(state.B);
  header[4] = static_cast<uint32_t>(state.T);
  Put64(header, 5, state.num_parameters);
  Put64(header, 7, state.fingerprint);
  Put64(header, 9, state.data.shard);
  Put64(header, 11, state.data.offset);
  Put64(header, 13, state.total_tokens);
  Put64(header, 15, state.sampler_state);
  Put64(header, 17, state.data_fingerprint);
  const size_t n = state.num_parameters;
  SaveAtomically(path, [&](std::FILE* file) {
    if (std::fwrite(header, sizeof header, 1, file) != 1 ||
        std::fwrite(m, sizeof(float), n, file) != n ||
        std::fwrite(v, sizeof(float), n, file) != n) {
      throw Error(path + ": cannot save: write failed");
    }
  });
}

TrainState LoadTrainState(const std::string& path, size_t num_parameters, float* m, float* v) {
  InputFile file(path);
  uint32_t header[kHeaderWords];
  if (file.size() < sizeof header) {
    throw Error(path + ": truncated: shorter than the 1024-byte training-state header");
  }
  file.Read(header, sizeof header, "the training-state header");
  if (header[0] != kTrainStateMagic) {
    throw Error(path + ": not a training-state file (magic " + std::to_string(header[0]) +
                ", expected " + std::to_string(kTrainStateMagic) + ")");
  }
  if (header[1] != kTrainStateVersion) {
    throw Error(path + ": unsupported training-state version " + std::to_string(header[1]));
  }
  TrainState state;
  state.step = static_cast<int>(header[2]);
  state.B = static_cast<int>(header[3]);
  state.T = static_cast<int>(header[4]);
  state.num_parameters = Get64(header, 5);
  state.fingerprint = Get64(header, 7);
  state.data.shard = Get64(header, 9);
  state.data.offset = Get64(header, 11);
  state.total_tokens = Get64(header, 13);
  state.sampler_state = Get64(header, 15);
  state.data_fingerprint = Get64(header, 17);
  if (state.num_parameters != num_parameters) {
    throw Error(path + ": holds AdamW state for " + std::to_string(state.num_parameters) +
                " parameters, the model has " + std::to_string(num_parameters));
  }
  const size_t expected = sizeof header + 2 * num_parameters * sizeof(float);
  if (file.size() != expected) {
    throw Error(path + (file.size() < expected ? ": truncated: " : ": trailing bytes: ") +
                std::to_string(file.size()) + " bytes, the header implies " +
                std::to_string(expected));
  }
  if (state.step < 1 || state.B < 1 || state.T < 1) {
    throw Error(path + ": implausible step " + std::to_string(state.step) + ", B " +
                std::to_string(state.B) + " or T " + std::to_string(state.T));
  }
  file.Read(m, num_parameters * sizeof(float), "AdamW's m");
  file.Read(v, num_parameters * sizeof(float), "AdamW's v");
  return state;
}

}  // namespace gpt2
