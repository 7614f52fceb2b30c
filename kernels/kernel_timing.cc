#include "kernels/kernel_timing.h"

#include "kernels/kernel_costs.h"

#include <chrono>
#include <utility>

namespace gpt2 {
namespace {

KernelTable g_inner;
KernelTimes g_seconds{};
std::array<long, kNumKernels> g_calls{};
std::array<KernelCost, kNumKernels> g_work{};

// Times one call of the real kernel `Member` of g_inner and adds up its work (the cost function
// `CostMember` of the same name); Id indexes the counters.
template <int Id, typename Fn, Fn KernelTable::*Member, typename CostFn,
          CostFn CostTable::*CostMember>
struct Trampoline;

template <int Id, typename... Args, void (*KernelTable::*Member)(Args...),
          KernelCost (*CostTable::*CostMember)(Args...)>
struct Trampoline<Id, void (*)(Args...), Member, KernelCost (*)(Args...), CostMember> {
  static void Call(Args... args) {
    const auto start = std::chrono::steady_clock::now();
    (g_inner.*Member)(args...);
    g_seconds[Id] +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ++g_calls[Id];
    const KernelCost cost = (KernelCosts().*CostMember)(args...);
    g_work[Id].flops += cost.flops;
    g_work[Id].bytes += cost.bytes;
  }
};

}  // namespace

KernelSet Instrument(const KernelSet& inner) {
  g_inner = inner.fn;
  KernelSet timed = inner;
#define GPT2_TIME_KERNEL(name, Fn, description)                                        \
  timed.fn.name = Trampoline<static_cast<int>(KernelId::name), Fn, &KernelTable::name, \
                             CostFnFor<Fn>::type, &CostTable::name>::Call;
  GPT2_KERNEL_LIST(GPT2_TIME_KERNEL)
#undef GPT2_TIME_KERNEL
  return timed;
}

KernelTimes KernelSeconds() { return g_seconds; }
std::array<long, kNumKernels> KernelCalls() { return g_calls; }
std::array<KernelCost, kNumKernels> KernelWork() { return g_work; }

void ResetKernelTimes() {
  g_seconds.fill(0);
  g_calls.fill(0);
  g_work.fill(KernelCost{});
}

}  // namespace gpt2
