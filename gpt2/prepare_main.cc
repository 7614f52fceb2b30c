// gpt2_prepare: text files -> llm.c token shards (and llm.c's tokenizer file), with GPT-2's BPE.
#include <glob.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "gpt2/bpe_encoder.h"
#include "gpt2/bpe_vocab.h"
#include "gpt2/dataloader.h"
#include "gpt2/file_io.h"
#include "gpt2/flags.h"
#include "gpt2/main_guard.h"
#include "gpt2/pretokenizer.h"
#include "gpt2/tokenizer.h"
#include "kernels/error.h"

namespace gpt2 {
namespace {

constexpr const char* kProgram = "gpt2_prepare";
constexpr size_t kChunkBytes = 1 << 20;  // progress is reported between chunks

struct PrepareOptions {
  std::vector<std::string> inputs;
  std::string encoder, vocab;
  std::string documents = "file";
  std::string out_dir = ".";
  std::string name;
  std::string tokenizer_out;
  int val_tokens = 32768;
  int shard_tokens = 100000000;
  bool overwrite = false;
};

// Collects tokens and writes them as numbered shards DIR/NAME_SPLIT_000000.bin, each full shard
// as soon as it fills, so memory stays at one shard however large the corpus.
class ShardWriter {
 public:
  ShardWriter(std::string prefix, size_t shard_tokens)
      : prefix_(std::move(prefix)), shard_tokens_(shard_tokens) {}

  void Add(int token) {
    buffer_.push_back(static_cast<uint16_t>(token));
    ++total_;
    if (buffer_.size() == shard_tokens_) Flush();
  }
  void Finish() {
    if (!buffer_.empty()) Flush();
  }
  size_t total() const { return total_; }
  const std::vector<std::string>& files() const { return files_; }

 private:
  void Flush() {
    char index[16];
    std::snprintf(index, sizeof index, "_%06zu.bin", files_.size());
    files_.push_back(prefix_ + index);
    SaveShard(files_.back(), buffer_);
    buffer_.clear();
  }

