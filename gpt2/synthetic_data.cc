#include "gpt2/synthetic_data.h"

#include <algorithm>

#include "gpt2/rng.h"

namespace gpt2 {

std::vector<uint16_t> SyntheticTokens(uint64_t seed, uint64_t stream, int vocab_size,
                                      size_t count) {
  constexpr int kWords = 256;
  constexpr int kSuccessors = 4;
  const int words = std::min(kWords, vocab_size);
  Rng language(SplitMix64(seed));
  std::vector<uint16_t> word_ids(words);
  for (int w = 0; w < words; ++w) word_ids[w] = static_cast<uint16_t>(language.Below(vocab_size));
  std::vector<int> successor(static_cast<size_t>(words) * kSuccessors);
  for (int& s : successor) s = static_cast<int>(language.Below(words));

  Rng walk(SplitMix64(seed ^ SplitMix64(stream + 1)));
  std::vector<uint16_t> tokens(count);
  int word = static_cast<int>(walk.Below(words));
  for (size_t i = 0; i < count; ++i) {
    tokens[i] = word_ids[word];
    word = successor[static_cast<size_t>(word) * kSuccessors + walk.Below(kSuccessors)];
  }
  return tokens;
}

}  // namespace gpt2
