// The GEMM's ceiling on this core: the highway GEMM's micro-kernel (kernels/highway_gemm-inl.h)
// reduced to its K loop, each step two vector loads of the packed panel, one broadcast load of A
// per row and two FMAs per row into kGemmRows × 2 accumulators, over a strip and a panel small
// enough (64 steps: 11 KiB on AVX-512) to stay in L1. No packing, no prefetching, no memory
// beyond L1 and no tile stores: what is left between this and the FMA peak (bench/fma_peak.cc)
// is the core's own cost of feeding the FMAs (loads, broadcasts, address arithmetic), which no
// change to the blocking for caches or memory can recover. On one core of an Intel Xeon (2 vCPUs
// under KVM) it ran at 183.5-184.0 GFLOP/s against an FMA peak of 213.1-214.5 (85.5-86.3%, three
// runs, results/xeon-2026-12-04/), and the next day, in a faster spell of the same machine, at
// 239.0-239.2 against 246.2-246.9 (97%, results/xeon-2026-12-05/): the highway GEMM's fraction
// of the FMA peak is best read against it, measured in the same spell. Compiled per Highway target
// and dispatched to the best, like the kernels.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "bench/l1_kernel_peak.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "kernels/highway_gemm-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gpt2 {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

float L1KernelLoop(long iterations, double* flops) {
  const hn::ScalableTag<float> d;
  using V = decltype(hn::Zero(d));
  const size_t lanes = hn::Lanes(d);
  constexpr size_t kSteps = 64;
  HWY_ALIGN float strip[kSteps * kGemmRows];
  HWY_ALIGN float panel[kSteps * 2 * hn::MaxLanes(d)];
  // Small normal values that depend on the argument, so that nothing folds to a constant and the
  // sums stay far from overflow and from subnormals.
  const float seed = 1e-3f * static_cast<float>(iterations % 7 + 1);
  for (size_t i = 0; i < kSteps * kGemmRows; ++i) strip[i] = seed * static_cast<float>(i % 5 + 1);
  for (size_t i = 0; i < kSteps * 2 * lanes; ++i) panel[i] = seed * static_cast<float>(i % 3 + 1);
  V acc0[kGemmRows], acc1[kGemmRows];
  for (size_t r = 0; r < kGemmRows; ++r) acc0[r] = acc1[r] = hn::Zero(d);
  for (long it = 0; it < iterations; ++it) {
    for (size_t p = 0; p < kSteps; ++p) {
      const V b0 = hn::Load(d, panel + p * 2 * lanes);
      const V b1 = hn::Load(d, panel + p * 2 * lanes + lanes);
      for (size_t r = 0; r < kGemmRows; ++r) {
        const V a = hn::Set(d, strip[p * kGemmRows + r]);
        acc0[r] = hn::MulAdd(a, b0, acc0[r]);
        acc1[r] = hn::MulAdd(a, b1, acc1[r]);
      }
    }
  }
  V sum = hn::Zero(d);
  for (size_t r = 0; r < kGemmRows; ++r) sum = hn::Add(sum, hn::Add(acc0[r], acc1[r]));
  *flops = 2.0 * kGemmRows * 2 * lanes * kSteps * static_cast<double>(iterations);
  return hn::GetLane(sum);
}

}  // namespace HWY_NAMESPACE
}  // namespace gpt2
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "bench/fma_peak.h"
#include "bench/l1_kernel_peak.h"

namespace gpt2 {
HWY_EXPORT(L1KernelLoop);

namespace {
float RunL1KernelLoop(long iterations, double* flops) {
  return HWY_DYNAMIC_DISPATCH(L1KernelLoop)(iterations, flops);
}
}  // namespace

float RunL1KernelLoopOnAllThreads(long iterations, double* flops) {
  return RunOnAllThreads(RunL1KernelLoop, iterations, flops);
}
}  // namespace gpt2
#endif  // HWY_ONCE
