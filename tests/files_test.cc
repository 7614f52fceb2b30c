// Unit tests of the binary file formats (checkpoints, token shards, tokenizer files), atomic
// saving and model specs. Every test works in a fresh temporary directory, and every error test
// checks that the one-line message names the file or flag at fault, because that message is all
// a user sees.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "gpt2/checkpoint.h"
#include "gpt2/config.h"
#include "gpt2/dataloader.h"
#include "gpt2/file_io.h"
#include "gpt2/tensors.h"
#include "gpt2/tokenizer.h"
#include "kernels/error.h"
#include "tests/test_util.h"

namespace gpt2 {
namespace {

namespace fs = std::filesystem;
using test::ReadWholeFile;
using test::WriteWholeFile;

constexpr size_t kHeaderInts = 256;

// Passes when `action` throws gpt2::Error whose message contains every one of `words`; on
// failure says what was thrown instead, so a vague message is easy to spot.
::testing::AssertionResult ThrowsErrorMentioning(const std::function<void()>& action,
                                                 std::initializer_list<std::string> words) {
  try {
    action();
  } catch (const Error& e) {
    const std::string message = e.what();
    for (const std::string& word : words) {
      if (message.find(word) == std::string::npos) {
        return ::testing::AssertionFailure()
               << "the error message \"" << message << "\" does not contain \"" << word << "\"";
      }
    }
    if (message.find('\n') != std::string::npos) {
      return ::testing::AssertionFailure() << "the error message spans lines: " << message;
    }
    return ::testing::AssertionSuccess();
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "threw a non-gpt2::Error: " << e.what();
  }
  return ::testing::AssertionFailure() << "did not throw";
}

template <typename T>
void AppendBytes(std::string& bytes, const T* values, size_t count) {
  bytes.append(reinterpret_cast<const char*>(values), count * sizeof(T));
}

// A 256-int32 header with the given leading fields and zeros after them.
std::string Header(std::initializer_list<int32_t> fields) {
  std::vector<int32_t> header(kHeaderInts, 0);
  std::copy(fields.begin(), fields.end(), header.begin());
  std::string bytes;
  AppendBytes(bytes, header.data(), header.size());
  return bytes;
}

std::string CheckpointHeaderBytes(int magic, int version, const GPT2Config& c) {
  return Header({magic, version, c.max_seq_len, c.vocab_size, c.num_layers, c.num_heads, c.channels,
                 c.padded_vocab_size});
}

std::string ShardBytes(int magic, int version, int32_t count, const std::vector<uint16_t>& tokens) {
  std::string bytes = Header({magic, version, count});
  AppendBytes(bytes, tokens.data(), tokens.size());
  return bytes;
}

// Small enough to write by hand, yet with every dimension distinct so a swapped header field
// shows up.
GPT2Config TinyConfig() {
  GPT2Config config;
  config.num_layers = 2;
  config.channels = 8;
  config.num_heads = 2;
  config.vocab_size = 50;
  config.padded_vocab_size = 64;
  config.max_seq_len = 16;
  return config;
}

void ExpectSameConfig(const GPT2Config& actual, const GPT2Config& expected) {
  EXPECT_EQ(actual.num_layers, expected.num_layers);
  EXPECT_EQ(actual.channels, expected.channels);
  EXPECT_EQ(actual.num_heads, expected.num_heads);
  EXPECT_EQ(actual.vocab_size, expected.vocab_size);
  EXPECT_EQ(actual.padded_vocab_size, expected.padded_vocab_size);
  EXPECT_EQ(actual.max_seq_len, expected.max_seq_len);
}

std::vector<uint16_t> Iota(size_t count, uint16_t first) {
  std::vector<uint16_t> tokens(count);
  std::iota(tokens.begin(), tokens.end(), first);
  return tokens;
}

class FilesTest : public test::TempDirTest {
 protected:
  // Names of everything in the directory, to catch stray temporary files.
  std::vector<std::string> DirectoryEntries() const {
    std::vector<std::string> names;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
};

// ---------------------------------------------------------------------------------------------
// Checkpoints

TEST_F(FilesTest, CheckpointRoundTripsConfigAndEveryFloatBitExactly) {
  const GPT2Config config = TinyConfig();
  const size_t n = NumParameters(config);
  std::vector<float> params = test::RandomVector<float>(n, /*seed=*/17, -3.0, 3.0);
  // Values a lossy or reformatting writer would change: signed zero, a denormal, infinity.
  params[0] = -0.0f;
  params[1] = std::numeric_limits<float>::denorm_min();
  params[n - 1] = std::numeric_limits<float>::infinity();
  const std::string path = Path("model.bin");

  SaveCheckpoint(path, config, params.data());

  const CheckpointHeader header = ReadCheckpointHeader(path);
  EXPECT_EQ(header.version, kCheckpointVersionFp32);
  ExpectSameConfig(header.config, config);
  std::vector<float> loaded(n, 42.0f);
  LoadCheckpointParameters(path, header, loaded.data());
  EXPECT_EQ(std::memcmp(loaded.data(), params.data(), n * sizeof(float)), 0)
      << "the loaded parameters differ from the saved ones";
  EXPECT_EQ(fs::file_size(path), 1024 + n * sizeof(float));
}

TEST_F(FilesTest, Bf16CheckpointLoadsWidenedToFloat) {
  const GPT2Config config = TinyConfig();
  const size_t n = NumParameters(config);
  const std::vector<float> originals = test::RandomVector<float>(n, /*seed=*/5, -2.0, 2.0);
  // bf16 is an fp32's top 16 bits; widening puts them back with zero low bits.
  std::vector<uint16_t> halves(n);
  std::vector<float> expected(n);
  for (size_t i = 0; i < n; ++i) {
    uint32_t bits;
    std::memcpy(&bits, &originals[i], sizeof bits);
    halves[i] = static_cast<uint16_t>(bits >> 16);
    const uint32_t widened = bits & 0xFFFF0000u;
    std::memcpy(&expected[i], &widened, sizeof widened);
  }
  std::string bytes = CheckpointHeaderBytes(kCheckpointMagic, kCheckpointVersionBf16, config);
  AppendBytes(bytes, halves.data(), halves.size());
  const std::string path = Path("model_bf16.bin");
  WriteWholeFile(path, bytes);

  const CheckpointHeader header = ReadCheckpointHeader(path);
  EXPECT_EQ(header.version, kCheckpointVersionBf16);
  ExpectSameConfig(header.config, config);
  std::vector<float> loaded(n, 42.0f);
  LoadCheckpointParameters(path, header, loaded.data());
  EXPECT_EQ(std::memcmp(loaded.data(), expected.data(), n * sizeof(float)), 0)
      << "bf16 values were not widened to their fp32 top halves";
}

// Checkpoint error tests write a header plus a body sized for what the header describes, and
// then break one thing.
class CheckpointErrorTest : public FilesTest {
 protected:
  std::string WriteCheckpoint(const std::string& name, int magic, int version,
                              const GPT2Config& header_config, size_t body_bytes) {
    std::string bytes = CheckpointHeaderBytes(magic, version, header_config);
    bytes.append(body_bytes, '\0');
    const std::string path = Path(name);
    WriteWholeFile(path, bytes);
    return path;
  }
  size_t Fp32BodyBytes() const { return NumParameters(TinyConfig()) * sizeof(float); }
};

TEST_F(CheckpointErrorTest, MissingFileNamesThePath) {
  const std::string path = Path("no_such_model.bin");
  EXPECT_TRUE(ThrowsErrorMentioning([&] { ReadCheckpointHeader(path); }, {path, "cannot open"}));
}

TEST_F(CheckpointErrorTest, HeaderShorterThan1024BytesIsTruncated) {
  const std::string path = Path("short.bin");
  WriteWholeFile(path, CheckpointHeaderBytes(kCheckpointMagic, 3, TinyConfig()).substr(0, 1000));
  EXPECT_TRUE(ThrowsErrorMentioning([&] { ReadCheckpointHeader(path); }, {path, "truncated"}));
}

TEST_F(CheckpointErrorTest, BodyOneByteShortIsRejected) {
  const std::string path =
      WriteCheckpoint("cut.bin", kCheckpointMagic, 3, TinyConfig(), Fp32BodyBytes() - 1);
  EXPECT_TRUE(ThrowsErrorMentioning([&] { ReadCheckpointHeader(path); }, {path, "needs"}));
}

TEST_F(CheckpointErrorTest, WrongMagicIsRejected) {
  const std::string path =
      WriteCheckpoint("magic.bin", kShardMagic, 3, TinyConfig(), Fp32BodyBytes());
  EXPECT_TRUE(ThrowsErrorMentioning([&] { ReadCheckpointHeader(path); }, {path, "magic"}));
}

TEST_F(CheckpointErrorTest, UnsupportedVersionIsRejected) {
  const std::string path =
      WriteCheckpoint("v4.bin", kCheckpointMagic, 4, TinyConfig(), Fp32BodyBytes());
  EXPECT_TRUE(ThrowsErrorMentioning([&] { ReadCheckpointHeader(path); }, {path, "version 4"}));
}

TEST_F(CheckpointErrorTest, ExtraBytesAfterTheParametersAreRejected) {
  const std::string path =
      WriteCheckpoint("long.bin", kCheckpointMagic, 3, TinyConfig(), Fp32BodyBytes() + 4);
  EXPECT_TRUE(ThrowsErrorMentioning([&] { ReadCheckpointHeader(path); }, {path, "needs"}));
}

TEST_F(CheckpointErrorTest, HeaderSizesThatDisagreeWithTheFileAreRejected) {
  // The body fits two layers but the header claims three.
  GPT2Config claimed = TinyConfig();
  claimed.num_layers = 3;
  const std::string path =
      WriteCheckpoint("three_layers.bin", kCheckpointMagic, 3, claimed, Fp32BodyBytes());
  EXPECT_TRUE(ThrowsErrorMentioning([&] { ReadCheckpointHeader(path); }, {path, "L=3"}));
}

TEST_F(CheckpointErrorTest, Bf16HeaderOnFp32SizedBodyIsRejected) {
  // Version 5 halves the body size, so an fp32-sized body no longer matches.
  const std::string path = WriteCheckpoint("v5_fp32_body.bin", kCheckpointMagic,
                                           kCheckpointVersionBf16, TinyConfig(), Fp32BodyBytes());
  EXPECT_TRUE(ThrowsErrorMentioning([&] { ReadCheckpointHeader(path); }, {path, "version 5"}));
}

// Found by tests/fuzz/fuzz_checkpoint: C = 1677721604 made the size check itself overflow.
TEST_F(CheckpointErrorTest, HugeSizesInHeaderAreRejectedWithoutOverflow) {
  for (const int huge : {1677721604, 23171, INT32_MAX}) {
    GPT2Config config = TinyConfig();
    config.channels = huge;
    config.num_heads = 1;
    const std::string path = WriteCheckpoint("huge.bin", kCheckpointMagic, 3, config, 0);
    EXPECT_TRUE(ThrowsErrorMentioning([&] { ReadCheckpointHeader(path); }, {path, "too large"}))
        << "C=" << huge;
  }
  GPT2Config layers = TinyConfig();
  layers.num_layers = INT32_MAX;
  const std::string path = WriteCheckpoint("layers.bin", kCheckpointMagic, 3, layers, 0);
  EXPECT_TRUE(ThrowsErrorMentioning([&] { ReadCheckpointHeader(path); }, {path, "too large"}));
}

TEST_F(CheckpointErrorTest, ZeroSizeInHeaderIsRejected) {
  GPT2Config zero_layers = TinyConfig();
  zero_layers.num_layers = 0;
  const std::string path = WriteCheckpoint("zero.bin", kCheckpointMagic, 3, zero_layers, 0);
  EXPECT_TRUE(ThrowsErrorMentioning([&] { ReadCheckpointHeader(path); }, {path, "positive"}));
}

TEST_F(CheckpointErrorTest, NegativeSizeInHeaderIsRejected) {
  GPT2Config negative = TinyConfig();
  negative.channels = -8;
  const std::string path =
      WriteCheckpoint("negative.bin", kCheckpointMagic, 3, negative, Fp32BodyBytes());
  EXPECT_TRUE(ThrowsErrorMentioning([&] { ReadCheckpointHeader(path); }, {path, "positive"}));
}

TEST_F(CheckpointErrorTest, ChannelsNotAMultipleOfHeadsIsRejected) {
  GPT2Config odd = TinyConfig();
  odd.channels = 9;  // NH = 2
  const std::string path =
      WriteCheckpoint("odd.bin", kCheckpointMagic, 3, odd, NumParameters(odd) * sizeof(float));
  EXPECT_TRUE(ThrowsErrorMentioning([&] { ReadCheckpointHeader(path); }, {path, "multiple"}));
}

// ---------------------------------------------------------------------------------------------
// Atomic saving

TEST_F(FilesTest, SaveAtomicallyIntoMissingDirectoryNamesThePath) {
  const std::string path = Path("no_such_dir/out.bin");
  EXPECT_TRUE(ThrowsErrorMentioning(
      [&] { SaveAtomically(path, [](std::FILE* file) { std::fputs("x", file); }); },
      {path, "cannot save"}));
}

TEST_F(FilesTest, SaveCheckpointIntoMissingDirectoryNamesThePath) {
  const GPT2Config config = TinyConfig();
  const std::vector<float> params(NumParameters(config), 1.0f);
  const std::string path = Path("no_such_dir/model.bin");
  EXPECT_TRUE(ThrowsErrorMentioning([&] { SaveCheckpoint(path, config, params.data()); },
                                    {path, "cannot save"}));
}

TEST_F(FilesTest, SavingOverAnExistingFileReplacesItAndLeavesNoTempFiles) {
  const std::string path = Path("out.txt");
  WriteWholeFile(path, "old contents that are longer than the new ones");

  SaveAtomically(path, [](std::FILE* file) { std::fputs("new", file); });

  EXPECT_EQ(ReadWholeFile(path), "new");
  EXPECT_EQ(DirectoryEntries(), std::vector<std::string>{"out.txt"});
}

TEST_F(FilesTest, SavedFileGetsTheUsualPermissionsNotMkstempsPrivateOnes) {
  const std::string path = Path("shared.txt");
  SaveAtomically(path, [](std::FILE* file) { std::fputs("data", file); });
  const mode_t mask = umask(0);
  umask(mask);
  struct stat info;
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0666 & ~mask);
}

TEST_F(FilesTest, ThrowingWriterLeavesTheOldFileIntactAndNoTempFile) {
  const std::string path = Path("keep.txt");
  WriteWholeFile(path, "precious");

  EXPECT_THROW(SaveAtomically(path,
                              [](std::FILE* file) {
                                std::fputs("half-writ", file);
                                throw std::runtime_error("disk on fire");
                              }),
               std::runtime_error);

  EXPECT_EQ(ReadWholeFile(path), "precious");
  EXPECT_EQ(DirectoryEntries(), std::vector<std::string>{"keep.txt"});
}

// ---------------------------------------------------------------------------------------------
// Token shards and the data loader

TEST_F(FilesTest, DataLoaderServesShiftedBatchesAdvancingByBT) {
  constexpr int B = 2, T = 4, n = B * T;
  const std::vector<uint16_t> tokens = Iota(3 * n + 4, 10);  // 3 full batches, then spare tokens
  const std::string path = Path("train.bin");
  SaveShard(path, tokens);
  DataLoader loader(path, "--train", B, T, /*vocab_size=*/100);

  for (int batch = 0; batch < 3; ++batch) {
    loader.NextBatch();
    for (int i = 0; i < n; ++i) {
      ASSERT_EQ(loader.inputs()[i], tokens[batch * n + i]) << "batch " << batch << " i " << i;
      ASSERT_EQ(loader.targets()[i], tokens[batch * n + i + 1]) << "batch " << batch << " i " << i;
    }
  }
}

TEST_F(FilesTest, DataLoaderWrapsToTheStartAfterTheLastFullBatch) {
  constexpr int B = 2, T = 4, n = B * T;
  // Batch 3 would start at 24 and need tokens up to index 32; only 28 exist, so it wraps.
  const std::vector<uint16_t> tokens = Iota(3 * n + 4, 10);
  const std::string path = Path("train.bin");
  SaveShard(path, tokens);
  DataLoader loader(path, "--train", B, T, /*vocab_size=*/100);

  for (int batch = 0; batch < 3; ++batch) loader.NextBatch();
  loader.NextBatch();
  for (int i = 0; i < n; ++i) {
    ASSERT_EQ(loader.inputs()[i], tokens[i]) << i;
    ASSERT_EQ(loader.targets()[i], tokens[i + 1]) << i;
  }
}

TEST_F(FilesTest, DataLoaderUsesTheLastTokenAsATargetWhenItExactlyFits) {
  constexpr int B = 1, T = 4, n = B * T;
  const std::vector<uint16_t> tokens = Iota(2 * n + 1, 0);  // exactly two batches
  const std::string path = Path("train.bin");
  SaveShard(path, tokens);
  DataLoader loader(path, "--train", B, T, /*vocab_size=*/100);
  loader.NextBatch();
  loader.NextBatch();
  EXPECT_EQ(loader.inputs()[0], n);
  EXPECT_EQ(loader.targets()[n - 1], 2 * n);
}

TEST_F(FilesTest, DataLoaderGlobServesShardsInOrderThenWraps) {
  constexpr int B = 2, T = 4, n = B * T;
  const std::vector<uint16_t> first = Iota(2 * n + 4, 0);     // 2 batches
  const std::vector<uint16_t> second = Iota(2 * n + 1, 100);  // 2 batches, exactly
  // Saved out of order: the loader must sort, not follow creation order.
  SaveShard(Path("shard_001.bin"), second);
  SaveShard(Path("shard_000.bin"), first);
  SaveShard(Path("other.bin"), Iota(2 * n + 1, 500));  // not matched by the glob
  DataLoader loader(Path("shard_*.bin"), "--train", B, T, /*vocab_size=*/1000);

  struct Expected {
    const std::vector<uint16_t>* shard;
    int offset;
  };
  const Expected sequence[] = {{&first, 0}, {&first, n}, {&second, 0}, {&second, n}, {&first, 0}};
  int batch = 0;
  for (const Expected& expected : sequence) {
    loader.NextBatch();
    for (int i = 0; i < n; ++i) {
      ASSERT_EQ(loader.inputs()[i], (*expected.shard)[expected.offset + i])
          << "batch " << batch << " i " << i;
      ASSERT_EQ(loader.targets()[i], (*expected.shard)[expected.offset + i + 1])
          << "batch " << batch << " i " << i;
    }
    ++batch;
  }
}

TEST_F(FilesTest, DataLoaderNoMatchingFileNamesPatternAndFlag) {
  const std::string pattern = Path("missing_*.bin");
  EXPECT_TRUE(
      ThrowsErrorMentioning([&] { DataLoader(pattern, "--val", 1, 4, 100); }, {pattern, "--val"}));
}

TEST_F(FilesTest, ShardWithWrongMagicIsRejected) {
  const std::string path = Path("magic.bin");
  WriteWholeFile(path, ShardBytes(kCheckpointMagic, kShardVersion, 9, Iota(9, 0)));
  EXPECT_TRUE(
      ThrowsErrorMentioning([&] { DataLoader(path, "--train", 1, 4, 100); }, {path, "magic"}));
}

TEST_F(FilesTest, ShardWithWrongVersionIsRejected) {
  const std::string path = Path("version.bin");
  WriteWholeFile(path, ShardBytes(kShardMagic, 2, 9, Iota(9, 0)));
  EXPECT_TRUE(
      ThrowsErrorMentioning([&] { DataLoader(path, "--train", 1, 4, 100); }, {path, "version 2"}));
}

TEST_F(FilesTest, ShardLengthDisagreeingWithHeaderCountIsRejected) {
  const std::string path = Path("length.bin");
  WriteWholeFile(path, ShardBytes(kShardMagic, kShardVersion, 10, Iota(9, 0)));
  EXPECT_TRUE(
      ThrowsErrorMentioning([&] { DataLoader(path, "--train", 1, 4, 100); }, {path, "10 tokens"}));
}

TEST_F(FilesTest, ShardShorterThanHeaderIsRejected) {
  const std::string path = Path("stub.bin");
  WriteWholeFile(path, ShardBytes(kShardMagic, kShardVersion, 0, {}).substr(0, 12));
  EXPECT_TRUE(
      ThrowsErrorMentioning([&] { DataLoader(path, "--train", 1, 4, 100); }, {path, "truncated"}));
}

TEST_F(FilesTest, ShardWithFewerThanBTPlusOneTokensNamesTheFile) {
  const std::string path = Path("small.bin");
  SaveShard(path, Iota(8, 0));  // B*T+1 = 9
  EXPECT_TRUE(ThrowsErrorMentioning([&] { DataLoader(path, "--train", 2, 4, 100); },
                                    {path, "B*T+1", "--train"}));
}

TEST_F(FilesTest, ShardWithTokenOutsideVocabularyNamesFileAndIndex) {
  std::vector<uint16_t> tokens = Iota(9, 0);
  tokens[6] = 100;  // vocabulary is 100: ids 0..99
  const std::string path = Path("bad_token.bin");
  SaveShard(path, tokens);
  EXPECT_TRUE(ThrowsErrorMentioning([&] { DataLoader(path, "--train", 2, 4, 100); },
                                    {path, "token 6", "100"}));

  tokens[6] = 99;  // the largest valid id is accepted
  SaveShard(path, tokens);
  DataLoader loader(path, "--train", 2, 4, 100);
  loader.NextBatch();
  EXPECT_EQ(loader.inputs()[6], 99);
}

// ---------------------------------------------------------------------------------------------
// Tokenizer files

class TokenizerTest : public FilesTest {
 protected:
  // A tokenizer file: header (magic, version, vocab size, end-of-text id), then per token a
  // length byte and its bytes.
  std::string WriteTokenizer(const std::string& name, uint32_t magic, uint32_t version,
                             uint32_t vocab_size, uint32_t eot,
                             const std::vector<std::string>& pieces) {
    std::vector<uint32_t> header(kHeaderInts, 0);
    header[0] = magic;
    header[1] = version;
    header[2] = vocab_size;
    header[3] = eot;
    std::string bytes;
    AppendBytes(bytes, header.data(), header.size());
    for (const std::string& piece : pieces) {
      bytes.push_back(static_cast<char>(static_cast<uint8_t>(piece.size())));
      bytes += piece;
    }
    const std::string path = Path(name);
    WriteWholeFile(path, bytes);
    return path;
  }

