// --kernels auto: for the run's model, B, T and thread count, time every family's variant of
// every kernel inside real training steps and take the fastest of each, then remember the choice.
//
// Timing happens in two rounds. Screening runs one instrumented step per family (its warm-up,
// and already a measurement: a naive matmul at 20x the best needs no second look). Every variant
// within kScreenRatio of the best at screening is then timed over `reps` more steps, in tables
// that mix one contender per kernel, and the median per step decides. The steps run with a
// learning rate of 0 and the AdamW state is reset afterwards, so tuning leaves the model as it
// found it (AdamW still does all its work: its cost does not depend on the rate).
//
// The choice is cached in a small text file, one line per key: CPU model, Highway target,
// threads, B, T, model shape and the families built in. A run with the same key reuses it
// without timing anything; --retune times again and replaces the line.
#ifndef GPT2_GPT2_AUTO_TUNE_H_
#define GPT2_GPT2_AUTO_TUNE_H_

#include <string>

#include "gpt2/dataloader.h"
#include "gpt2/model.h"
#include "kernels/kernel_set.h"

namespace gpt2 {

inline constexpr const char* kAutoFamily = "auto";

struct AutoTuneOptions {
  std::string cache_path;  // empty: DefaultAutoTuneCachePath()
  bool retune = false;
  int reps = 3;
};

// $GPT2_TUNE_CACHE, else $XDG_CACHE_HOME/gpt2-kernels/auto_kernels.txt, else
// ~/.cache/gpt2-kernels/auto_kernels.txt.
std::string DefaultAutoTuneCachePath();

// The fastest family per kernel, as a spec (family "naive" plus one override per kernel), from
// the cache or by timing steps of `model` on batches of `data` (which is reset afterwards).
// Prints what it does and the table of times. A cache that cannot be written is a warning.
KernelSpec AutoTuneKernels(GPT2& model, DataLoader& data, int threads,
                           const AutoTuneOptions& options);

}  // namespace gpt2

#endif  // GPT2_GPT2_AUTO_TUNE_H_
