// The highway matmuls of a d12 step's shapes (12 layers' operands each, so they come from memory
// as in a step, and the LM head) under values of the temporary patch's global gpt2_pf named on
// the command line (panel_ahead.patch: the packed panel's prefetch distance), alternated sweep
// by sweep. Each sweep times, per shape, matmul_forward, matmul_backward (dinp, dweight, dbias)
// and matmul_backward_adamw (dinp and the AdamW step); B=4, T from env T (default 64), THREADS
// threads (default 1), medians over ROUNDS sweeps (default 7) after one untimed sweep. Prints
// each median in ms and its ratio to the first setting's.
// Build: g++ -O3 -DNDEBUG -fopenmp -std=c++17 -I. <this file> <patched libgpt2_kernels.a>
//        -lhwy -lopenblas
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "kernels/registry.h"
#include "results/zen5-2026-12-06/lmhead_harness.h"
extern "C" int gpt2_pf;

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
  constexpr int kShapes = 5, kOps = 3;
  const char* op_names[kOps] = {"forward", "backward", "bwd_adamw"};
  omp_set_num_threads(atoi(getenv("THREADS") ? getenv("THREADS") : "1"));
  const int rounds = getenv("ROUNDS") ? atoi(getenv("ROUNDS")) : 7, B = 4,
            T = getenv("T") ? atoi(getenv("T")) : 64, M = B * T;
  const gpt2::KernelTable& k = gpt2::Registry::Get().Find("highway")->kernels;
  struct Operands {
    float *inp, *out, *w, *b, *dinp, *dw, *db, *mw, *vw, *mb, *vb;
  };
  std::vector<std::vector<Operands>> ops(kShapes);
  for (int s = 0; s < kShapes; ++s) {
    const size_t in = size_t(M) * shapes[s].C, out = size_t(M) * shapes[s].OC,
                 w = size_t(shapes[s].OC) * shapes[s].C, b = shapes[s].OC;
    for (int l = 0; l < shapes[s].copies; ++l) {
      ops[s].push_back({HugePageBuffer(in, 1), HugePageBuffer(out, 1e-3f), HugePageBuffer(w, 0.02f),
                        HugePageBuffer(b, 0.1f), HugePageBuffer(in, 0), HugePageBuffer(w, 0),
                        HugePageBuffer(b, 0), HugePageBuffer(w, 0), HugePageBuffer(w, 0),
                        HugePageBuffer(b, 0), HugePageBuffer(b, 0)});
    }
  }
  const gpt2::AdamwStep step{1e-4f, 0.9f, 0.999f, 1e-8f, 0.0f, 1};
  const int n = argc - 1;
  if (n < 1) {
    fprintf(stderr, "usage: gemm_ab PF [PF...]\n");
    return 2;
  }
  std::vector<std::vector<double>> sec(size_t(n) * kShapes * kOps);
  for (int r = 0; r <= rounds; ++r) {
    for (int i = 0; i < n; ++i) {
      gpt2_pf = atoi(argv[i + 1]);
      for (int op = 0; op < kOps; ++op) {
        double sum[kShapes] = {};
        for (int l = 0; l < 12; ++l) {
          for (int s = 0; s < kShapes; ++s) {
            if (l >= shapes[s].copies) continue;
            const Operands& o = ops[s][l];
            const int C = shapes[s].C, OC = shapes[s].OC;
            const auto t0 = std::chrono::steady_clock::now();
            if (op == 0) {
              k.matmul_forward(o.out, o.inp, o.w, o.b, B, T, C, OC);
            } else if (op == 1) {
              k.matmul_backward(o.dinp, o.dw, o.db, o.out, o.inp, o.w, B, T, C, OC);
            } else {
              k.matmul_backward_adamw(o.dinp, {o.w, o.dw, o.mw, o.vw}, {o.b, o.db, o.mb, o.vb},
                                      o.out, o.inp, B, T, C, OC, step, nullptr);
            }
            sum[s] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
          }
        }
        // The AdamW op leaves dw and db zero; the plain backward sums into them, so zero them
        // (untimed) before the next AdamW call, whose contract wants zero gradients.
        if (op == 1) {
          for (int s = 0; s < kShapes; ++s) {
            for (const Operands& o : ops[s]) {
              std::fill_n(o.dw, size_t(shapes[s].OC) * shapes[s].C, 0.0f);
              std::fill_n(o.db, shapes[s].OC, 0.0f);
            }
          }
        }
        if (r > 0) {
          for (int s = 0; s < kShapes; ++s)
            sec[(size_t(i) * kOps + op) * kShapes + s].push_back(sum[s]);
        }
      }
    }
  }
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  for (int op = 0; op < kOps; ++op) {
    for (int s = 0; s < kShapes; ++s) {
      printf("%-9s %-8s", op_names[op], shapes[s].name);
      const double first = median(sec[size_t(op) * kShapes + s]);
      for (int i = 0; i < n; ++i) {
        const double m = median(sec[(size_t(i) * kOps + op) * kShapes + s]);
        printf("  pf%s %8.2f (%.3f)", argv[i + 1], m * 1e3, m / first);
      }
      printf("\n");
    }
  }
}
