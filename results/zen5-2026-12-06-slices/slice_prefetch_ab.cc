// The LM head's dinp (or with DW=1 its dweight) at B=4 T=64 (M=256; env M to change), 1 thread,
// under experiment settings alternated in process: caches flushed before each call, each call
// over a paired FMA burst, medians of REPS-1 calls (default 9). Each argument is one setting,
// "pfb,kc,nc[,wrap]", written into globals that a temporary patch of the library read (not
// committed; it defined gpt2_exp_* in kernels/scratch.cc and timed TransposeDoutSlice with
// rdtsc into gpt2_exp_ticks, converted at this machine's 2.096 GHz TSC):
//   pfb 0: no slice prefetch; 5: the next block's slice asked for during the last column block's
//   GEMM; 6: each transpose tile asks for the next band; 7: both (as committed in a943c36);
//   1/4: the slice spread over all six or the last two column blocks;
//   kc, nc: the LM head dinp's GemmBlocking; wrap 2/3: dinp's later strips ask for the next B
//   block into L2 / with prefetcht2 (tried, not kept).
// Build: g++ -O3 -DNDEBUG -fopenmp -std=c++17 -I. <this file> bench/fma_peak.cc
//        build/kernels/libgpt2_kernels.a -lhwy -lopenblas
#include <omp.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>
#include "bench/fma_peak.h"
#include "kernels/registry.h"
#include "results/zen5-2026-12-06/lmhead_harness.h"
using namespace gpt2;
extern "C" int gpt2_exp_pfb, gpt2_exp_kc, gpt2_exp_nc;
extern "C" unsigned long long gpt2_exp_ticks;
struct Cfg {
  int pfb, kc, nc, wrap = 0;
};
extern "C" int gpt2_exp_wrap;
int main(int argc, char** argv) {
  const int M = getenv("M") ? atoi(getenv("M")) : 256;
  const bool dw_mode = getenv("DW") != nullptr;
  std::vector<Cfg> cfgs;
  for (int i = 1; i < argc; ++i) {
    Cfg c;
    sscanf(argv[i], "%d,%d,%d,%d", &c.pfb, &c.kc, &c.nc, &c.wrap);
    cfgs.push_back(c);
  }
  omp_set_num_threads(1);
  const LmHeadBackward op(M);
  CacheFlush flush;
  const double flops = op.FlopsPerProduct();
  FmaBurst burst;
  std::vector<std::vector<double>> f(cfgs.size()), tr(cfgs.size());
  const int reps = getenv("REPS") ? atoi(getenv("REPS")) : 9;
  for (int r = 0; r < reps; ++r) {
    for (size_t c = 0; c < cfgs.size(); ++c) {
      gpt2_exp_pfb = cfgs[c].pfb;
      gpt2_exp_kc = cfgs[c].kc;
      gpt2_exp_nc = cfgs[c].nc;
      gpt2_exp_wrap = cfgs[c].wrap;
      flush();
      gpt2_exp_ticks = 0;
      const double s = op.Time(dw_mode);
      double peak = burst.RunAsLongAs(s);
      if (r > 0) f[c].push_back(flops / s * 1e-9 / peak);
      if (r > 0) tr[c].push_back(gpt2_exp_ticks / 2.096e6);
    }
  }
  for (size_t c = 0; c < cfgs.size(); ++c) {
    std::sort(f[c].begin(), f[c].end());
    std::sort(tr[c].begin(), tr[c].end());
    printf("transposes %.2f ms  ", tr[c][tr[c].size() / 2]);
    printf("wrap=%d pfb=%d kc=%d nc=%d: median %.1f%% (min %.1f max %.1f)\n", cfgs[c].wrap,
           cfgs[c].pfb, cfgs[c].kc, cfgs[c].nc, 100 * f[c][f[c].size() / 2], 100 * f[c].front(),
           100 * f[c].back());
  }
  printf("(sink %g)\n", op.dinp[7] + op.dw[77]);
}
