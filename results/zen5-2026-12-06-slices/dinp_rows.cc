// The LM head's dinp (K = 50304, N = 768) at several row counts M, 1 thread, caches flushed before
// each call, medians of 7 (build as slice_prefetch_ab.cc, without bench/fma_peak.cc; args: the M
// values).
#include <omp.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include "kernels/registry.h"
#include "results/zen5-2026-12-06/lmhead_harness.h"
using namespace gpt2;
int main(int argc, char** argv) {
  const int C = 768, OC = 50304;
  omp_set_num_threads(1);
  const KernelTable& k = Registry::Get().Find("highway")->kernels;
  float *dout = HugePageBuffer(size_t(256) * OC, 1e-3f), *w = HugePageBuffer(size_t(OC) * C, 0.02f),
        *dinp = HugePageBuffer(size_t(256) * C, 0);
  CacheFlush flush;
  for (int i = 1; i < argc; ++i) {
    const int M = atoi(argv[i]);
    std::vector<double> t;
    for (int r = 0; r < 8; ++r) {
      flush();
      auto t0 = std::chrono::steady_clock::now();
      k.matmul_backward(dinp, nullptr, nullptr, dout, w, w, 1, M, C, OC);
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (r > 0) t.push_back(s);
    }
    std::sort(t.begin(), t.end());
    printf("M=%d %.2f ms  %.1f GF/s\n", M, t[3] * 1e3, 2.0 * M * C * OC / t[3] * 1e-9);
  }
}
