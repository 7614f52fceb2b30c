// The highway GEMM's register kernel on operands that never leave L1 (bench/l1_kernel_peak.cc).
#ifndef GPT2_BENCH_L1_KERNEL_PEAK_H_
#define GPT2_BENCH_L1_KERNEL_PEAK_H_

namespace gpt2 {

// `iterations` passes of the kernel over its L1-resident strip and panel on every OpenMP thread
// at once; *flops gets all threads' FLOPs. The result only keeps the work from being optimised
// away.
float RunL1KernelLoopOnAllThreads(long iterations, double* flops);

}  // namespace gpt2

#endif  // GPT2_BENCH_L1_KERNEL_PEAK_H_
