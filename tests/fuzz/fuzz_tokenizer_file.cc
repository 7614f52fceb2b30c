// llm.c tokenizer files: a bad magic, version, size or a truncated table must be an error, and
// what loads must decode every id (and out-of-range ones) without reading outside the table.
#include "gpt2/tokenizer.h"
#include "kernels/error.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const gpt2::fuzz::ScratchFile file("tokenizer.bin", data, size);
  const std::string& path = file.path();
  try {
    const gpt2::TokenDecoder decoder(path);
    for (int id = -1; id <= decoder.vocab_size(); ++id) (void)decoder.Decode(id);
  } catch (const gpt2::Error&) {
  }
  return 0;
}
