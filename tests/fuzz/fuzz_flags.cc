// The command-line parser, with gpt2_train's kinds of flags, and the --model spec parser: the
// input is split at NUL bytes into argv. Anything it cannot use must be a gpt2::Error.
#include <string>
#include <vector>

#include "gpt2/config.h"
#include "gpt2/flags.h"
#include "kernels/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> args = {"fuzz_flags"};
  std::string current;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(current);
      current.clear();
    } else {
      current += static_cast<char>(data[i]);
    }
  }
  args.push_back(current);
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());

  int steps = 10, batch = 4;
  float lr = 1e-4f;
  std::string model = "d12", kernels;
  std::vector<std::string> overrides;
  bool list = false;
  gpt2::Flags flags("fuzz_flags", "fuzzing the parser");
  flags.Int("--steps", &steps, "steps", 0);
  flags.Int("-B", &batch, "batch");
  flags.Float("--lr", &lr, "rate");
  flags.String("--model", &model, "model");
  flags.String("--kernels", &kernels, "family");
  flags.Strings("--kernel", &overrides, "override");
  flags.Bool("--list-kernels", &list, "list");
  try {
    if (flags.Parse(static_cast<int>(argv.size()), argv.data())) {
      (void)gpt2::ParseModelSpec(model, "--model");
    }
  } catch (const gpt2::Error&) {
  }
  return 0;
}
