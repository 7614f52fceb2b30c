// The work one kernel call must do, from its arguments: useful FLOPs and compulsory bytes (each
// input read once, each output written once, accumulated outputs read and written). These are the
// formulas behind every GFLOP/s, GB/s and roofline figure the benchmarks print; they count what
// the math needs, not what a variant happens to do (the openblas attention also computes the
// masked half of the scores; it is not credited for it).
#ifndef GPT2_KERNELS_KERNEL_COSTS_H_
#define GPT2_KERNELS_KERNEL_COSTS_H_

#include "kernels/ops.h"

namespace gpt2 {

struct KernelCost {
  double flops = 0;
  double bytes = 0;
};

// A cost function takes its kernel's own parameters, so a caller holding a kernel's arguments
// (the per-kernel timers, a benchmark) gets its cost by passing them on unchanged.
template <typename KernelFn>
struct CostFnFor;
template <typename... Params>
struct CostFnFor<void (*)(Params...)> {
  using type = KernelCost (*)(Params...);
};

struct CostTable {
#define GPT2_COST_ENTRY(name, Fn, description) CostFnFor<Fn>::type name;
  GPT2_KERNEL_LIST(GPT2_COST_ENTRY)
#undef GPT2_COST_ENTRY
};

const CostTable& KernelCosts();

// Matmul and attention are reported in GFLOP/s; every other kernel, whose arithmetic intensity is
// a few FLOPs per byte at most, in GB/s.
bool IsComputeKernel(KernelId id);

// The roofline model's lower bound on a call's time: the slower of doing its FLOPs at peak and
// moving its bytes at full bandwidth.
inline double RooflineSeconds(const KernelCost& cost, double peak_gflops, double peak_gbs) {
  const double compute = cost.flops / (peak_gflops * 1e9), memory = cost.bytes / (peak_gbs * 1e9);
  return compute > memory ? compute : memory;
}

}  // namespace gpt2

#endif  // GPT2_KERNELS_KERNEL_COSTS_H_
