// The text of a small GPT-2-style vocabulary, for tests and fuzz targets that need one without
// GPT-2's real files: encoder.json with the 256 single bytes (ids 0..255), then each merge's
// result in order, then <|endoftext|>; vocab.bpe with the merges, best first.
#ifndef GPT2_TESTS_TINY_BPE_FILES_H_
#define GPT2_TESTS_TINY_BPE_FILES_H_

#include <string>
#include <utility>
#include <vector>

namespace gpt2::test {

// Bytes as GPT-2's files spell them: printable Latin-1 stands for itself, each other byte for
// U+0100 onwards, in byte order. Written out here independently of gpt2/bpe_vocab.cc.
inline std::string SpellInGpt2Alphabet(const std::string& bytes) {
  const auto printable = [](int b) {
    return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
  };
  std::string out;
  for (const unsigned char byte : bytes) {
    int code = byte;
    if (!printable(byte)) {
      code = 256;
      for (int b = 0; b < byte; ++b) code += !printable(b);
    }
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else {
      out += static_cast<char>(0xC0 | code >> 6);
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }
  return out;
}

inline std::string JsonEscape(const std::string& text) {
  std::string out;
  for (const char c : text)
    out += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
  return out;
}

struct TinyBpeFiles {
  std::string encoder_json, vocab_bpe;
};

// `extra_encoder_entries` ("\"x\": 7, ") goes before <|endoftext|>, to make bad files.
inline TinyBpeFiles MakeTinyBpeFiles(const std::vector<std::pair<std::string, std::string>>& merges,
                                     const std::string& extra_encoder_entries = "") {
  TinyBpeFiles files{"{", "#version: 0.2\n"};
  int id = 0;
  for (int b = 0; b < 256; ++b) {
    files.encoder_json += "\"" +
                          JsonEscape(SpellInGpt2Alphabet(std::string(1, static_cast<char>(b)))) +
                          "\": " + std::to_string(id++) + ", ";
  }
  for (const auto& [left, right] : merges) {
    files.encoder_json +=
        "\"" + JsonEscape(SpellInGpt2Alphabet(left + right)) + "\": " + std::to_string(id++) + ", ";
    files.vocab_bpe += SpellInGpt2Alphabet(left) + " " + SpellInGpt2Alphabet(right) + "\n";
  }
  files.encoder_json += extra_encoder_entries + "\"<|endoftext|>\": " + std::to_string(id) + "}";
  return files;
}

}  // namespace gpt2::test

#endif  // GPT2_TESTS_TINY_BPE_FILES_H_
