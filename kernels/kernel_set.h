// The kernel table a run uses: one plain function pointer per kernel, resolved once at start-up
// from a default family plus per-kernel overrides. The hot path calls set.fn.matmul_forward(...)
// with no look-up and no virtual call.
#ifndef GPT2_KERNELS_KERNEL_SET_H_
#define GPT2_KERNELS_KERNEL_SET_H_

#include <string>
#include <vector>

#include "kernels/ops.h"
#include "kernels/registry.h"

namespace gpt2 {

struct KernelSpec {
  std::string family;                  // the default for every kernel
  std::vector<std::string> overrides;  // "kernel_name=family", applied in order
};

// The compiled-in choice: CMake's GPT2_DEFAULT_FAMILY and GPT2_KERNEL_OVERRIDES.
KernelSpec BuildDefaultSpec();

struct KernelSet {
  KernelTable fn;
  std::string family[kNumKernels];  // the family each entry came from
  bool fallback[kNumKernels] = {};  // true where the requested family lacks it and naive ran

  // Throws gpt2::Error naming the flag (`--kernels` or `--kernel`) and listing valid choices.
  // Kernels the chosen family lacks come from naive and are marked as fallbacks.
  static KernelSet Resolve(const KernelSpec& spec, const Registry& registry = Registry::Get());

  // The table printed by every binary: kernel → family, fallbacks marked.
  std::string Describe() const;
  // "encoder_forward=naive,..." for logs and result files.
  std::string Summary() const;
};

// Every kernel with the families that implement it (--list-kernels).
std::string ListKernels(const Registry& registry = Registry::Get());

}  // namespace gpt2

#endif  // GPT2_KERNELS_KERNEL_SET_H_
