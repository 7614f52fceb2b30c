// bench_tokenizer: single-thread throughput of the GPT-2 BPE encoder on a text file, in MB/s
// (10^6 bytes of text per second), median over --reps passes. Four rows show where the time goes:
//   split only   pre-tokenisation alone (the scanner in gpt2/pretokenizer.cc)
//   no cache     every piece merged afresh (the heap merge loop in gpt2/bpe_encoder.cc)
//   cold cache   a fresh encoder per pass: what gpt2_prepare sees on a new corpus
//   warm cache   the same encoder again: every piece is a cache hit
// Each pass's ids are checksummed and compared across passes, so no work can be skipped.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "gpt2/bpe_encoder.h"
#include "gpt2/bpe_vocab.h"
#include "gpt2/file_io.h"
#include "gpt2/flags.h"
#include "gpt2/main_guard.h"
#include "gpt2/median.h"
#include "gpt2/pretokenizer.h"
#include "kernels/error.h"

namespace gpt2 {
namespace {

constexpr const char* kProgram = "bench_tokenizer";
const std::string kSharedData = GPT2_SOURCE_DIR "/../shared/data/";

uint64_t Checksum(const std::vector<int>& ids) {
  uint64_t sum = ids.size();
  for (const int id : ids) sum = sum * 1000003 + static_cast<uint64_t>(id);
  return sum;
}

int Run(int argc, char** argv) {
  std::string text_path = kSharedData + "tinyshakespeare.txt";
  std::string encoder_path = kSharedData + "gpt2-encoder.json";
  std::string vocab_path = kSharedData + "gpt2-vocab.bpe";
  int reps = 7;
  Flags flags(kProgram,
              "Times the GPT-2 BPE encoder on one thread: pre-tokenisation alone, encoding\n"
              "without the piece cache, with a cold cache and with a warm one (MB/s, median).");
  flags.String("--text", &text_path, "text file to encode");
  flags.String("--encoder", &encoder_path, "GPT-2's encoder.json");
  flags.String("--vocab", &vocab_path, "GPT-2's vocab.bpe");
  flags.Int("--reps", &reps, "timed passes per row");
  if (!flags.Parse(argc, argv)) return 0;

  const std::string text = ReadFileContents(text_path);
  const BpeVocab vocab(encoder_path, vocab_path);
  std::printf("text: %s (%.2f MB)\nvocabulary: %d tokens, %d merges\n", text_path.c_str(),
              text.size() / 1e6, vocab.size(), vocab.merge_count());

  std::vector<int> ids;
  ids.reserve(text.size());  // allocated once, outside the timed passes
  uint64_t expected = 0;     // the first encoding pass's checksum
  // `encodes`: the pass writes token ids, which must be the same in every pass and row.
  const auto time_pass = [&](const char* row, bool encodes, auto&& pass) {
    std::vector<double> seconds;
    for (int r = 0; r < reps; ++r) {
      ids.clear();
      const auto start = std::chrono::steady_clock::now();
      pass();
      seconds.push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      const uint64_t sum = Checksum(ids);
      if (!encodes) continue;
      if (expected == 0) expected = sum;
      if (sum != expected) throw Error(std::string(row) + ": ids differ between passes");
    }
    const double median = Median(seconds);
    std::printf("%-12s %9.2f MB/s  %8.1f ms  %zu %s\n", row, text.size() / 1e6 / median,
                median * 1e3, ids.size(), encodes ? "tokens" : "pieces");
    std::fflush(stdout);
  };
  std::printf("%-12s %14s  %11s  (median of %d)\n", "", "throughput", "time", reps);
  time_pass("split only", false, [&] {
    PieceSplitter splitter(text);
    std::string_view piece;
    while (splitter.Next(&piece)) ids.push_back(static_cast<int>(piece.size()));
  });
  time_pass("no cache", true, [&] { BpeEncoder(vocab, false).Encode(text, &ids); });
  time_pass("cold cache", true, [&] { BpeEncoder(vocab).Encode(text, &ids); });
  BpeEncoder warm(vocab);
  warm.Encode(text, &ids);
  time_pass("warm cache", true, [&] { warm.Encode(text, &ids); });
  std::printf("distinct cached pieces: %zu\n", warm.cached_pieces());
  return 0;
}

}  // namespace
}  // namespace gpt2

int main(int argc, char** argv) { return gpt2::RunGuarded(gpt2::kProgram, gpt2::Run, argc, argv); }
