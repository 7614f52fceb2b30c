#include "gpt2/run_options.h"

#include <omp.h>

#include "kernels/threading.h"

namespace gpt2 {

void AddRunFlags(Flags& flags, RunOptions* options) {
  flags.String(
      "--kernels", &options->family,
      "kernel family for every kernel (default: the build's, " + BuildDefaultSpec().family + ")");
  flags.Strings("--kernel", &options->overrides,
                "NAME=FAMILY: run one kernel from another family (repeatable)");
  flags.Bool("--list-kernels", &options->list_kernels,
             "print every kernel and the families that implement it, then exit");
  options->threads = omp_get_num_procs();
  flags.Int("--threads", &options->threads, "OpenMP threads", 1);
}

KernelSet ResolveKernels(const RunOptions& options) {
  KernelSpec spec = BuildDefaultSpec();
  if (!options.family.empty()) {
    spec.family = options.family;
    spec.overrides.clear();
  }
  spec.overrides.insert(spec.overrides.end(), options.overrides.begin(), options.overrides.end());
  return KernelSet::Resolve(spec);
}

int ApplyThreads(const RunOptions& options) {
  SetThreads(options.threads);
  return options.threads;
}

}  // namespace gpt2
