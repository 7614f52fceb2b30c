// Helpers for tests that run the real gpt2_train binary as a user would: running a command with
// its exit status and output, the one-line-error contract for bad input, and parsing the losses
// a run logged. Needs the compile definitions GPT2_TRAIN_PATH and GPT2_SOURCE_DIR.
#ifndef GPT2_TESTS_CLI_UTIL_H_
#define GPT2_TESTS_CLI_UTIL_H_

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "tests/test_util.h"

#ifndef GPT2_TRAIN_PATH
#error "compile with -DGPT2_TRAIN_PATH=\"/path/to/gpt2_train\""
#endif
#ifndef GPT2_SOURCE_DIR
#error "compile with -DGPT2_SOURCE_DIR=\"/path/to/repository\""
#endif

namespace gpt2::test {

inline const std::string kFixtures = GPT2_SOURCE_DIR "/tests/fixtures/";
inline const std::string kTinyModel = kFixtures + "tiny_model.bin";

// A model small enough that every run is instant.
inline const std::vector<std::string> kTinyRun = {
    "--model", "L=2,C=64,NH=4,V=1000,maxT=32", "-B", "2", "-T", "16", "--steps", "1", "--threads",
    "1"};
// The same shape, from the fixture checkpoint (which --model may not accompany).
inline const std::vector<std::string> kCheckpointRun = {"-B",      "2", "-T",        "16",
                                                        "--steps", "1", "--threads", "1"};

inline std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

inline void PutInt32(std::string& bytes, size_t index, int32_t value) {
  ASSERT_GE(bytes.size(), (index + 1) * sizeof value);
  std::memcpy(&bytes[index * sizeof value], &value, sizeof value);
}

inline std::vector<std::string> Concat(std::vector<std::string> first,
                                       const std::vector<std::string>& second) {
  first.insert(first.end(), second.begin(), second.end());
  return first;
}

struct CommandResult {
  bool exited = false;  // false: killed by a signal, or the command could not be run
  int exit_code = -1;
  int signal = 0;
  std::string out, err;
};

// Runs `argv` through the shell with stdout piped back and stderr sent to `stderr_path`. `exec`
// replaces the shell, so the status is the program's own: a crash reads as a signal, not as the
// shell's 128+N.
inline CommandResult RunCommand(const std::vector<std::string>& argv,
                                const std::string& stderr_path) {
  std::string command = "exec";
  for (const std::string& arg : argv) command += " " + ShellQuote(arg);
  command += " 2>" + ShellQuote(stderr_path);
  CommandResult result;
  std::FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    result.err = std::string("popen failed: ") + std::strerror(errno);
    return result;
  }
  char buffer[4096];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, got);
  const int status = pclose(pipe);
  result.err = ReadWholeFile(stderr_path);
  if (status == -1) {
    result.err += std::string("pclose failed: ") + std::strerror(errno);
  } else if (WIFEXITED(status)) {
    result.exited = true;
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

inline std::string Describe(const CommandResult& result) {
  std::string text = result.exited ? "exit code " + std::to_string(result.exit_code)
                                   : "killed by signal " + std::to_string(result.signal);
  return text + "\n--- stderr:\n" + result.err + "--- stdout (tail):\n" +
         result.out.substr(result.out.size() > 2000 ? result.out.size() - 2000 : 0);
}

// The contract for bad input: exit code exactly 1, one stderr line "gpt2_train: error: ..."
// containing every one of `words`, and no training step run first.
inline ::testing::AssertionResult FailsWithOneLineError(const CommandResult& result,
                                                        const std::vector<std::string>& words) {
  const std::string prefix = "gpt2_train: error: ";
  if (!result.exited || result.exit_code != 1) {
    return ::testing::AssertionFailure() << "expected exit code 1, got " << Describe(result);
  }
  if (result.err.empty() || result.err.back() != '\n' ||
      result.err.find('\n') != result.err.size() - 1) {
    return ::testing::AssertionFailure()
           << "expected exactly one stderr line, got " << Describe(result);
  }
  if (result.err.rfind(prefix, 0) != 0) {
    return ::testing::AssertionFailure()
           << "stderr does not start with '" << prefix << "': " << Describe(result);
  }
  for (const std::string& word : words) {
    if (result.err.find(word) == std::string::npos) {
      return ::testing::AssertionFailure()
             << "stderr does not mention '" << word << "': " << Describe(result);
    }
  }
  if (result.out.find("train loss") != std::string::npos) {
    return ::testing::AssertionFailure()
           << "the error came only after training had started: " << Describe(result);
  }
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult Succeeded(const CommandResult& result) {
  if (result.exited && result.exit_code == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected exit code 0, got " << Describe(result);
}

// The (step, loss) pairs of the JSON log's "steps" array. A non-finite loss, written as null,
// comes back as NaN so that any comparison with it fails.
inline std::vector<std::pair<int, double>> ParseStepLosses(const std::string& json) {
  std::vector<std::pair<int, double>> losses;
  const size_t begin = json.find("\"steps\": [");
  if (begin == std::string::npos) return losses;
  const size_t end = json.find(']', begin);
  const std::string steps = json.substr(begin, end == std::string::npos ? end : end - begin);
  static const std::regex kStep(R"re(\{"step": (\d+), "loss": ([-+0-9.eE]+|null),)re");
  for (std::sregex_iterator it(steps.begin(), steps.end(), kStep), last; it != last; ++it) {
    const std::string loss = (*it)[2].str();
    losses.emplace_back(std::stoi((*it)[1].str()),
                        loss == "null" ? std::nan("") : std::strtod(loss.c_str(), nullptr));
  }
  return losses;
}

// The "train loss X" values printed on the step lines.
inline std::vector<double> ParsePrintedLosses(const std::string& out) {
  static const std::regex kLine(R"re(step +\d+/\d+ \| train loss ([-+0-9.eEnaif]+))re");
  std::vector<double> losses;
  for (std::sregex_iterator it(out.begin(), out.end(), kLine), last; it != last; ++it) {
    losses.push_back(std::strtod((*it)[1].str().c_str(), nullptr));
  }
  return losses;
}

class CliTest : public TempDirTest {
 protected:
  void SetUp() override {
    ASSERT_EQ(access(GPT2_TRAIN_PATH, X_OK), 0)
        << GPT2_TRAIN_PATH << " is not an executable; build gpt2_train first";
    TempDirTest::SetUp();
  }

  CommandResult Train(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {GPT2_TRAIN_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, Path("stderr.txt"));
  }

  // The fixture checkpoint with one header field replaced, or cut to `length` bytes.
  std::string ModifiedCheckpoint(const std::string& name, size_t field, int32_t value) {
    std::string bytes = ReadWholeFile(kTinyModel);
    PutInt32(bytes, field, value);
    const std::string path = Path(name);
    WriteWholeFile(path, bytes);
    return path;
  }
  std::string CutCheckpoint(const std::string& name, size_t length) {
    const std::string bytes = ReadWholeFile(kTinyModel);
    EXPECT_GT(bytes.size(), length);
    const std::string path = Path(name);
    WriteWholeFile(path, bytes.substr(0, length));
    return path;
  }
};

}  // namespace gpt2::test

#endif  // GPT2_TESTS_CLI_UTIL_H_
