// Serves (B,T) batches of inputs and next-token targets from llm.c token shards (a header of 256
// int32: magic 20240520, version 1, token count; then uint16 tokens) or from an in-memory token
// stream. Sequential: each batch starts B*T tokens after the previous one; a shard with fewer
// than B*T+1 tokens left moves on to the next shard, and after the last one back to the first.
#ifndef GPT2_GPT2_DATALOADER_H_
#define GPT2_GPT2_DATALOADER_H_

#include <cstdint>
#include <string>
#include <vector>

namespace gpt2 {

inline constexpr int kShardMagic = 20240520;
inline constexpr int kShardVersion = 1;

class DataLoader {
 public:
  // The shards matching `pattern` (a glob), in sorted order. Every shard is read and checked
  // here (header, length, token ids below `vocab_size`), so a bad file fails at start with its
  // name and never trains silently on garbage. `flag` names the option in errors ("--train").
  DataLoader(const std::string& pattern, const std::string& flag, int B, int T, int vocab_size);
  // An in-memory stream (synthetic data); ids must already be below the vocabulary size.
  DataLoader(std::vector<uint16_t> tokens, std::string name, int B, int T);

  void NextBatch();
  void Reset();

  // Where the next batch starts, to save and restore a run's place in the data (--resume).
  struct Position {
    size_t shard = 0;   // index into the sorted shard list (0 for an in-memory stream)
    size_t offset = 0;  // token offset within that shard
  };
  Position position() const { return {shard_index_, position_}; }
  // Throws gpt2::Error naming `what` if the position does not fit this data.
  void Seek(const Position& position, const std::string& what);
  size_t total_tokens() const { return total_tokens_; }
  // A hash of the token count and the next 1024 tokens: tells a resumed run that it is reading
  // other data than the saved one (another seed's synthetic stream, another corpus).
  uint64_t Fingerprint() const;
  const int* inputs() const { return inputs_.data(); }
  const int* targets() const { return targets_.data(); }
  // "2 shards, 12345 tokens" or the synthetic stream's name.
  std::string Describe() const;

 private:
  void LoadShard(size_t index);
  void StartShard(size_t index);

  std::vector<std::string> files_;
  std::vector<size_t> shard_tokens_;
  size_t total_tokens_ = 0;
  std::string name_;
  int B_, T_, vocab_size_ = 0;
  size_t shard_index_ = 0;
  size_t position_ = 0;
  std::vector<uint16_t> tokens_;  // the current shard
  std::vector<int> inputs_, targets_;
};

// Writes `tokens` as an llm.c shard, atomically.
void SaveShard(const std::string& path, const std::vector<uint16_t>& tokens);

}  // namespace gpt2

#endif  // GPT2_GPT2_DATALOADER_H_
