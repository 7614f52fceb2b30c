// Decoding with llm.c's tokenizer file: a header of 256 uint32 (magic 20240328, version 1 or 2,
// vocab size, and in version 2 the end-of-text id), then per token a length byte and its bytes.
#ifndef GPT2_GPT2_TOKENIZER_H_
#define GPT2_GPT2_TOKENIZER_H_

#include <string>
#include <vector>

namespace gpt2 {

inline constexpr int kTokenizerMagic = 20240328;
inline constexpr int kGpt2EndOfText = 50256;

class TokenDecoder {
 public:
  // Throws gpt2::Error naming the file on a bad magic, version or truncated table.
  explicit TokenDecoder(const std::string& path);

  int vocab_size() const { return static_cast<int>(pieces_.size()); }
  int end_of_text() const { return end_of_text_; }
  // The bytes of token `id`; ids outside the table decode as "<|unknown:ID|>".
  std::string Decode(int id) const;

 private:
  std::vector<std::string> pieces_;
  int end_of_text_ = kGpt2EndOfText;
};

// Writes llm.c's tokenizer file, version 2, atomically. Throws gpt2::Error naming `path` for a
// piece that is empty or longer than the format's 255 bytes, or a bad end-of-text id.
void SaveTokenizerFile(const std::string& path, const std::vector<std::string>& pieces,
                       int end_of_text);

}  // namespace gpt2

#endif  // GPT2_GPT2_TOKENIZER_H_
