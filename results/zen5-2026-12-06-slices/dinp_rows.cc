// The LM head's dinp (K = 50304, N = 768) at several row counts M, 1 thread, caches flushed before
// each call, medians of 7 (build as slice_prefetch_ab.cc, without bench/fma_peak.cc; args: the M
// values).
#include <omp.h>
#include <sys/mman.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include "kernels/registry.h"
using namespace gpt2;
static float* Alloc(size_t n, float v) {
  void* p = aligned_alloc(2 << 20, (n * 4 + (2 << 20) - 1) / (2 << 20) * (2 << 20));
  madvise(p, n * 4, MADV_HUGEPAGE);
  float* f = static_cast<float*>(p);
  for (size_t i = 0; i < n; ++i) f[i] = v * ((i * 2654435761u) % 1000) / 1000.0f;
  return f;
}
int main(int argc, char** argv) {
  const int C = 768, OC = 50304;
  omp_set_num_threads(1);
  const KernelTable& k = Registry::Get().Find("highway")->kernels;
  float *dout = Alloc(size_t(256) * OC, 1e-3f), *w = Alloc(size_t(OC) * C, 0.02f),
        *dinp = Alloc(size_t(256) * C, 0);
  std::vector<char> flush(64 << 20, 1);
  for (int i = 1; i < argc; ++i) {
    const int M = atoi(argv[i]);
    std::vector<double> t;
    for (int r = 0; r < 8; ++r) {
      for (size_t i = 0; i < flush.size(); i += 64) flush[i]++;
      auto t0 = std::chrono::steady_clock::now();
      k.matmul_backward(dinp, nullptr, nullptr, dout, w, w, 1, M, C, OC);
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (r > 0) t.push_back(s);
    }
    std::sort(t.begin(), t.end());
    printf("M=%d %.2f ms  %.1f GF/s\n", M, t[3] * 1e3, 2.0 * M * C * OC / t[3] * 1e-9);
  }
}
