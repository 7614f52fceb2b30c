// Deterministic random numbers: SplitMix64, a tiny generator with good statistics that is also a
// hash, so element i of a tensor can be drawn independently of every other element. That makes
// random initialisation parallel and still identical for a seed at any thread count.
#ifndef GPT2_GPT2_RNG_H_
#define GPT2_GPT2_RNG_H_

#include <cmath>
#include <cstdint>

namespace gpt2 {

// One SplitMix64 step: a bijective mix of a 64-bit counter.
inline uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// Uniform in (0, 1]: never 0, so log() is safe.
inline double UnitInterval(uint64_t bits) { return ((bits >> 11) + 1) * 0x1.0p-53; }

// A standard normal drawn from the hash of (key, index) by Box–Muller.
inline double NormalAt(uint64_t key, uint64_t index) {
  const double u1 = UnitInterval(SplitMix64(key ^ SplitMix64(2 * index)));
  const double u2 = UnitInterval(SplitMix64(key ^ SplitMix64(2 * index + 1)));
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

// A sequential stream, for sampling and synthetic data.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t NextU64() { return SplitMix64(state_++); }
  // The whole state, to save and restore a stream (--resume).
  uint64_t state() const { return state_; }
  void set_state(uint64_t state) { state_ = state; }
  // Uniform in [0, 1).
  double NextUniform() { return (NextU64() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, n).
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>((NextU64() >> 32) * n >> 32); }

 private:
  uint64_t state_;
};

}  // namespace gpt2

#endif  // GPT2_GPT2_RNG_H_
