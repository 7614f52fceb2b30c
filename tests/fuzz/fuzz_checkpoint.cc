// llm.c checkpoints from anywhere: the header checks must reject every inconsistent file before
// a parameter is read, and loading what they accept must read exactly the file.
#include <vector>

#include "gpt2/checkpoint.h"
#include "gpt2/tensors.h"
#include "kernels/error.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const gpt2::fuzz::ScratchFile file("checkpoint.bin", data, size);
  const std::string& path = file.path();
  try {
    const gpt2::CheckpointHeader header = gpt2::ReadCheckpointHeader(path);
    std::vector<float> params(gpt2::NumParameters(header.config));
    gpt2::LoadCheckpointParameters(path, header, params.data());
  } catch (const gpt2::Error&) {
  }
  return 0;
}
