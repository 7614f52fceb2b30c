// Text -> GPT-2 token ids: pre-tokenise (gpt2/pretokenizer.h), then byte-level BPE on each piece:
// start from one token per byte and keep merging the adjacent pair of lowest rank in vocab.bpe,
// leftmost first, until no pair has a rank. The text "<|endoftext|>" is encoded as ordinary text,
// as GPT-2's own encoder does; callers add the end-of-text id between documents themselves.
#ifndef GPT2_GPT2_BPE_ENCODER_H_
#define GPT2_GPT2_BPE_ENCODER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gpt2/bpe_vocab.h"

namespace gpt2 {

class BpeEncoder {
 public:
  // `vocab` must outlive the encoder. `use_cache` false merges every piece afresh (to measure
  // what the cache buys).
  explicit BpeEncoder(const BpeVocab& vocab, bool use_cache = true)
      : vocab_(vocab), use_cache_(use_cache) {}

  // Appends the ids of `text` (any bytes: see DecodeUtf8Char for invalid UTF-8) to `ids`.
  void Encode(std::string_view text, std::vector<int>* ids);
  std::vector<int> Encode(std::string_view text);

  size_t cached_pieces() const { return cache_.size(); }

 private:
  // The merge loop for one piece, with no cache.
  void MergePiece(std::string_view piece, std::vector<int>* ids);

  const BpeVocab& vocab_;
  bool use_cache_;
  // Text is mostly the same few thousand words: each distinct piece is merged once and its ids
  // are then copied from here. The ids live in one arena; the map holds (offset, count).
  struct Span {
    uint32_t offset, count;
  };
  std::unordered_map<std::string, Span> cache_;
  std::vector<int> cached_ids_;
  // Scratch for MergePiece, kept to avoid allocating per piece.
  struct Symbol {
    int id;
    int prev, next;  // neighbours in the doubly linked list of live symbols; -1 at the ends
  };
  std::vector<Symbol> symbols_;
  struct Candidate {
    int rank, left;  // the pair (left, next of left) as it was when pushed
    int left_id, right_id;
  };
  std::vector<Candidate> heap_;
};

}  // namespace gpt2

#endif  // GPT2_GPT2_BPE_ENCODER_H_
