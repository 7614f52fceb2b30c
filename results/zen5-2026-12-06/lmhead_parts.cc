// The LM head's two backward products apart, at 1 thread, each over an FMA burst run right after
// it: dinp only, then dweight only, caches flushed before each, 7 alternations after one warm-up.
#include <omp.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include "bench/fma_peak.h"
#include "kernels/registry.h"
#include "results/zen5-2026-12-06/lmhead_harness.h"
using namespace gpt2;
int main(int argc, char** argv) {
  const int M = argc > 1 ? atoi(argv[1]) : 256;
  omp_set_num_threads(1);
  const LmHeadBackward op(M);
  CacheFlush flush;
  const double flops = op.FlopsPerProduct();
  FmaBurst burst;
  std::vector<double> fa, fb;
  for (int r = 0; r < 8; ++r) {
    for (int which = 0; which < 2; ++which) {
      flush();
      const double s = op.Time(which == 1);
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
         100 * fb[fb.size() / 2], op.dinp[7] + op.dw[77]);
}
