// The LM head's dinp (dout · wte, B=4 T=64: 256 × 768 out, K = 50304) at THREADS threads
// (default 2), GEMM blockings alternated call by call in one process: each setting is "NC,KC"
// for the temporary patch's GPT2_EXP_DINP_NC / GPT2_EXP_DINP_KC (read by InputGradientBlocking
// on every call; see experiments.patch), or 0 for the build's own blocking. Caches flushed before
// each call (results/zen5-2026-12-06/lmhead_harness.h); each call over a paired FMA burst as long
// as it (bench/fma_peak.h); medians of 15 calls after one untimed round.
// Build: g++ -O3 -DNDEBUG -fopenmp -std=c++17 -I. <this file> bench/fma_peak.cc
//        <patched build>/kernels/libgpt2_kernels.a -lhwy -lopenblas
#include <omp.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/fma_peak.h"
#include "results/zen5-2026-12-06/lmhead_harness.h"

int main(int argc, char** argv) {
  omp_set_num_threads(atoi(getenv("THREADS") ? getenv("THREADS") : "2"));
  LmHeadBackward lm(256);
  gpt2::FmaBurst burst;
  CacheFlush flush;
  std::vector<std::vector<double>> share(argc);
  for (int round = 0; round <= 15; ++round) {
    for (int i = 1; i < argc; ++i) {
      int nc = 0, kc = 512;
      std::sscanf(argv[i], "%d,%d", &nc, &kc);
      if (nc > 0) {
        setenv("GPT2_EXP_DINP_NC", std::to_string(nc).c_str(), 1);
        setenv("GPT2_EXP_DINP_KC", std::to_string(kc).c_str(), 1);
      } else {
        unsetenv("GPT2_EXP_DINP_NC");
      }
      flush();
      const double seconds = lm.Time(false);
      const double peak = burst.RunAsLongAs(seconds);
      if (round > 0) share[i].push_back(lm.FlopsPerProduct() / seconds * 1e-9 / peak);
    }
  }
  for (int i = 1; i < argc; ++i) {
    std::sort(share[i].begin(), share[i].end());
    std::printf("%s: %.1f%% of the paired burst (median of %zu)\n", argv[i],
                100 * share[i][share[i].size() / 2], share[i].size());
  }
  return 0;
}