  const std::vector<std::string> pieces_ = {"Hello", ",", " world", std::string("\xC3\xA9", 2),
                                            "<|endoftext|>"};
};

TEST_F(TokenizerTest, Version2DecodesEveryTokenAndReadsEndOfText) {
  const std::string path = WriteTokenizer("tok.bin", kTokenizerMagic, 2, 5, 4, pieces_);
  const TokenDecoder decoder(path);
  EXPECT_EQ(decoder.vocab_size(), 5);
  EXPECT_EQ(decoder.end_of_text(), 4);
  for (int id = 0; id < 5; ++id) EXPECT_EQ(decoder.Decode(id), pieces_[id]) << id;
}

TEST_F(TokenizerTest, Version1ImpliesGpt2EndOfText) {
  const std::string path = WriteTokenizer("tok_v1.bin", kTokenizerMagic, 1, 5, 4, pieces_);
  const TokenDecoder decoder(path);
  EXPECT_EQ(decoder.end_of_text(), 50256);
  EXPECT_EQ(decoder.Decode(2), " world");
}

// An end-of-text id at or past the vocabulary (0xFFFFFFFF once became −1 and reached the model).
TEST_F(TokenizerTest, EndOfTextOutsideTheVocabularyNamesTheFile) {
  for (uint32_t eot : {5u, 0xFFFFFFFFu}) {
    const std::string path = WriteTokenizer("tok_eot.bin", kTokenizerMagic, 2, 5, eot, pieces_);
    EXPECT_TRUE(ThrowsErrorMentioning([&] { TokenDecoder decoder(path); }, {path, "end-of-text"}))
        << eot;
  }
}

TEST_F(TokenizerTest, OutOfRangeIdsDecodeToAPlaceholder) {
  const std::string path = WriteTokenizer("tok.bin", kTokenizerMagic, 2, 5, 4, pieces_);
  const TokenDecoder decoder(path);
  EXPECT_EQ(decoder.Decode(5), "<|unknown:5|>");
  EXPECT_EQ(decoder.Decode(-1), "<|unknown:-1|>");
  EXPECT_EQ(decoder.Decode(50256), "<|unknown:50256|>");
}

TEST_F(TokenizerTest, WrongMagicNamesTheFile) {
  const std::string path = WriteTokenizer("magic.bin", kCheckpointMagic, 2, 5, 4, pieces_);
  EXPECT_TRUE(ThrowsErrorMentioning([&] { TokenDecoder decoder(path); }, {path, "magic"}));
}

TEST_F(TokenizerTest, UnsupportedVersionNamesTheFile) {
  const std::string path = WriteTokenizer("v3.bin", kTokenizerMagic, 3, 5, 4, pieces_);
  EXPECT_TRUE(ThrowsErrorMentioning([&] { TokenDecoder decoder(path); }, {path, "version 3"}));
}

TEST_F(TokenizerTest, TruncatedTableNamesTheFile) {
  // The header promises six tokens; the file holds five.
  const std::string path = WriteTokenizer("short.bin", kTokenizerMagic, 2, 6, 4, pieces_);
  EXPECT_TRUE(ThrowsErrorMentioning([&] { TokenDecoder decoder(path); }, {path, "truncated"}));
}

TEST_F(TokenizerTest, TruncatedHeaderNamesTheFile) {
  const std::string path = Path("stub.bin");
  WriteWholeFile(path, std::string(100, '\0'));
  EXPECT_TRUE(ThrowsErrorMentioning([&] { TokenDecoder decoder(path); }, {path, "truncated"}));
}

TEST_F(TokenizerTest, ZeroLengthTokenNamesTheFileAndToken) {
  std::vector<std::string> pieces = pieces_;
  pieces[3] = "";
  const std::string path = WriteTokenizer("empty.bin", kTokenizerMagic, 2, 5, 4, pieces);
  EXPECT_TRUE(ThrowsErrorMentioning([&] { TokenDecoder decoder(path); }, {path, "token 3"}));
}

// ---------------------------------------------------------------------------------------------
// Model specs

struct Gpt2Size {
  const char* spec;
  int layers, heads, channels;
};

class Gpt2SizeTest : public ::testing::TestWithParam<Gpt2Size> {};

TEST_P(Gpt2SizeTest, ParsesToThePublishedSizes) {
  const Gpt2Size& size = GetParam();
  const GPT2Config config = ParseModelSpec(size.spec, "--model");
  EXPECT_EQ(config.num_layers, size.layers);
  EXPECT_EQ(config.num_heads, size.heads);
  EXPECT_EQ(config.channels, size.channels);
  EXPECT_EQ(config.vocab_size, 50257);
  EXPECT_EQ(config.padded_vocab_size, 50304);
  EXPECT_EQ(config.max_seq_len, 1024);
}

INSTANTIATE_TEST_SUITE_P(
    Gpt2, Gpt2SizeTest,
    ::testing::Values(Gpt2Size{"d12", 12, 12, 768}, Gpt2Size{"d24", 24, 16, 1024},
                      Gpt2Size{"d36", 36, 20, 1280}, Gpt2Size{"d48", 48, 25, 1600}),
    [](const ::testing::TestParamInfo<Gpt2Size>& info) { return std::string(info.param.spec); });

TEST(ModelSpecTest, CustomSpecRoundsVpUpToAMultipleOf128) {
  const GPT2Config config = ParseModelSpec("L=2,C=64,NH=4,V=1000,maxT=32", "--model");
  EXPECT_EQ(config.num_layers, 2);
  EXPECT_EQ(config.channels, 64);
  EXPECT_EQ(config.num_heads, 4);
  EXPECT_EQ(config.vocab_size, 1000);
  EXPECT_EQ(config.padded_vocab_size, 1024);
  EXPECT_EQ(config.max_seq_len, 32);

  EXPECT_EQ(ParseModelSpec("L=1,C=8,NH=2,V=128,maxT=4", "--model").padded_vocab_size, 128);
  EXPECT_EQ(ParseModelSpec("L=1,C=8,NH=2,V=129,maxT=4", "--model").padded_vocab_size, 256);
  EXPECT_EQ(ParseModelSpec("L=1,C=8,NH=2,V=50,Vp=64,maxT=4", "--model").padded_vocab_size, 64);
}

class BadModelSpecTest : public ::testing::TestWithParam<const char*> {};

TEST_P(BadModelSpecTest, ThrowsNamingTheFlag) {
  const std::string spec = GetParam();
  EXPECT_TRUE(ThrowsErrorMentioning([&] { ParseModelSpec(spec, "--model"); }, {"--model"}));
}

INSTANTIATE_TEST_SUITE_P(Specs, BadModelSpecTest,
                         ::testing::Values("d13", "L=2,C=63,NH=4,V=10,maxT=8", "L=x", "L=2,C=64",
                                           "L=2,C=64,NH=4,V=10,maxT=8,Vp=8", "",
                                           "L=2,C=64,NH=4,V=10,maxT=8,Q=1",
                                           "L=-2,C=64,NH=4,V=10,maxT=8"));

TEST(ModelSpecTest, BadSpecMessageQuotesTheValue) {
  EXPECT_TRUE(ThrowsErrorMentioning([] { ParseModelSpec("d13", "--model"); }, {"'d13'"}));
  EXPECT_TRUE(ThrowsErrorMentioning([] { ParseModelSpec("L=2,C=63,NH=4,V=10,maxT=8", "--model"); },
                                    {"multiple"}));
}

}  // namespace
}  // namespace gpt2
