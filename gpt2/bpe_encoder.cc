#include "gpt2/bpe_encoder.h"

#include <algorithm>

#include "gpt2/pretokenizer.h"

namespace gpt2 {
namespace {

// Pieces longer than this (a page of digits, a line of dashes) are merged but not cached: they
// rarely repeat and would only fill the cache.
constexpr size_t kMaxCachedPieceBytes = 64;
// A bound on the cache for corpora with endless distinct words: past it, the cache starts over.
constexpr size_t kMaxCachedPieces = 1 << 20;

}  // namespace

// The merges run on a linked list of symbols with a min-heap of candidate pairs ordered by
// (rank, position), so a piece of n bytes costs O(n log n) even when it is a megabyte of one
// character; entries made stale by an earlier merge are skipped when they surface. Leftmost
// first among equal ranks reproduces GPT-2's "merge every occurrence, left to right".
void BpeEncoder::MergePiece(std::string_view piece, std::vector<int>* ids) {
  const int n = static_cast<int>(piece.size());
  symbols_.resize(n);
  for (int i = 0; i < n; ++i) {
    symbols_[i] = {vocab_.byte_token(static_cast<unsigned char>(piece[i])), i - 1,
                   i + 1 < n ? i + 1 : -1};
  }
  const auto later = [](const Candidate& a, const Candidate& b) {
    return a.rank != b.rank ? a.rank > b.rank : a.left > b.left;
  };
  heap_.clear();
  const auto push_pair = [&](int left) {
    const int right = symbols_[left].next;
    if (right < 0) return;
    const BpeVocab::Merge merge = vocab_.FindMerge(symbols_[left].id, symbols_[right].id);
    if (merge.rank < 0) return;
    heap_.push_back({merge.rank, left, symbols_[left].id, symbols_[right].id});
    std::push_heap(heap_.begin(), heap_.end(), later);
  };
  for (int i = 0; i + 1 < n; ++i) push_pair(i);
  while (!heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    const Candidate top = heap_.back();
    heap_.pop_back();
    Symbol& left = symbols_[top.left];
    // Stale if either side has been merged away or into something else since it was pushed.
    if (left.id != top.left_id || left.next < 0 || symbols_[left.next].id != top.right_id) continue;
    const Symbol right = symbols_[left.next];
    symbols_[left.next].id = -1;  // dead
    left.id = vocab_.FindMerge(top.left_id, top.right_id).merged;
    left.next = right.next;
    if (right.next >= 0) symbols_[right.next].prev = top.left;
    if (left.prev >= 0) push_pair(left.prev);
    push_pair(top.left);
  }
  for (int i = 0; i >= 0 && n > 0; i = symbols_[i].next) ids->push_back(symbols_[i].id);
}

void BpeEncoder::Encode(std::string_view text, std::vector<int>* ids) {
  PieceSplitter splitter(text);
  std::string_view piece;
  std::string key;
  while (splitter.Next(&piece)) {
    if (!use_cache_ || piece.size() > kMaxCachedPieceBytes) {
      MergePiece(piece, ids);
      continue;
    }
    key.assign(piece.data(), piece.size());
    const auto found = cache_.find(key);
    if (found != cache_.end()) {
      const int* first = cached_ids_.data() + found->second.offset;
      ids->insert(ids->end(), first, first + found->second.count);
      continue;
    }
    const size_t before = ids->size();
    MergePiece(piece, ids);
    if (cache_.size() >= kMaxCachedPieces) {
      cache_.clear();
      cached_ids_.clear();
    }
    const Span span = {static_cast<uint32_t>(cached_ids_.size()),
                       static_cast<uint32_t>(ids->size() - before)};
    cached_ids_.insert(cached_ids_.end(), ids->begin() + before, ids->end());
    cache_.emplace(key, span);
  }
}

std::vector<int> BpeEncoder::Encode(std::string_view text) {
  std::vector<int> ids;
  Encode(text, &ids);
  return ids;
}

}  // namespace gpt2
