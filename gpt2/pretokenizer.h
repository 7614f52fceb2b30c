// GPT-2's pre-tokenisation: the text is cut into pieces by the original pattern
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// and BPE then runs on each piece alone. This is the pattern's leftmost-alternative, greedy
// semantics written out by hand as a scanner, so no regex engine is needed.
#ifndef GPT2_GPT2_PRETOKENIZER_H_
#define GPT2_GPT2_PRETOKENIZER_H_

#include <cstddef>
#include <string_view>

namespace gpt2 {

class PieceSplitter {
 public:
  explicit PieceSplitter(std::string_view text) : text_(text) {}

  // The next piece, or false at the end of the text. Pieces are non-empty and, concatenated,
  // give back the text exactly (invalid UTF-8 included).
  bool Next(std::string_view* piece);

 private:
  // The byte offset just past the run of characters of the class of the one at `pos`.
  size_t EndOfRun(size_t pos) const;
  size_t ContractionLength(size_t pos) const;
  size_t WhitespaceMatchEnd(size_t pos) const;

  std::string_view text_;
  size_t pos_ = 0;
};

// A byte offset at or after `from` where `text` can be cut and both halves pre-tokenised on
// their own give exactly the pieces of the whole: just before a space that precedes a
// non-space (" word" always starts a piece there). text.size() if there is none. Lets long
// texts be encoded in chunks, for progress output.
size_t SafeCutPoint(std::string_view text, size_t from);

}  // namespace gpt2

#endif  // GPT2_GPT2_PRETOKENIZER_H_
