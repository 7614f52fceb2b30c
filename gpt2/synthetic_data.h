// The embedded default data: deterministic synthetic tokens, so the trainer and the benchmarks
// run with no files at all. Uniformly random tokens would teach a model nothing, so the stream is
// a random walk on a small "language": 256 word ids drawn from the vocabulary, each followed by
// one of 4 successors at random. A model that learns it reaches ln 4 ≈ 1.39 nats per token from
// the ≈ ln V of a random start, so falling losses are a visible sign that training works.
#ifndef GPT2_GPT2_SYNTHETIC_DATA_H_
#define GPT2_GPT2_SYNTHETIC_DATA_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gpt2 {

// `count` tokens below `vocab_size`. The language depends on `seed` alone; `stream` picks the
// walk, so a train stream (0) and a validation stream (1) share their language but not their text.
std::vector<uint16_t> SyntheticTokens(uint64_t seed, uint64_t stream, int vocab_size, size_t count);

}  // namespace gpt2

#endif  // GPT2_GPT2_SYNTHETIC_DATA_H_
