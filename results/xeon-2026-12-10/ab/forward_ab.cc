// results/xeon-2026-12-08/ab/forward_ab.cc with this session's global gpt2_ab_mode in place of
// gpt2_pf: the forward matmuls of a d12 step's shapes (12 layers' weights and outputs each, so they
// come from memory as in a step, and the LM head), B=4 and T from env T (default 64), THREADS
// threads (default 1), under the modes named on the command line, alternated sweep by sweep;
// medians over ROUNDS sweeps (default 7). c_tile_spread_experiment.patch: 0 the C tile asked for
// at each micro-kernel's start (as built), 1 its lines spread over the K loop.
// Build: g++ -O2 -fopenmp -std=c++17 -I. <this file> build/kernels/libgpt2_kernels.a -lhwy
// -lopenblas
#include <omp.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include "kernels/registry.h"
#include "results/zen5-2026-12-06/lmhead_harness.h"
extern "C" int gpt2_ab_mode;
struct Shape {
  const char* name;
  int C, OC, copies;
};
int main(int argc, char** argv) {
  const Shape shapes[] = {{"qkv", 768, 2304, 12},
                          {"attproj", 768, 768, 12},
                          {"fc", 768, 3072, 12},
                          {"fcproj", 3072, 768, 12},
                          {"lmhead", 768, 50304, 1}};
  omp_set_num_threads(atoi(getenv("THREADS") ? getenv("THREADS") : "1"));
  const int rounds = getenv("ROUNDS") ? atoi(getenv("ROUNDS")) : 7, B = 4,
            T = getenv("T") ? atoi(getenv("T")) : 64, M = B * T;
  const gpt2::KernelTable& k = gpt2::Registry::Get().Find("highway")->kernels;
  struct Ops {
    float *inp, *out, *w, *b;
  };
  std::vector<std::vector<Ops>> ops(5);
  for (int s = 0; s < 5; ++s)
    for (int l = 0; l < shapes[s].copies; ++l)
      ops[s].push_back({HugePageBuffer(size_t(M) * shapes[s].C, 1),
                        HugePageBuffer(size_t(M) * shapes[s].OC, 0),
                        HugePageBuffer(size_t(shapes[s].OC) * shapes[s].C, 0.02f),
                        HugePageBuffer(shapes[s].OC, 0.1f)});
  const int n = argc - 1;
  std::vector<std::vector<double>> sec(n * 5);
  for (int r = 0; r <= rounds; ++r)
    for (int i = 0; i < n; ++i) {
      gpt2_ab_mode = atoi(argv[i + 1]);
      double sum[5] = {};
      for (int l = 0; l < 12; ++l)
        for (int s = 0; s < 5; ++s) {
          if (l >= shapes[s].copies) continue;
          const Ops& o = ops[s][l];
          auto t0 = std::chrono::steady_clock::now();
          k.matmul_forward(o.out, o.inp, o.w, o.b, B, T, shapes[s].C, shapes[s].OC);
          sum[s] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        }
      if (r > 0)
        for (int s = 0; s < 5; ++s) sec[i * 5 + s].push_back(sum[s]);
    }
  auto med = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  for (int s = 0; s < 5; ++s) {
    printf("%-8s", shapes[s].name);
    for (int i = 0; i < n; ++i)
      printf("  mode %s %8.2f ms", argv[i + 1], med(sec[i * 5 + s]) * 1e3);
    printf("\n");
  }
}
