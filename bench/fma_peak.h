// The FMA peak loop of bench/fma_peak.cc, on one thread or on all of them.
#ifndef GPT2_BENCH_FMA_PEAK_H_
#define GPT2_BENCH_FMA_PEAK_H_

namespace gpt2 {

// `iterations` rounds of 16 independent vector FMAs; *flops gets the FLOPs done. The result
// only keeps the work from being optimised away.
float RunFmaLoop(long iterations, double* flops);

// RunFmaLoop on every OpenMP thread at once; *flops gets all threads' FLOPs.
float RunFmaLoopOnAllThreads(long iterations, double* flops);

}  // namespace gpt2

#endif  // GPT2_BENCH_FMA_PEAK_H_
