// Runs the real gpt2_train binary as a user would. Bad input must end the process with exit code
// 1 and exactly one stderr line, "gpt2_train: error: ...", naming the file or flag at fault, and
// never with a crash or a silent run. A 10-step training run is checked against PyTorch.
//
// Needs the compile definitions GPT2_TRAIN_PATH (the binary) and GPT2_SOURCE_DIR (the repository
// root, for tests/fixtures/).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "gpt2/checkpoint.h"
#include "gpt2/dataloader.h"
#include "kernels/registry.h"
#include "tests/cli_util.h"
#include "tests/tensor_archive.h"
#include "tests/test_util.h"

namespace gpt2 {
namespace {

namespace fs = std::filesystem;
using test::ReadWholeFile;
using test::WriteWholeFile;

using test::CliTest;
using test::CommandResult;
using test::Concat;
using test::FailsWithOneLineError;
using test::kCheckpointRun;
using test::kFixtures;
using test::kTinyModel;
using test::kTinyRun;
using test::ParsePrintedLosses;
using test::ParseStepLosses;
using test::PutInt32;
using test::Succeeded;

const std::string kTinyTokens = kFixtures + "tiny_tokens.bin";
const std::string kTinyReference = kFixtures + "tiny_reference.bin";
constexpr size_t kHeaderBytes = 1024;

// ---------------------------------------------------------------------------------------------
// Bad files

TEST_F(CliTest, MissingCheckpointIsAnError) {
  const std::string path = Path("no_such_model.bin");
  EXPECT_TRUE(FailsWithOneLineError(Train(Concat({"--checkpoint", path}, kCheckpointRun)),
                                    {"no_such_model.bin"}));
}

TEST_F(CliTest, CheckpointShorterThanItsHeaderIsAnError) {
  const std::string path = CutCheckpoint("stub_model.bin", 500);
  EXPECT_TRUE(FailsWithOneLineError(Train(Concat({"--checkpoint", path}, kCheckpointRun)),
                                    {"stub_model.bin", "truncated"}));
}

TEST_F(CliTest, TruncatedCheckpointIsAnError) {
  const std::string path = CutCheckpoint("cut_model.bin", 100000);
  EXPECT_TRUE(FailsWithOneLineError(Train(Concat({"--checkpoint", path}, kCheckpointRun)),
                                    {"cut_model.bin", "100000 bytes"}));
}

TEST_F(CliTest, CheckpointWithWrongMagicIsAnError) {
  const std::string path = ModifiedCheckpoint("magic_model.bin", 0, kShardMagic);
  EXPECT_TRUE(FailsWithOneLineError(Train(Concat({"--checkpoint", path}, kCheckpointRun)),
                                    {"magic_model.bin", "magic"}));
}

TEST_F(CliTest, CheckpointWithUnsupportedVersionIsAnError) {
  const std::string path = ModifiedCheckpoint("v4_model.bin", 1, 4);
  EXPECT_TRUE(FailsWithOneLineError(Train(Concat({"--checkpoint", path}, kCheckpointRun)),
                                    {"v4_model.bin", "version 4"}));
}

TEST_F(CliTest, CheckpointHeaderDisagreeingWithFileLengthIsAnError) {
  const std::string path = ModifiedCheckpoint("three_layer_model.bin", 4, 3);  // L: 2 -> 3
  EXPECT_TRUE(FailsWithOneLineError(Train(Concat({"--checkpoint", path}, kCheckpointRun)),
                                    {"three_layer_model.bin", "L=3"}));
}

TEST_F(CliTest, CheckpointWithExtraBytesIsAnError) {
  const std::string path = Path("long_model.bin");
  WriteWholeFile(path, ReadWholeFile(kTinyModel) + "junk");
  EXPECT_TRUE(FailsWithOneLineError(Train(Concat({"--checkpoint", path}, kCheckpointRun)),
                                    {"long_model.bin"}));
}

TEST_F(CliTest, CheckpointCombinedWithModelIsAnError) {
  EXPECT_TRUE(FailsWithOneLineError(
      Train(Concat({"--checkpoint", kTinyModel, "--model", "d12"}, kCheckpointRun)),
      {"--checkpoint", "--model"}));
}

TEST_F(CliTest, ShardWithWrongMagicIsAnError) {
  std::string bytes = ReadWholeFile(kTinyTokens);
  PutInt32(bytes, 0, kCheckpointMagic);
  const std::string path = Path("magic_tokens.bin");
  WriteWholeFile(path, bytes);
  EXPECT_TRUE(FailsWithOneLineError(Train(Concat(kTinyRun, {"--train", path})),
                                    {"magic_tokens.bin", "magic"}));
}

TEST_F(CliTest, ShardWithFewerThanBTPlusOneTokensIsAnError) {
  // tiny_tokens.bin holds 33 tokens: enough for B=2,T=16 but not for B=4,T=16.
  EXPECT_TRUE(FailsWithOneLineError(Train(Concat(kTinyRun, {"--train", kTinyTokens, "-B", "4"})),
                                    {"tiny_tokens.bin", "33 tokens", "65", "--train"}));
}

TEST_F(CliTest, MissingTrainGlobIsAnError) {
  EXPECT_TRUE(FailsWithOneLineError(Train(Concat(kTinyRun, {"--train", Path("none_*.bin")})),
                                    {"none_*.bin", "--train"}));
}

TEST_F(CliTest, ShardTokenOutsideVocabularyIsAnErrorAndTheLargestIdIsNot) {
  std::vector<uint16_t> tokens(33, 5);
  tokens[7] = 999;  // V=1000: the largest valid id
  const std::string good = Path("good_tokens.bin");
  SaveShard(good, tokens);
  EXPECT_TRUE(Succeeded(Train(Concat(kTinyRun, {"--train", good}))));

  tokens[7] = 1000;
  const std::string bad = Path("bad_tokens.bin");
  SaveShard(bad, tokens);
  EXPECT_TRUE(FailsWithOneLineError(Train(Concat(kTinyRun, {"--train", bad})),
                                    {"bad_tokens.bin", "token 7", "1000"}));
}

TEST_F(CliTest, TokenizerWithWrongMagicIsAnError) {
  std::string bytes(2048, '\0');
  PutInt32(bytes, 0, 12345);
  const std::string path = Path("bad_tokenizer.bin");
  WriteWholeFile(path, bytes);
  EXPECT_TRUE(FailsWithOneLineError(Train(Concat(kTinyRun, {"--tokenizer", path})),
                                    {"bad_tokenizer.bin", "magic"}));
}

TEST_F(CliTest, SaveIntoMissingDirectoryFailsBeforeTraining) {
  const std::string path = Path("no_such_dir/x.bin");
  EXPECT_TRUE(FailsWithOneLineError(Train(Concat(kTinyRun, {"--save", path})), {path, "--save"}));
}

// A directory where a file name belongs would only fail at the final save, after training.
TEST_F(CliTest, SaveOntoADirectoryFailsBeforeTraining) {
  const std::string dir = Path("");
  EXPECT_TRUE(
      FailsWithOneLineError(Train(Concat(kTinyRun, {"--save", dir})), {"--save", "directory"}));
  EXPECT_TRUE(FailsWithOneLineError(Train(Concat(kTinyRun, {"--json", dir + "."})),
                                    {"--json", "directory"}));
}

TEST_F(CliTest, JsonIntoMissingDirectoryFailsBeforeTraining) {
  const std::string path = Path("no_such_dir/x.json");
  EXPECT_TRUE(FailsWithOneLineError(Train(Concat(kTinyRun, {"--json", path})), {path, "--json"}));
}

TEST_F(CliTest, ValidationCadenceWithoutValidationDataIsAnError) {
  EXPECT_TRUE(FailsWithOneLineError(Train({"--checkpoint", kTinyModel, "--train", kTinyTokens, "-B",
                                           "2", "-T", "16", "--val-every", "1"}),
                                    {"--val-every", "--val"}));
}

// Sampling feeds the tokenizer's end-of-text id to the model: a version-1 file implies 50256,
// outside this model's 1000-token vocabulary, which once read past the embedding table.
TEST_F(CliTest, TokenizerOutsideTheModelsVocabularyIsAnError) {
  std::string bytes(kHeaderBytes, '\0');
  PutInt32(bytes, 0, 20240328);
  PutInt32(bytes, 1, 1);     // version 1: end-of-text is implied to be 50256
  PutInt32(bytes, 2, 1000);  // vocabulary size
  for (int id = 0; id < 1000; ++id) bytes += std::string("\x01", 1) + "x";
  const std::string path = Path("tokenizer_v1.bin");
  WriteWholeFile(path, bytes);
  EXPECT_TRUE(FailsWithOneLineError(
      Train(Concat(kTinyRun, {"--tokenizer", path, "--sample-every", "1", "--gen-tokens", "4"})),
      {"tokenizer_v1.bin", "vocabulary", "--tokenizer"}));
}

// ---------------------------------------------------------------------------------------------
// Bad flags, appended to an otherwise good tiny run (a later flag overrides an earlier one).

struct BadFlagCase {
  const char* name;
  std::vector<std::string> args;
  std::vector<std::string> words;  // the error line must contain each
};

class BadFlagTest : public CliTest, public ::testing::WithParamInterface<BadFlagCase> {};

TEST_P(BadFlagTest, IsAOneLineErrorNamingTheFlag) {
  EXPECT_TRUE(FailsWithOneLineError(Train(Concat(kTinyRun, GetParam().args)), GetParam().words));
}

INSTANTIATE_TEST_SUITE_P(
    Cli, BadFlagTest,
    ::testing::Values(
        BadFlagCase{"TLongerThanMaxT", {"-T", "64"}, {"-T", "'64'", "maxT"}},
        BadFlagCase{"ZeroB", {"-B", "0"}, {"-B", "'0'"}},
        BadFlagCase{"NegativeT", {"-T", "-1"}, {"-T", "'-1'"}},
        BadFlagCase{"UnknownFamily", {"--kernels", "nosuch"}, {"--kernels", "nosuch", "naive"}},
        BadFlagCase{"UnknownKernel",
                    {"--kernel", "nosuch=naive"},
                    {"--kernel", "nosuch", "matmul_forward"}},
        BadFlagCase{"UnknownKernelFamily",
                    {"--kernel", "matmul_forward=nosuch"},
                    {"--kernel", "nosuch", "naive"}},
        BadFlagCase{"KernelWithoutFamily",
                    {"--kernel", "matmul_forward"},
                    {"--kernel", "matmul_forward", "NAME=FAMILY"}},
        BadFlagCase{"NonNumericB", {"-B", "abc"}, {"-B", "'abc'"}},
        BadFlagCase{"NonNumericLr", {"--lr", "fast"}, {"--lr", "'fast'"}},
        BadFlagCase{"NanLr", {"--lr", "nan"}, {"--lr", "'nan'"}},
        BadFlagCase{"FractionalSteps", {"--steps", "1.5"}, {"--steps", "'1.5'"}},
        BadFlagCase{"ActivationsBeyondIntElements",
                    {"--model", "L=1,C=4096,NH=32,V=10,maxT=1024", "-B", "128", "-T", "1024"},
                    {"B*T*4C", "-B"}},
        BadFlagCase{"UnknownHighwayTarget", {"--hwy-target", "AVX9"}, {"--hwy-target", "'AVX9'"}},
        BadFlagCase{"NegativeLr", {"--lr", "-0.1"}, {"--lr", "at least 0"}},
        BadFlagCase{"Beta1OfOne", {"--beta1", "1"}, {"--beta1", "[0, 1)"}},
        BadFlagCase{"NegativeBeta2", {"--beta2", "-0.5"}, {"--beta2", "[0, 1)"}},
        BadFlagCase{"ZeroEps", {"--eps", "0"}, {"--eps", "above 0"}},
        BadFlagCase{"NegativeWeightDecay", {"--weight-decay", "-1"}, {"--weight-decay"}},
        BadFlagCase{"ZeroThreads", {"--threads", "0"}, {"--threads"}},
        BadFlagCase{"UnknownFlag", {"--bogus"}, {"--bogus"}},
        BadFlagCase{"MissingValue", {"--steps"}, {"--steps", "missing"}},
        BadFlagCase{"SwitchWithValue", {"--list-kernels=yes"}, {"--list-kernels"}},
        BadFlagCase{"UnknownModel", {"--model", "d13"}, {"--model", "'d13'"}},
        BadFlagCase{"ModelChannelsNotMultipleOfHeads",
                    {"--model", "L=2,C=63,NH=4,V=1000,maxT=32"},
                    {"--model", "multiple"}},
        BadFlagCase{"GenTokensNotBelowT",
                    {"--sample-every", "1", "--gen-tokens", "16"},
                    {"--gen-tokens", "T=16"}}),
    [](const ::testing::TestParamInfo<BadFlagCase>& info) { return std::string(info.param.name); });

// ---------------------------------------------------------------------------------------------
// Good runs

TEST_F(CliTest, HelpPrintsUsageAndExitsZero) {
  const CommandResult result = Train({"--help"});
  ASSERT_TRUE(Succeeded(result));
  EXPECT_EQ(result.err, "");
  EXPECT_EQ(result.out.rfind("usage: gpt2_train", 0), 0u) << result.out;
  for (const char* flag : {"--kernels", "--kernel ", "--threads", "--checkpoint", "--train",
                           "--save", "--json", "--list-kernels"}) {
    EXPECT_NE(result.out.find(flag), std::string::npos) << "help does not mention " << flag;
  }
}

TEST_F(CliTest, ListKernelsNamesEveryKernelAndTheNaiveFamily) {
  const CommandResult result = Train({"--list-kernels"});
  ASSERT_TRUE(Succeeded(result));
  EXPECT_EQ(result.err, "");
  EXPECT_NE(result.out.find("\n  naive "), std::string::npos) << result.out;
  const char* const kernels[] = {"encoder_forward",
                                 "encoder_backward",
                                 "layernorm_forward",
                                 "layernorm_backward",
                                 "matmul_forward",
                                 "matmul_backward",
                                 "attention_forward",
                                 "attention_backward",
                                 "gelu_forward",
                                 "gelu_backward",
                                 "residual_forward",
                                 "residual_backward",
                                 "softmax_forward",
                                 "crossentropy_forward",
                                 "crossentropy_softmax_backward",
                                 "adamw_update",
                                 "residual_layernorm_forward",
                                 "softmax_crossentropy_fused",
                                 "matmul_gelu_forward"};
  // llm.c's train_gpt2.c has 16 kernels; ours adds three fusions: residual + layernorm, the
  // matmul with GELU in its epilogue, and softmax + cross-entropy + its backward.
  static_assert(std::size(kernels) == 19);
  for (const char* kernel : kernels) {
    // Each kernel's line lists naive, which implements every kernel.
    const std::regex line("\n  " + std::string(kernel) + " +naive[ \n]");
    EXPECT_TRUE(std::regex_search(result.out, line)) << kernel << " missing in:\n" << result.out;
  }
}

TEST_F(CliTest, NormalRunPrintsKernelTableAndOneLinePerStep) {
  const CommandResult result = Train(Concat(kTinyRun, {"--steps", "2"}));
  ASSERT_TRUE(Succeeded(result));
  EXPECT_EQ(result.err, "");
  EXPECT_NE(result.out.find("kernel table:\n"), std::string::npos) << result.out;
  EXPECT_TRUE(std::regex_search(result.out, std::regex("\n  matmul_forward +naive\n")))
      << result.out;
  EXPECT_NE(result.out.find("step     1/2 | train loss"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("step     2/2 | train loss"), std::string::npos) << result.out;
  const std::vector<double> losses = ParsePrintedLosses(result.out);
  ASSERT_EQ(losses.size(), 2u) << result.out;
  // A fresh GPT-2 initialisation predicts nearly uniformly: loss ≈ ln V = 6.91.
  EXPECT_NEAR(losses[0], std::log(1000.0), 0.5);
}

TEST_F(CliTest, SaveWritesACheckpointWithTheRunsConfig) {
  const std::string path = Path("saved.bin");
  const CommandResult result = Train(Concat(kTinyRun, {"--save", path}));
  ASSERT_TRUE(Succeeded(result));
  EXPECT_NE(result.out.find("saved checkpoint " + path), std::string::npos) << result.out;

  const CheckpointHeader header = ReadCheckpointHeader(path);  // also checks the length
  EXPECT_EQ(header.version, kCheckpointVersionFp32);
  EXPECT_EQ(header.config.num_layers, 2);
  EXPECT_EQ(header.config.channels, 64);
  EXPECT_EQ(header.config.num_heads, 4);
  EXPECT_EQ(header.config.vocab_size, 1000);
  EXPECT_EQ(header.config.padded_vocab_size, 1024);
  EXPECT_EQ(header.config.max_seq_len, 32);
  for (const fs::directory_entry& entry : fs::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos)
        << "temporary file left behind: " << entry.path();
  }
}

TEST_F(CliTest, ZeroStepsSaveReproducesTheLoadedCheckpointByteForByte) {
  const std::string path = Path("copy.bin");
  const CommandResult result = Train({"--checkpoint", kTinyModel, "--steps", "0", "-B", "1", "-T",
                                      "8", "--threads", "1", "--save", path});
  ASSERT_TRUE(Succeeded(result));
  const std::string original = ReadWholeFile(kTinyModel), copy = ReadWholeFile(path);
  EXPECT_EQ(copy.size(), original.size());
  EXPECT_TRUE(copy == original) << "saving what was loaded changed the file";
}

// The end-to-end check: 10 AdamW steps of the fixture model on the fixture tokens, compared with
// scripts/make_reference.py's PyTorch run of the same steps.
TEST_F(CliTest, TenTrainingStepsMatchPyTorchReference) {
  const test::TensorArchive reference(kTinyReference);
  // Guard against a fixture regenerated with other settings than the command line below.
  const test::ArchiveTensor& shape = reference.Get("B_T");
  ASSERT_EQ(shape.ints, (std::vector<int32_t>{2, 16}));
  const test::ArchiveTensor& adamw = reference.Get("adamw");  // lr, beta1, beta2, eps, wd
  ASSERT_EQ(adamw.floats.size(), 5u);
  EXPECT_FLOAT_EQ(adamw.floats[0], 1e-3f);
  EXPECT_FLOAT_EQ(adamw.floats[1], 0.9f);
  EXPECT_FLOAT_EQ(adamw.floats[2], 0.999f);
  EXPECT_FLOAT_EQ(adamw.floats[3], 1e-8f);
  EXPECT_FLOAT_EQ(adamw.floats[4], 0.1f);
  const std::vector<float>& expected = reference.Get("losses").floats;
  ASSERT_EQ(expected.size(), 10u);

  const std::string json_path = Path("log.json");
  const CommandResult result = Train(
      {"--checkpoint", kTinyModel, "--train", kTinyTokens, "-B", "2", "-T", "16", "--steps", "10",
       "--lr", "0.001", "--weight-decay", "0.1", "--threads", "1", "--json", json_path});
  ASSERT_TRUE(Succeeded(result));
  const std::string json = ReadWholeFile(json_path);
  EXPECT_NE(json.find("\"model\": \"L=2 NH=4 C=64 V=1000 Vp=1024 maxT=32\""), std::string::npos)
      << json;
  const std::vector<std::pair<int, double>> losses = ParseStepLosses(json);
  ASSERT_EQ(losses.size(), 10u) << json;

  // As in reference_test: fp32 against a float64 reference; observed agreement is one fp32 ulp
  // (4.8e-7) at every step, so 1e-5 keeps a 20x margin, while a real bug (a wrong AdamW term, a
  // wrong gradient) moves the losses by 1e-2 or more.
  constexpr double kTolerance = 1e-5;
  for (size_t i = 0; i < losses.size(); ++i) {
    EXPECT_EQ(losses[i].first, static_cast<int>(i) + 1);
    EXPECT_NEAR(losses[i].second, expected[i], kTolerance) << "step " << i + 1;
  }
  // Training must actually learn: the reference loss falls by ~1.5 over these steps.
  EXPECT_LT(losses.back().second, losses.front().second - 1.0);
}

// A tokenizer whose token i decodes to "<i>", for the tiny model's 1000-token vocabulary.
void WriteTestTokenizer(const std::string& path, int end_of_text) {
  std::string bytes(kHeaderBytes, '\0');
  PutInt32(bytes, 0, 20240328);
  PutInt32(bytes, 1, 2);
  PutInt32(bytes, 2, 1000);
  PutInt32(bytes, 3, end_of_text);
  for (int id = 0; id < 1000; ++id) {
    const std::string piece = "<" + std::to_string(id) + ">";
    bytes += static_cast<char>(piece.size()) + piece;
  }
  WriteWholeFile(path, bytes);
}

TEST_F(CliTest, SamplingPrintsDecodedTextWithATokenizer) {
  const std::string tokenizer = Path("tokenizer.bin");
  WriteTestTokenizer(tokenizer, 999);
  const CommandResult result = Train(
      Concat(kTinyRun, {"--tokenizer", tokenizer, "--sample-every", "1", "--gen-tokens", "5"}));
  ASSERT_TRUE(Succeeded(result));
  static const std::regex kGenerated(R"re(generated: (<\d+>){5}\n)re");
  EXPECT_TRUE(std::regex_search(result.out, kGenerated)) << result.out;
}

TEST_F(CliTest, SamplingPrintsIdsWithoutATokenizer) {
  const CommandResult result =
      Train(Concat(kTinyRun, {"--sample-every", "1", "--gen-tokens", "3"}));
  ASSERT_TRUE(Succeeded(result));
  static const std::regex kGenerated(R"re(generated: ids:( \d+){3}\n)re");
  EXPECT_TRUE(std::regex_search(result.out, kGenerated)) << result.out;
}

// Validation runs before the first step, every --val-every steps and after the last one.
TEST_F(CliTest, ValidationRunsAtStartEveryNStepsAndAtTheEnd) {
  const std::string json_path = Path("log.json");
  const CommandResult result =
      Train(Concat(kTinyRun, {"--steps", "3", "--val-every", "2", "--json", json_path}));
  ASSERT_TRUE(Succeeded(result));
  static const std::regex kVal(R"re(step +(\d+) \| val loss ([0-9.]+))re");
  std::vector<int> steps;
  for (std::sregex_iterator it(result.out.begin(), result.out.end(), kVal), last; it != last;
       ++it) {
    steps.push_back(std::stoi((*it)[1].str()));
    EXPECT_GT(std::stod((*it)[2].str()), 0.0);
  }
  EXPECT_EQ(steps, (std::vector<int>{0, 2, 3})) << result.out;
  EXPECT_NE(ReadWholeFile(json_path).find("\"val\": [\n    {\"step\": 0, \"loss\": "),
            std::string::npos);
}

// For a fixed seed, kernel table and thread count the run is bitwise reproducible: the naive
// kernels give each output element to one thread, which sums in a fixed order. The log prints
// losses with 9 significant digits, which round-trips a float exactly, so equal logs mean equal
// bits.
// Two processes, same seed, kernel table and thread count: bitwise the same losses, for every
// family (OpenMP reductions and BLAS threading must not make a run depend on timing).
TEST_F(CliTest, SameSeedAndThreadsGiveIdenticalLosses) {
  for (const KernelFamily& family : Registry::Get().families()) {
    for (const char* threads : {"1", "2"}) {
      std::vector<std::vector<std::pair<int, double>>> runs;
      for (int run = 0; run < 2; ++run) {
        const std::string json_path = Path("run" + std::to_string(run) + ".json");
        ASSERT_TRUE(
            Succeeded(Train(Concat(kTinyRun, {"--steps", "4", "--seed", "5", "--threads", threads,
                                              "--kernels", family.name, "--json", json_path}))));
        runs.push_back(ParseStepLosses(ReadWholeFile(json_path)));
        ASSERT_EQ(runs.back().size(), 4u);
      }
      EXPECT_EQ(runs[0], runs[1]) << family.name << ", threads " << threads;
    }
  }
}

// The "kernel table:" block a run prints.
std::string KernelTable(const std::string& out) {
  const size_t begin = out.find("kernel table:");
  if (begin == std::string::npos) return "";
  const size_t end = out.find("step ", begin);
  return out.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

// --kernel flags that pin every kernel as a printed kernel table has it.
std::vector<std::string> PinnedKernelFlags(const std::string& table) {
  std::vector<std::string> flags;
  static const std::regex kRow(R"re(\n  ([a-z_]+) +([a-z]+))re");
  for (std::sregex_iterator it(table.begin(), table.end(), kRow), last; it != last; ++it) {
    flags.insert(flags.end(), {"--kernel", (*it)[1].str() + "=" + (*it)[2].str()});
  }
  return flags;
}

TEST_F(CliTest, AutoKernelsTimeOnceThenReuseTheCache) {
  const std::string cache = Path("tune/auto.txt");  // the directory is created
  const auto auto_run = Concat(kTinyRun, {"--kernels", "auto", "--tune-cache", cache});
  const CommandResult first = Train(auto_run);
  ASSERT_TRUE(Succeeded(first));
  EXPECT_NE(first.out.find("auto kernel choice"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("screened naive"), std::string::npos) << first.out;
  ASSERT_NE(KernelTable(first.out), "");
  const std::string saved = ReadWholeFile(cache);
  EXPECT_EQ(std::count(saved.begin(), saved.end(), '\n'), 1) << saved;
  EXPECT_NE(saved.find("threads=1; B=2; T=16; model=L2,C64,NH4,V1000"), std::string::npos) << saved;

  const CommandResult second = Train(auto_run);
  ASSERT_TRUE(Succeeded(second));
  EXPECT_NE(second.out.find("kernel choice from " + cache), std::string::npos) << second.out;
  EXPECT_EQ(second.out.find("screened"), std::string::npos) << second.out;
  EXPECT_EQ(KernelTable(second.out), KernelTable(first.out));

  const CommandResult retuned = Train(Concat(auto_run, {"--retune"}));
  ASSERT_TRUE(Succeeded(retuned));
  EXPECT_NE(retuned.out.find("auto kernel choice"), std::string::npos);
  EXPECT_EQ(ReadWholeFile(cache).find('\n'), ReadWholeFile(cache).size() - 1) << "one line per key";

  // A cached line naming a family this build lacks is not trusted: it is timed again.
  std::string broken = ReadWholeFile(cache);
  broken.replace(broken.rfind('=') + 1, std::string::npos, "nosuchfamily\n");
  WriteWholeFile(cache, broken);
  const CommandResult after_broken = Train(auto_run);
  ASSERT_TRUE(Succeeded(after_broken));
  EXPECT_NE(after_broken.out.find("auto kernel choice"), std::string::npos) << after_broken.out;
}

// Tuning runs steps at learning rate 0 and then resets AdamW and the data: training afterwards
// is bitwise the training of the same table given by hand.
TEST_F(CliTest, AutoTuningLeavesTheTrainingUnchanged) {
  const std::string tuned_json = Path("tuned.json"), pinned_json = Path("pinned.json");
  const CommandResult tuned =
      Train(Concat(kTinyRun, {"--steps", "3", "--kernels", "auto", "--tune-cache", Path("auto.txt"),
                              "--json", tuned_json}));
  ASSERT_TRUE(Succeeded(tuned));
  const std::vector<std::string> pins = PinnedKernelFlags(KernelTable(tuned.out));
  ASSERT_EQ(pins.size(), 2u * kNumKernels);
  ASSERT_TRUE(
      Succeeded(Train(Concat(Concat(kTinyRun, {"--steps", "3", "--json", pinned_json}), pins))));
  const auto tuned_losses = ParseStepLosses(ReadWholeFile(tuned_json));
  ASSERT_EQ(tuned_losses.size(), 3u);
  EXPECT_EQ(tuned_losses, ParseStepLosses(ReadWholeFile(pinned_json)));
}

TEST_F(CliTest, RetuneWithoutAutoKernelsIsAnError) {
  EXPECT_TRUE(FailsWithOneLineError(Train(Concat(kTinyRun, {"--retune"})), {"--retune", "auto"}));
  EXPECT_TRUE(FailsWithOneLineError(Train(Concat(kTinyRun, {"--tune-cache", Path("x.txt")})),
                                    {"--tune-cache", "auto"}));
}

}  // namespace
}  // namespace gpt2
