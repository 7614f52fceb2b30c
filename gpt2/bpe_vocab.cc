#include "gpt2/bpe_vocab.h"

#include <array>

#include "gpt2/file_io.h"
#include "gpt2/json_object_reader.h"
#include "gpt2/unicode_classes.h"
#include "kernels/error.h"

namespace gpt2 {
namespace {

// GPT-2's alphabet gives each of the 256 bytes a printable character: the printable Latin-1
// bytes stand for themselves, the other 68 (control codes, space, ...) for U+0100.. in byte order.
// This is its inverse, code point -> byte, for the 324 code points the alphabet uses.
const std::array<int, 324> kByteOfCodePoint = [] {
  std::array<int, 324> byte_of{};
  byte_of.fill(-1);
  int next_extra = 256;
  for (int b = 0; b < 256; ++b) {
    const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
    byte_of[printable ? b : next_extra++] = b;
  }
  return byte_of;
}();

// The raw bytes a token spelled in GPT-2's alphabet stands for; false if it uses another character.
bool AlphabetToBytes(std::string_view spelled, std::string* bytes) {
  bytes->clear();
  for (size_t i = 0; i < spelled.size();) {
    const Utf8Char c = DecodeUtf8Char(&spelled[i], spelled.size() - i);
    if (c.code >= kByteOfCodePoint.size() || kByteOfCodePoint[c.code] < 0 ||
        (c.length == 1 && c.code >= 0x80)) {
      return false;
    }
    *bytes += static_cast<char>(kByteOfCodePoint[c.code]);
    i += c.length;
  }
  return !bytes->empty();
}

}  // namespace

BpeVocab::BpeVocab(const std::string& encoder_json_path, const std::string& vocab_bpe_path) {
  LoadEncoder(encoder_json_path);
  LoadMerges(vocab_bpe_path);
}

void BpeVocab::LoadEncoder(const std::string& path) {
  const auto members = ReadStringToIntObject(ReadFileContents(path), path);
  if (members.empty()) throw Error(path + ": encoder has no tokens");
  if (members.size() > 65536) {
    throw Error(path + ": " + std::to_string(members.size()) +
                " tokens do not fit the uint16 token shards (at most 65536)");
  }
  pieces_.assign(members.size(), std::string());
  std::vector<bool> seen(members.size(), false);
  std::string bytes;
  for (const auto& [spelled, id] : members) {
    if (id < 0 || id >= static_cast<long long>(members.size())) {
      throw Error(path + ": token \"" + spelled + "\" has id " + std::to_string(id) +
                  ", outside 0.." + std::to_string(members.size() - 1));
    }
    if (seen[id]) throw Error(path + ": id " + std::to_string(id) + " is given twice");
    seen[id] = true;
    if (spelled == kEndOfTextText) {
      end_of_text_ = static_cast<int>(id);
      bytes = spelled;
    } else if (!AlphabetToBytes(spelled, &bytes)) {
      throw Error(path + ": token \"" + spelled + "\" (id " + std::to_string(id) +
                  ") is not spelled in GPT-2's byte alphabet");
    }
    if (!ids_.emplace(bytes, static_cast<int>(id)).second) {
      throw Error(path + ": token \"" + spelled + "\" stands for the same bytes as another token");
    }
    pieces_[id] = bytes;
  }
  if (end_of_text_ < 0) throw Error(path + ": no " + kEndOfTextText + " token");
  for (int b = 0; b < 256; ++b) {
    const auto it = ids_.find(std::string(1, static_cast<char>(b)));
    if (it == ids_.end()) {
      throw Error(path + ": byte " + std::to_string(b) + " has no token of its own");
    }
    byte_tokens_[b] = it->second;
  }
}

void BpeVocab::LoadMerges(const std::string& path) {
  const std::string text = ReadFileContents(path);
  int line_number = 0, rank = 0;
  std::string left, right;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || (line_number == 1 && line.rfind("#version", 0) == 0)) continue;
    const auto where = [&] { return path + ": line " + std::to_string(line_number) + ": "; };
    const size_t space = line.find(' ');
    if (space == std::string_view::npos || line.find(' ', space + 1) != std::string_view::npos ||
        !AlphabetToBytes(line.substr(0, space), &left) ||
        !AlphabetToBytes(line.substr(space + 1), &right)) {
      throw Error(where() + "expected two tokens in GPT-2's byte alphabet, separated by a space");
    }
    const auto left_id = ids_.find(left), right_id = ids_.find(right),
               merged_id = ids_.find(left + right);
    if (left_id == ids_.end() || right_id == ids_.end() || merged_id == ids_.end()) {
      throw Error(where() + "merge of tokens missing from the encoder");
    }
    const Merge merge = {rank++, merged_id->second};
    if (!merges_.emplace(PairKey(left_id->second, right_id->second), merge).second) {
      throw Error(where() + "the same merge is listed twice");
    }
  }
}

std::string BpeVocab::Decode(const std::vector<int>& ids) const {
  std::string text;
  for (const int id : ids) {
    if (id < 0 || id >= size()) {
      throw Error("token id " + std::to_string(id) + " is outside the vocabulary of " +
                  std::to_string(size()));
    }
    text += pieces_[id];
  }
  return text;
}

}  // namespace gpt2
