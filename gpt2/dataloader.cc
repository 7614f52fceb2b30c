#include "gpt2/dataloader.h"

#include <algorithm>

#include <glob.h>

#include <utility>

#include "gpt2/file_io.h"
#include "kernels/error.h"

namespace gpt2 {
namespace {

constexpr size_t kHeaderInts = 256;
constexpr size_t kHeaderBytes = kHeaderInts * sizeof(int32_t);

std::vector<std::string> Glob(const std::string& pattern, const std::string& flag) {
  glob_t matches;
  const int status = glob(pattern.c_str(), 0, nullptr, &matches);
  std::vector<std::string> files;
  if (status == 0) {
    for (size_t i = 0; i < matches.gl_pathc; ++i) files.emplace_back(matches.gl_pathv[i]);
  }
  globfree(&matches);
  if (files.empty()) throw Error(pattern + ": no such file (" + flag + ")");
  return files;  // glob sorts its matches
}

// Checks the header and the file length; returns the token count.
size_t ReadShardHeader(const std::string& path) {
  InputFile file(path);
  if (file.size() < kHeaderBytes) {
    throw Error(path + ": truncated: shorter than the 1024-byte shard header");
  }
  int32_t header[kHeaderInts];
  file.Read(header, kHeaderBytes, "the shard header");
  if (header[0] != kShardMagic) {
    throw Error(path + ": not a token shard (magic " + std::to_string(header[0]) + ", expected " +
                std::to_string(kShardMagic) + ")");
  }
  if (header[1] != kShardVersion) {
    throw Error(path + ": unsupported shard version " + std::to_string(header[1]));
  }
  if (header[2] < 0) throw Error(path + ": negative token count in the header");
  const size_t count = static_cast<size_t>(header[2]);
  if (file.size() != kHeaderBytes + count * sizeof(uint16_t)) {
    throw Error(path + ": file is " + std::to_string(file.size()) + " bytes but its header says " +
                std::to_string(count) + " tokens (" +
                std::to_string(kHeaderBytes + count * sizeof(uint16_t)) + " bytes)");
  }
  return count;
}

}  // namespace

DataLoader::DataLoader(const std::string& pattern, const std::string& flag, int B, int T,
                       int vocab_size)
    : name_(pattern), B_(B), T_(T), vocab_size_(vocab_size) {
  files_ = Glob(pattern, flag);
  const size_t needed = static_cast<size_t>(B) * T + 1;
  for (const std::string& file : files_) {
    shard_tokens_.push_back(ReadShardHeader(file));
    if (shard_tokens_.back() < needed) {
      throw Error(file + ": " + std::to_string(shard_tokens_.back()) +
                  " tokens, fewer than B*T+1 = " + std::to_string(needed) + " (" + flag + ")");
    }
    total_tokens_ += shard_tokens_.back();
  }
  inputs_.resize(needed - 1);
  targets_.resize(needed - 1);
  // Read every shard once now, so a bad token id fails the run at start rather than hours in
  // when its shard comes up; then keep the first one in memory.
  for (size_t i = files_.size(); i-- > 0;) LoadShard(i);
}

DataLoader::DataLoader(std::vector<uint16_t> tokens, std::string name, int B, int T)
    : name_(std::move(name)), B_(B), T_(T) {
  if (tokens.size() < static_cast<size_t>(B) * T + 1) {
    throw Error(name_ + ": fewer than B*T+1 tokens");
  }
  total_tokens_ = tokens.size();
  tokens_ = std::move(tokens);
  inputs_.resize(static_cast<size_t>(B) * T);
  targets_.resize(static_cast<size_t>(B) * T);
}

void DataLoader::LoadShard(size_t index) {
  const std::string& path = files_[index];
  InputFile file(path);
  file.Seek(kHeaderBytes);
  tokens_.resize(shard_tokens_[index]);
  file.Read(tokens_.data(), tokens_.size() * sizeof(uint16_t), "the tokens");
  for (size_t i = 0; i < tokens_.size(); ++i) {
    if (tokens_[i] >= vocab_size_) {
      throw Error(path + ": token " + std::to_string(i) + " has id " + std::to_string(tokens_[i]) +
                  ", not below the model's vocabulary size " + std::to_string(vocab_size_));
    }
  }
  shard_index_ = index;
}

// Moves to the start of shard `index`, reading it unless it is the one already in memory.
void DataLoader::StartShard(size_t index) {
  if (!files_.empty() && (index != shard_index_ || tokens_.empty())) LoadShard(index);
  position_ = 0;
}

void DataLoader::Reset() { StartShard(0); }

void DataLoader::Seek(const Position& position, const std::string& what) {
  const size_t shards = files_.empty() ? 1 : files_.size();
  if (position.shard >= shards) {
    throw Error(what + ": data position in shard " + std::to_string(position.shard) + ", but " +
                Describe() + " has " + std::to_string(shards));
  }
  StartShard(position.shard);
  if (position.offset > tokens_.size()) {
    throw Error(what + ": data position " + std::to_string(position.offset) + " is past the " +
                std::to_string(tokens_.size()) + " tokens of shard " +
                std::to_string(position.shard));
  }
  position_ = position.offset;
}

void DataLoader::NextBatch() {
  const size_t n = static_cast<size_t>(B_) * T_;
  if (position_ + n + 1 > tokens_.size()) {
    StartShard(files_.empty() ? 0 : (shard_index_ + 1) % files_.size());
  }
  for (size_t i = 0; i < n; ++i) {
    inputs_[i] = tokens_[position_ + i];
    targets_[i] = tokens_[position_ + i + 1];
  }
  position_ += n;
}

uint64_t DataLoader::Fingerprint() const {
  uint64_t hash = 14695981039346656037ull ^ total_tokens_;  // FNV-1a
  const size_t end = std::min(tokens_.size(), position_ + 1024);
  for (size_t i = position_; i < end; ++i) hash = (hash ^ tokens_[i]) * 1099511628211ull;
  return hash;
}

std::string DataLoader::Describe() const {
  if (files_.empty()) return name_ + " (" + std::to_string(total_tokens_) + " tokens)";
  return name_ + " (" + std::to_string(files_.size()) + " shard" + (files_.size() == 1 ? "" : "s") +
         ", " + std::to_string(total_tokens_) + " tokens)";
}

void SaveShard(const std::string& path, const std::vector<uint16_t>& tokens) {
  int32_t header[kHeaderInts] = {};
  header[0] = kShardMagic;
  header[1] = kShardVersion;
  header[2] = static_cast<int32_t>(tokens.size());
  SaveAtomically(path, [&](std::FILE* file) {
    if (std::fwrite(header, 1, kHeaderBytes, file) != kHeaderBytes ||
        std::fwrite(tokens.data(), sizeof(uint16_t), tokens.size(), file) != tokens.size()) {
      throw Error(path + ": cannot save: write failed");
    }
  });
}

}  // namespace gpt2
