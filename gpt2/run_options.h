// The flags every binary shares: which kernels to run and on how many threads.
#ifndef GPT2_GPT2_RUN_OPTIONS_H_
#define GPT2_GPT2_RUN_OPTIONS_H_

#include <string>
#include <vector>

#include "gpt2/flags.h"
#include "kernels/kernel_set.h"

namespace gpt2 {

struct RunOptions {
  std::string family;                  // --kernels; empty: the compiled-in default
  std::vector<std::string> overrides;  // --kernel NAME=FAMILY, repeatable
  bool list_kernels = false;           // --list-kernels
  int threads = 1;                     // --threads; AddRunFlags defaults it to every core
  std::string hwy_target;              // --hwy-target; empty: $GPT2_HWY_TARGET, else the best
};

void AddRunFlags(Flags& flags, RunOptions* options);

// The compiled-in spec, with --kernels replacing its family (and its build-time overrides) and
// each --kernel applied on top. Throws gpt2::Error naming the flag.
KernelSet ResolveKernels(const RunOptions& options);

// Sets the thread count of OpenMP and of OpenBLAS for the process, and restricts Highway's
// dispatch to --hwy-target (or $GPT2_HWY_TARGET) if given; returns the thread count.
int ApplyRunOptions(const RunOptions& options);

}  // namespace gpt2

#endif  // GPT2_GPT2_RUN_OPTIONS_H_
