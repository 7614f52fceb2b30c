// The FMA peak: every thread runs independent fused multiply-adds on registers only, with enough
// accumulators to cover the FMA latency on two ports (latency 4-5 cycles: 8-10 in flight), so
// nothing but the FMA units limits it. This is the ceiling a GEMM can approach, not reach;
// bench_roofs reports it beside the GEMM roof. Compiled per Highway target and dispatched to the
// best, like the kernels.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "bench/fma_peak.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace gpt2 {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Accumulators: 16 where there are 32 vector registers (AVX-512); 12 where there are 16 (AVX2,
// SSE4), so they and the two operands stay in registers. 16 there spilled three accumulators to
// the stack, and the store-to-load round trips capped the loop at 56% of Zen 3's FMA peak.
#if HWY_TARGET <= HWY_AVX3
constexpr int kAccumulators = 16;
#else
constexpr int kAccumulators = 12;
#endif

// Runs `iterations` rounds of kAccumulators vector FMAs and returns a value that depends on all
// of them (so the compiler keeps them); sets *flops to the work done.
float FmaLoop(long iterations, double* flops) {
  const hn::ScalableTag<float> d;
  using V = decltype(hn::Zero(d));
  V acc[kAccumulators];
  for (int i = 0; i < kAccumulators; ++i) acc[i] = hn::Set(d, 0.001f * i);
  const V mul = hn::Set(d, 0.999999f), add = hn::Set(d, 1e-7f);
  for (long it = 0; it < iterations; ++it) {
    for (int i = 0; i < kAccumulators; ++i) acc[i] = hn::MulAdd(acc[i], mul, add);
  }
  V sum = acc[0];
  for (int i = 1; i < kAccumulators; ++i) sum = hn::Add(sum, acc[i]);
  *flops = 2.0 * kAccumulators * hn::Lanes(d) * static_cast<double>(iterations);
  return hn::GetLane(sum);
}

}  // namespace HWY_NAMESPACE
}  // namespace gpt2
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "bench/fma_peak.h"

#include <omp.h>

#include <algorithm>
#include <chrono>

namespace gpt2 {
HWY_EXPORT(FmaLoop);

float RunFmaLoop(long iterations, double* flops) {
  return HWY_DYNAMIC_DISPATCH(FmaLoop)(iterations, flops);
}

float RunOnAllThreads(float (*loop)(long, double*), long iterations, double* flops) {
  double all = 0;
  float sink = 0;
#pragma omp parallel reduction(+ : all, sink)
  {
    double mine = 0;
    sink += loop(iterations, &mine);
    all += mine;
  }
  *flops = all;
  return sink;
}

float RunFmaLoopOnAllThreads(long iterations, double* flops) {
  return RunOnAllThreads(RunFmaLoop, iterations, flops);
}

double FmaBurst::RunAsLongAs(double seconds) {
  // The first burst assumes 100 GFLOP/s and 1024 FLOPs an iteration; later ones use what ran.
  const double per_iteration = flops_per_iteration_ > 0 ? flops_per_iteration_ : 1024;
  const double rate = seconds_ > 0 ? flops_ / seconds_ : 1e11;
  const int threads = omp_get_max_threads();
  const long iterations =
      std::max(1000L, static_cast<long>(seconds * rate / per_iteration / threads));
  double flops = 0;
  const auto start = std::chrono::steady_clock::now();
  sink_ += RunFmaLoopOnAllThreads(iterations, &flops);
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  seconds_ += took;
  flops_ += flops;
  flops_per_iteration_ = flops / static_cast<double>(iterations) / threads;
  return took > 0 ? flops / took * 1e-9 : 0;
}
}  // namespace gpt2
#endif  // HWY_ONCE
