// The FMA peak loop of bench/fma_peak.cc, on one thread or on all of them.
#ifndef GPT2_BENCH_FMA_PEAK_H_
#define GPT2_BENCH_FMA_PEAK_H_

namespace gpt2 {

// `iterations` rounds of 16 independent vector FMAs; *flops gets the FLOPs done. The result
// only keeps the work from being optimised away.
float RunFmaLoop(long iterations, double* flops);

// loop(iterations, &flops) on every OpenMP thread at once; *flops gets all threads' FLOPs, and
// the result sums the threads' results.
float RunOnAllThreads(float (*loop)(long, double*), long iterations, double* flops);

// RunFmaLoop on every OpenMP thread at once; *flops gets all threads' FLOPs.
float RunFmaLoopOnAllThreads(long iterations, double* flops);

// The FMA peak measured beside the work it is the ceiling for: after each timed call (a kernel,
// a training step), an untimed burst of register-only FMAs on every thread, about as long as the
// call. A shared machine's speed drifts by 10-40% over seconds (other guests on the host); a peak
// from a separate run meets a different spell, a burst milliseconds away meets the same one, so
// their ratio holds still. The burst touches no memory, so the work's data stays in cache.
class FmaBurst {
 public:
  // Runs one burst of about `seconds`, at the rate the earlier bursts ran (the first is a guess).
  // Returns this burst's GFLOP/s.
  double RunAsLongAs(double seconds);
  // GFLOP/s over all bursts so far.
  double Gflops() const { return seconds_ > 0 ? flops_ / seconds_ * 1e-9 : 0; }

 private:
  double flops_ = 0, seconds_ = 0, flops_per_iteration_ = 0;
  float sink_ = 0;  // the bursts' results, kept so the FMAs are not optimised away
};

}  // namespace gpt2

#endif  // GPT2_BENCH_FMA_PEAK_H_
