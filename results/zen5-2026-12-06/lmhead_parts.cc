// The LM head's two backward products apart, at 1 thread, each over an FMA burst run right after
// it: dinp only, then dweight only, caches flushed before each, 7 alternations after one warm-up.
#include <omp.h>
#include <sys/mman.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include "bench/fma_peak.h"
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
  const int M = argc > 1 ? atoi(argv[1]) : 256, C = 768, OC = 50304;
  omp_set_num_threads(1);
  const KernelTable& k = Registry::Get().Find("highway")->kernels;
  float *dout = Alloc(size_t(M) * OC, 1e-3f), *inp = Alloc(size_t(M) * C, 1),
        *w = Alloc(size_t(OC) * C, 0.02f), *dinp = Alloc(size_t(M) * C, 0),
        *dw = Alloc(size_t(OC) * C, 0);
  std::vector<char> flush(64 << 20, 1);
  const double flops = 2.0 * M * C * OC;
  FmaBurst burst;
  std::vector<double> fa, fb;
  for (int r = 0; r < 8; ++r) {
    for (int which = 0; which < 2; ++which) {
      for (size_t i = 0; i < flush.size(); i += 64) flush[i]++;
      auto t0 = std::chrono::steady_clock::now();
      if (which == 0)
        k.matmul_backward(dinp, nullptr, nullptr, dout, inp, w, 1, M, C, OC);
      else
        k.matmul_backward(nullptr, dw, nullptr, dout, inp, w, 1, M, C, OC);
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      double peak = burst.RunAsLongAs(s);
      if (r > 0) (which == 0 ? fa : fb).push_back(flops / s * 1e-9 / peak);
      if (r > 0)
        printf("%s %.1f ms %.1f GF/s peak %.1f -> %.1f%%\n", which ? "dW  " : "dinp", s * 1e3,
               flops / s * 1e-9, peak, 100 * flops / s * 1e-9 / peak);
    }
  }
  std::sort(fa.begin(), fa.end());
  std::sort(fb.begin(), fb.end());
  printf("median: dinp %.1f%%  dW %.1f%%  (sink %g)\n", 100 * fa[fa.size() / 2],
         100 * fb[fb.size() / 2], dinp[7] + dw[77]);
}
