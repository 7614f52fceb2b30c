// Token shards: the loader checks the header, the length and every token id at start, so the
// batches it then serves must stay inside the shard and below the vocabulary.
#include <cstdlib>

#include "gpt2/dataloader.h"
#include "kernels/error.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const gpt2::fuzz::ScratchFile file("shard.bin", data, size);
  const std::string& path = file.path();
  constexpr int kB = 2, kT = 3, kVocab = 1000;
  try {
    gpt2::DataLoader loader(path, "--train", kB, kT, kVocab);
    for (int batch = 0; batch < 4; ++batch) {
      loader.NextBatch();
      for (int i = 0; i < kB * kT; ++i) {
        if (loader.inputs()[i] < 0 || loader.inputs()[i] >= kVocab || loader.targets()[i] < 0 ||
            loader.targets()[i] >= kVocab) {
          std::abort();
        }
      }
    }
    loader.Seek({0, size % 64}, "fuzz");
    loader.NextBatch();
  } catch (const gpt2::Error&) {
  }
  return 0;
}
