#include "gpt2/checkpoint.h"

#include <cstdint>
#include <cstring>
#include <vector>

#include "gpt2/file_io.h"
#include "gpt2/tensors.h"
#include "kernels/error.h"

namespace gpt2 {
namespace {

constexpr size_t kHeaderInts = 256;
constexpr size_t kHeaderBytes = kHeaderInts * sizeof(int32_t);

size_t BytesPerParameter(int version) {
  return version == kCheckpointVersionBf16 ? sizeof(uint16_t) : sizeof(float);
}

// bf16 is the top half of an fp32: widening is a shift.
float Bf16ToFloat(uint16_t bits) {
  const uint32_t wide = static_cast<uint32_t>(bits) << 16;
  float value;
  std::memcpy(&value, &wide, sizeof value);
  return value;
}

}  // namespace

CheckpointHeader ReadCheckpointHeader(const std::string& path) {
  InputFile file(path);
  if (file.size() < kHeaderBytes) {
    throw Error(path + ": truncated: " + std::to_string(file.size()) +
                " bytes is shorter than the 1024-byte checkpoint header");
  }
  int32_t header[kHeaderInts];
  file.Read(header, kHeaderBytes, "the checkpoint header");
  if (header[0] != kCheckpointMagic) {
    throw Error(path + ": not a GPT-2 checkpoint (magic " + std::to_string(header[0]) +
                ", expected " + std::to_string(kCheckpointMagic) + ")");
  }
  CheckpointHeader result;
  result.version = header[1];
  if (result.version != kCheckpointVersionFp32 && result.version != kCheckpointVersionBf16) {
    throw Error(path + ": unsupported checkpoint version " + std::to_string(result.version) +
                " (supported: 3 fp32, 5 bf16)");
  }
  GPT2Config& c = result.config;
  c.max_seq_len = header[2];
  c.vocab_size = header[3];
  c.num_layers = header[4];
  c.num_heads = header[5];
  c.channels = header[6];
  c.padded_vocab_size = header[7];
  ValidateConfig(c, path);
  const size_t expected = kHeaderBytes + NumParameters(c) * BytesPerParameter(result.version);
  if (file.size() != expected) {
    throw Error(path + (file.size() < expected ? ": truncated: " : ": trailing bytes: ") +
                "file is " + std::to_string(file.size()) + " bytes but its header (" +
                DescribeConfig(c) + ", version " + std::to_string(result.version) + ") needs " +
                std::to_string(expected));
  }
  return result;
}

void LoadCheckpointParameters(const std::string& path, const CheckpointHeader& header,
                              float* params) {
  InputFile file(path);
  file.Seek(kHeaderBytes);
  const size_t n = NumParameters(header.config);
  if (header.version == kCheckpointVersionFp32) {
    file.Read(params, n * sizeof(float), "the parameters");
    return;
  }
  std::vector<uint16_t> chunk(1 << 20);
  for (size_t done = 0; done < n; done += chunk.size()) {
    const size_t count = std::min(chunk.size(), n - done);
    file.Read(chunk.data(), count * sizeof(uint16_t), "the bf16 parameters");
    for (size_t i = 0; i < count; ++i) params[done + i] = Bf16ToFloat(chunk[i]);
  }
}

void SaveCheckpoint(const std::string& path, const GPT2Config& config, const float* params) {
  int32_t header[kHeaderInts] = {};
  header[0] = kCheckpointMagic;
  header[1] = kCheckpointVersionFp32;
  header[2] = config.max_seq_len;
  header[3] = config.vocab_size;
  header[4] = config.num_layers;
  header[5] = config.num_heads;
  header[6] = config.channels;
  header[7] = config.padded_vocab_size;
  const size_t n = NumParameters(config);
  SaveAtomically(path, [&](std::FILE* file) {
    if (std::fwrite(header, 1, kHeaderBytes, file) != kHeaderBytes ||
        std::fwrite(params, sizeof(float), n, file) != n) {
      throw Error(path + ": cannot save: write failed");
    }
  });
}

}  // namespace gpt2
