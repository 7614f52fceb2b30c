// GPT-2's byte-level BPE vocabulary, loaded from its two files: encoder.json (token text -> id)
// and vocab.bpe (the merges, one "LEFT RIGHT" pair per line, best first). Both files spell bytes
// through GPT-2's printable byte alphabet (byte 0x20 is "Ġ", ...); here every token is kept as
// the raw bytes it stands for, so encoding and decoding work on plain bytes.
#ifndef GPT2_GPT2_BPE_VOCAB_H_
#define GPT2_GPT2_BPE_VOCAB_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gpt2 {

inline constexpr const char* kEndOfTextText = "<|endoftext|>";

class BpeVocab {
 public:
  // Throws gpt2::Error naming the file and, where it helps, the line or token at fault.
  BpeVocab(const std::string& encoder_json_path, const std::string& vocab_bpe_path);

  int size() const { return static_cast<int>(pieces_.size()); }
  int end_of_text() const { return end_of_text_; }
  int merge_count() const { return static_cast<int>(merges_.size()); }
  // The bytes token `id` stands for.
  const std::string& piece(int id) const { return pieces_[id]; }
  const std::vector<std::string>& pieces() const { return pieces_; }
  int byte_token(unsigned char byte) const { return byte_tokens_[byte]; }

  struct Merge {
    int rank;  // lower merges first; -1: the pair never merges
    int merged;
  };
  Merge FindMerge(int left, int right) const {
    const auto it = merges_.find(PairKey(left, right));
    return it == merges_.end() ? Merge{-1, -1} : it->second;
  }

  // The bytes of `ids` concatenated; throws gpt2::Error for an id outside the vocabulary.
  std::string Decode(const std::vector<int>& ids) const;

 private:
  static uint64_t PairKey(int left, int right) {
    return static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32 | static_cast<uint32_t>(right);
  }
  void LoadEncoder(const std::string& path);
  void LoadMerges(const std::string& path);

  std::vector<std::string> pieces_;
  std::unordered_map<std::string, int> ids_;
  int byte_tokens_[256];
  int end_of_text_ = -1;
  std::unordered_map<uint64_t, Merge> merges_;
};

}  // namespace gpt2

#endif  // GPT2_GPT2_BPE_VOCAB_H_
