// encoder.json and vocab.bpe: the input is split at its first NUL byte into the two files. What
// loads must then encode and decode text byte for byte.
#include <algorithm>
#include <cstdlib>
#include <string>

#include "gpt2/bpe_encoder.h"
#include "gpt2/bpe_vocab.h"
#include "kernels/error.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const uint8_t* split = std::find(data, data + size, 0);
  const gpt2::fuzz::ScratchFile encoder("encoder.json", data, static_cast<size_t>(split - data));
  const size_t rest = split < data + size ? static_cast<size_t>(data + size - split - 1) : 0;
  const gpt2::fuzz::ScratchFile vocab("vocab.bpe", split + (rest > 0), rest);
  try {
    const gpt2::BpeVocab bpe(encoder.path(), vocab.path());
    gpt2::BpeEncoder coder(bpe);
    const std::string text = "Hello, world! It's 2024\n\n  \xff\xfe caf\xc3\xa9";
    if (bpe.Decode(coder.Encode(text)) != text) std::abort();
  } catch (const gpt2::Error&) {
  }
  return 0;
}