  std::string prefix_;
  size_t shard_tokens_;
  size_t total_ = 0;
  std::vector<uint16_t> buffer_;
  std::vector<std::string> files_;
};

// The documents of one input: the whole file, or its paragraphs. A paragraph keeps the blank
// line that ends it, so the documents concatenated are the file.
std::vector<std::string_view> SplitDocuments(std::string_view text, bool paragraphs) {
  std::vector<std::string_view> documents;
  if (!paragraphs) {
    if (!text.empty()) documents.push_back(text);
    return documents;
  }
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find("\n\n", start);
    end = end == std::string_view::npos ? text.size() : end + 2;
    documents.push_back(text.substr(start, end - start));
    start = end;
  }
  return documents;
}

std::string Stem(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') + 1);
  const size_t dot = name.find_last_of('.');
  if (dot != std::string::npos && dot > 0) name.resize(dot);
  return name;
}

std::vector<std::string> ExistingShards(const std::string& prefix) {
  std::vector<std::string> files;
  for (const char* split : {"_train_*.bin", "_val_*.bin"}) {
    glob_t matches;
    if (glob((prefix + split).c_str(), 0, nullptr, &matches) == 0) {
      for (size_t i = 0; i < matches.gl_pathc; ++i) files.push_back(matches.gl_pathv[i]);
    }
    globfree(&matches);
  }
  return files;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int Run(int argc, char** argv) {
  PrepareOptions o;
  Flags flags(kProgram,
              "Encodes text files with GPT-2's byte-level BPE into llm.c token shards\n"
              "(DIR/NAME_val_000000.bin, DIR/NAME_train_000000.bin, ...) and writes llm.c's\n"
              "tokenizer file. Each document starts with <|endoftext|> (id 50256); the first\n"
              "--val-tokens tokens of the stream go to the val split, the rest to train.\n"
              "Text is handled as bytes: invalid UTF-8 is encoded byte by byte and decodes back "
              "unchanged.");
  flags.Strings("--input", &o.inputs, "a text file to encode (repeatable, in this order)");
  flags.String("--encoder", &o.encoder, "GPT-2's encoder.json");
  flags.String("--vocab", &o.vocab, "GPT-2's vocab.bpe");
  flags.String("--documents", &o.documents,
               "file: each input is one document; paragraph: each blank-line-separated "
               "paragraph is one (as llm.c's tinyshakespeare)");
  flags.String("--out-dir", &o.out_dir, "directory for the shards and the tokenizer file");
  flags.String("--name", &o.name, "shard name prefix (default: the first input's file name stem)");
  flags.String("--tokenizer-out", &o.tokenizer_out,
               "llm.c tokenizer file to write (default: DIR/gpt2_tokenizer.bin)");
  flags.Int("--val-tokens", &o.val_tokens, "tokens at the start of the stream for validation", 0);
  flags.Int("--shard-tokens", &o.shard_tokens, "tokens per shard file (llm.c's FineWeb size)", 2);
  flags.Bool("--overwrite", &o.overwrite, "replace shards of the same name already in DIR");
  if (!flags.Parse(argc, argv)) return 0;

  if (o.inputs.empty()) throw Error("no input: give at least one --input FILE");
  if (o.encoder.empty()) throw Error("missing --encoder (GPT-2's encoder.json)");
  if (o.vocab.empty()) throw Error("missing --vocab (GPT-2's vocab.bpe)");
  if (o.documents != "file" && o.documents != "paragraph") {
    throw Error("bad value '" + o.documents + "' for --documents: expected file or paragraph");
  }
  if (access(o.out_dir.c_str(), W_OK) != 0) {
    throw Error(o.out_dir + ": not a writable directory (--out-dir)");
  }
  for (const std::string& input : o.inputs) InputFile check(input);  // fail before encoding
  if (o.name.empty()) o.name = Stem(o.inputs[0]);
  if (o.tokenizer_out.empty()) o.tokenizer_out = o.out_dir + "/gpt2_tokenizer.bin";
  const std::string prefix = o.out_dir + "/" + o.name;
  const std::vector<std::string> stale = ExistingShards(prefix);
  if (!stale.empty()) {
    if (!o.overwrite) {
      throw Error(stale[0] + ": shards named '" + o.name +
                  "' already exist; give --overwrite to replace them, or another --name");
    }
    for (const std::string& file : stale) std::remove(file.c_str());
  }

  const auto start = std::chrono::steady_clock::now();
  const BpeVocab vocab(o.encoder, o.vocab);
  std::printf("vocabulary: %d tokens, %d merges, end of text %d (%.2f s)\n", vocab.size(),
              vocab.merge_count(), vocab.end_of_text(), SecondsSince(start));
  SaveTokenizerFile(o.tokenizer_out, vocab.pieces(), vocab.end_of_text());
  std::printf("wrote tokenizer %s\n", o.tokenizer_out.c_str());

  ShardWriter val(prefix + "_val", o.shard_tokens), train(prefix + "_train", o.shard_tokens);
  BpeEncoder encoder(vocab);
  std::vector<int> ids;
  size_t bytes_done = 0, documents = 0;
  double encode_seconds = 0, last_report = 0;
  const auto add = [&](int token) {
    if (val.total() < static_cast<size_t>(o.val_tokens)) {
      val.Add(token);
    } else {
      train.Add(token);
    }
  };
  for (const std::string& input : o.inputs) {
    const std::string text = ReadFileContents(input);
    for (const std::string_view document : SplitDocuments(text, o.documents == "paragraph")) {
      ++documents;
      add(vocab.end_of_text());
      for (size_t begin = 0; begin < document.size();) {
        const size_t end = SafeCutPoint(document, begin + kChunkBytes);
        const auto encode_start = std::chrono::steady_clock::now();
        ids.clear();
        encoder.Encode(document.substr(begin, end - begin), &ids);
        encode_seconds += SecondsSince(encode_start);
        for (const int id : ids) add(id);
        bytes_done += end - begin;
        begin = end;
        if (SecondsSince(start) - last_report >= 2.0) {
          last_report = SecondsSince(start);
          std::printf("  %s: %.1f MB encoded, %zu tokens, %.1f MB/s\n", input.c_str(),
                      bytes_done / 1e6, val.total() + train.total(),
                      bytes_done / 1e6 / encode_seconds);
          std::fflush(stdout);
        }
      }
    }
  }
  if (val.total() + train.total() == 0) throw Error("the inputs hold no text");
  if (train.total() == 0) {
    throw Error("only " + std::to_string(val.total()) + " tokens: nothing left for the train " +
                "split after --val-tokens " + std::to_string(o.val_tokens));
  }
  val.Finish();
  train.Finish();
  for (const std::string& file : val.files()) std::printf("wrote %s\n", file.c_str());
  for (const std::string& file : train.files()) std::printf("wrote %s\n", file.c_str());
  std::printf(
      "summary: %zu file%s, %zu document%s, %.2f MB -> %zu tokens (val %zu, train %zu), "
      "%.2f tokens/byte; encoding %.2f s, %.1f MB/s; total %.2f s\n",
      o.inputs.size(), o.inputs.size() == 1 ? "" : "s", documents, documents == 1 ? "" : "s",
      bytes_done / 1e6, val.total() + train.total(), val.total(), train.total(),
      bytes_done ? static_cast<double>(val.total() + train.total()) / bytes_done : 0.0,
      encode_seconds, encode_seconds > 0 ? bytes_done / 1e6 / encode_seconds : 0.0,
      SecondsSince(start));
  return 0;
}

}  // namespace
}  // namespace gpt2

int main(int argc, char** argv) { return gpt2::RunGuarded(gpt2::kProgram, gpt2::Run, argc, argv); }
