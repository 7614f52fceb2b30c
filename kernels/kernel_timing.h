// Per-kernel timing of a training step without touching the model: Instrument() returns a kernel
// set whose every entry is a small trampoline that reads the clock, calls the real kernel and
// adds the elapsed time to that kernel's counter. The model calls it like any other kernel set.
#ifndef GPT2_KERNELS_KERNEL_TIMING_H_
#define GPT2_KERNELS_KERNEL_TIMING_H_

#include <array>

#include "kernels/kernel_costs.h"
#include "kernels/kernel_set.h"

namespace gpt2 {

using KernelTimes = std::array<double, kNumKernels>;  // seconds, per kernel

// A copy of `inner` whose calls are timed. One instrumented set may be live at a time (the
// trampolines are plain functions and share one global table).
KernelSet Instrument(const KernelSet& inner);

// Seconds and call counts accumulated since the last reset.
KernelTimes KernelSeconds();
std::array<long, kNumKernels> KernelCalls();
// The FLOPs and bytes of those calls (kernels/kernel_costs.h).
std::array<KernelCost, kNumKernels> KernelWork();
void ResetKernelTimes();

}  // namespace gpt2

#endif  // GPT2_KERNELS_KERNEL_TIMING_H_
