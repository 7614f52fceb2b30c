#include "gpt2/tokenizer.h"

#include <cstdint>
#include <cstdio>

#include "gpt2/file_io.h"
#include "kernels/error.h"

namespace gpt2 {

TokenDecoder::TokenDecoder(const std::string& path) {
  InputFile file(path);
  uint32_t header[256];
  if (file.size() < sizeof header) {
    throw Error(path + ": truncated: shorter than the 1024-byte tokenizer header");
  }
  file.Read(header, sizeof header, "the tokenizer header");
  if (header[0] != static_cast<uint32_t>(kTokenizerMagic)) {
    throw Error(path + ": not a tokenizer file (magic " + std::to_string(header[0]) +
                ", expected " + std::to_string(kTokenizerMagic) + ")");
  }
  if (header[1] != 1 && header[1] != 2) {
    throw Error(path + ": unsupported tokenizer version " + std::to_string(header[1]));
  }
  const uint32_t vocab_size = header[2];
  if (vocab_size == 0 || vocab_size > 1u << 20) {
    throw Error(path + ": implausible vocabulary size " + std::to_string(vocab_size));
  }
  // Version 1 predates the end-of-text field; GPT-2's id is the one it implied.
  if (header[1] == 2 && header[3] >= vocab_size) {
    throw Error(path + ": end-of-text id " + std::to_string(header[3]) +
                " is not below the vocabulary size " + std::to_string(vocab_size));
  }
  end_of_text_ = header[1] == 2 ? static_cast<int>(header[3]) : kGpt2EndOfText;
  pieces_.resize(vocab_size);
  for (uint32_t id = 0; id < vocab_size; ++id) {
    uint8_t length = 0;
    file.Read(&length, 1, "a token's length");
    if (length == 0) throw Error(path + ": token " + std::to_string(id) + " has length 0");
    pieces_[id].resize(length);
    file.Read(pieces_[id].data(), length, "a token's bytes");
  }
}

void SaveTokenizerFile(const std::string& path, const std::vector<std::string>& pieces,
                       int end_of_text) {
  if (end_of_text < 0 || end_of_text >= static_cast<int>(pieces.size())) {
    throw Error(path + ": cannot save: end-of-text id " + std::to_string(end_of_text) +
                " is outside the vocabulary of " + std::to_string(pieces.size()));
  }
  for (size_t id = 0; id < pieces.size(); ++id) {
    if (pieces[id].empty() || pieces[id].size() > 255) {
      throw Error(path + ": cannot save: token " + std::to_string(id) + " has " +
                  std::to_string(pieces[id].size()) + " bytes; the format allows 1 to 255");
    }
  }
  uint32_t header[256] = {};
  header[0] = kTokenizerMagic;
  header[1] = 2;
  header[2] = static_cast<uint32_t>(pieces.size());
  header[3] = static_cast<uint32_t>(end_of_text);
  SaveAtomically(path, [&](std::FILE* file) {
    bool ok = std::fwrite(header, sizeof header, 1, file) == 1;
    for (const std::string& piece : pieces) {
      const auto length = static_cast<unsigned char>(piece.size());
      ok = ok && std::fwrite(&length, 1, 1, file) == 1 &&
           std::fwrite(piece.data(), 1, piece.size(), file) == piece.size();
    }
    if (!ok) throw Error(path + ": cannot save: write failed");
  });
}

std::string TokenDecoder::Decode(int id) const {
  if (id < 0 || id >= vocab_size()) return "<|unknown:" + std::to_string(id) + "|>";
  return pieces_[id];
}

}  // namespace gpt2
