// The BPE encoder on arbitrary bytes (invalid UTF-8 included), with GPT-2's real vocabulary when
// ../shared/data has it and a small built-in one otherwise. Properties checked on every input:
// decode(encode(x)) == x; the pieces concatenate back to x; and encoding in chunks cut at
// SafeCutPoint gives the same ids as encoding the whole.
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gpt2/bpe_encoder.h"
#include "gpt2/bpe_vocab.h"
#include "gpt2/pretokenizer.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/tiny_bpe_files.h"

namespace {

const gpt2::BpeVocab& Vocab() {
  static const std::unique_ptr<gpt2::BpeVocab> vocab = [] {
    const std::string shared = GPT2_SOURCE_DIR "/../shared/data/";
    if (std::ifstream(shared + "gpt2-encoder.json") && std::ifstream(shared + "gpt2-vocab.bpe")) {
      return std::make_unique<gpt2::BpeVocab>(shared + "gpt2-encoder.json",
                                              shared + "gpt2-vocab.bpe");
    }
    // The 256 bytes, a few merges that overlap and chain, and end-of-text.
    const std::vector<std::pair<std::string, std::string>> merges = {
        {"a", "a"}, {"aa", "a"}, {" ", "t"}, {" t", "h"}, {"e", "e"}, {"\xc3", "\xa9"}};
    const auto files = gpt2::test::MakeTinyBpeFiles(merges);
    const std::string& json = files.encoder_json;
    const std::string& bpe = files.vocab_bpe;
    const gpt2::fuzz::ScratchFile encoder(
        "tiny_encoder.json", reinterpret_cast<const uint8_t*>(json.data()), json.size());
    const gpt2::fuzz::ScratchFile merges_file(
        "tiny_vocab.bpe", reinterpret_cast<const uint8_t*>(bpe.data()), bpe.size());
    return std::make_unique<gpt2::BpeVocab>(encoder.path(), merges_file.path());
  }();
  return *vocab;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static gpt2::BpeEncoder cached(Vocab());  // the cache persists across inputs, as in use
  const std::vector<int> ids = cached.Encode(text);
  if (Vocab().Decode(ids) != text) std::abort();

  std::string joined;
  gpt2::PieceSplitter splitter(text);
  for (std::string_view piece; splitter.Next(&piece);) {
    if (piece.empty()) std::abort();
    joined += piece;
  }
  if (joined != text) std::abort();

  gpt2::BpeEncoder fresh(Vocab(), /*use_cache=*/false);
  std::vector<int> chunked;
  for (size_t begin = 0; begin < text.size();) {
    const size_t end = gpt2::SafeCutPoint(text, begin + 1 + size % 7);
    if (end <= begin) std::abort();
    fresh.Encode(text.substr(begin, end - begin), &chunked);
    begin = end;
  }
  if (chunked != ids) std::abort();
  return 0;
}
