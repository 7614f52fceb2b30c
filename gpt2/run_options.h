// The flags every binary shares: which kernels to run and on how many threads.
#ifndef GPT2_GPT2_RUN_OPTIONS_H_
#define GPT2_GPT2_RUN_OPTIONS_H_

#include <string>
#include <vector>

#include "gpt2/flags.h"
#include "gpt2/model.h"
#include "kernels/kernel_set.h"

namespace gpt2 {

struct RunOptions {
  std::string family;                    // --kernels; empty: the compiled-in default
  std::vector<std::string> overrides;    // --kernel NAME=FAMILY, repeatable
  bool list_kernels = false;             // --list-kernels
  int threads = 1;                       // --threads; AddRunFlags defaults it to every core
  std::string hwy_target;                // --hwy-target; empty: $GPT2_HWY_TARGET, else the best
  bool retune = false;                   // --retune: time again for --kernels auto
  std::string tune_cache;                // --tune-cache; empty: gpt2/auto_tune.h's default
  bool separate_grad_reset = false;      // --separate-grad-reset: not fused into AdamW
  bool fuse_residual_layernorm = false;  // --fuse-residual-layernorm: one kernel, not two
  bool fuse_matmul_gelu = false;         // --fuse-matmul-gelu: GELU in the matmul's epilogue
  bool separate_softmax_crossentropy = false;  // --separate-softmax-crossentropy: three kernels
  bool separate_matmul_adamw = false;  // --separate-matmul-adamw: AdamW after the whole backward
};

// The fusions in use and how to split them, for the line each binary prints.
std::string DescribeFusions(const RunOptions& options);
// "fused" or "separate" per fusion, for result files: {"grad_reset": ..., ...}.
std::string FusionsJson(const RunOptions& options);
// Sets the model's fusions from the flags: every binary that builds a model calls this, so a new
// fusion flag reaches them all. (The gradient reset is an argument of each GPT2::Update.)
void ApplyFusions(const RunOptions& options, GPT2& model);

// True for --kernels auto, whose table is known only once the model exists (gpt2/auto_tune.h).
bool IsAutoKernels(const RunOptions& options);

void AddRunFlags(Flags& flags, RunOptions* options);

// The compiled-in spec, with --kernels replacing its family (and its build-time overrides) and
// each --kernel applied on top. Throws gpt2::Error naming the flag. For --kernels auto, `tuned`
// (from AutoTuneKernels) takes the family's place; without it the result is a placeholder that
// only checks the flags.
KernelSet ResolveKernels(const RunOptions& options, const KernelSpec* tuned = nullptr);

// Sets the thread count of OpenMP and of OpenBLAS for the process, and restricts Highway's
// dispatch to --hwy-target (or $GPT2_HWY_TARGET) if given; returns the thread count.
int ApplyRunOptions(const RunOptions& options);

}  // namespace gpt2

#endif  // GPT2_GPT2_RUN_OPTIONS_H_
