#include "kernels/kernel_timing.h"

#include <chrono>
#include <utility>

namespace gpt2 {
namespace {

KernelTable g_inner;
KernelTimes g_seconds{};
std::array<long, kNumKernels> g_calls{};

// Times one call of the real kernel `Member` of g_inner; Id indexes the counters.
template <int Id, typename Fn, Fn KernelTable::*Member>
struct Trampoline;

template <int Id, typename... Args, void (*KernelTable::*Member)(Args...)>
struct Trampoline<Id, void (*)(Args...), Member> {
  static void Call(Args... args) {
    const auto start = std::chrono::steady_clock::now();
    (g_inner.*Member)(args...);
    g_seconds[Id] +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ++g_calls[Id];
  }
};

}  // namespace

KernelSet Instrument(const KernelSet& inner) {
  g_inner = inner.fn;
  KernelSet timed = inner;
#define GPT2_TIME_KERNEL(name, Fn, description) \
  timed.fn.name = Trampoline<static_cast<int>(KernelId::name), Fn, &KernelTable::name>::Call;
  GPT2_KERNEL_LIST(GPT2_TIME_KERNEL)
#undef GPT2_TIME_KERNEL
  return timed;
}

KernelTimes KernelSeconds() { return g_seconds; }
std::array<long, kNumKernels> KernelCalls() { return g_calls; }

void ResetKernelTimes() {
  g_seconds.fill(0);
  g_calls.fill(0);
}

}  // namespace gpt2
