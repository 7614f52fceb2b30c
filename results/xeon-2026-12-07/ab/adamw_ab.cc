// matmul_backward_adamw (highway, 1 thread, B=4 T=64) on GPT-2's five weight shapes, for each
// value of gpt2_exp_v named on the command line, alternated in one process: each round runs every
// setting in turn, each over all copies. Each shape has 12 copies of its weight, moments and
// gradient, called in turn (the LM head's 2), so that AdamW's streams come from memory, as in a
// step. Prints each setting's median over REPS rounds (default 9, after one untimed round) of the
// mean ms a call. gpt2_exp_v is defined by ab/experiments.patch (not committed as code), so this
// links only against a library built with that patch.
// Build: g++ -O3 -DNDEBUG -fopenmp -std=c++17 -I. <this file> <patched libgpt2_kernels.a>
//        -lhwy -lopenblas
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "kernels/registry.h"
extern "C" int gpt2_exp_v;

int main(int argc, char** argv) {
  struct Shape {
    const char* name;
    int C, OC, copies;
  };
  const Shape shapes[] = {{"qkv", 768, 2304, 12},
                          {"attproj", 768, 768, 12},
                          {"fc", 768, 3072, 12},
                          {"fcproj", 3072, 768, 12},
                          {"lmhead", 768, 50304, 2}};
  std::vector<int> settings;
  for (int i = 1; i < argc; ++i) settings.push_back(atoi(argv[i]));
  if (settings.empty()) settings = {0};
  const int reps = getenv("REPS") ? atoi(getenv("REPS")) : 9, B = 4, T = 64, M = B * T;
  omp_set_num_threads(1);
  const gpt2::KernelTable& k = gpt2::Registry::Get().Find("highway")->kernels;
  for (const Shape& s : shapes) {
    const size_t W = size_t(s.OC) * s.C;
    std::vector<float> inp(size_t(M) * s.C, 0.5f), dout(size_t(M) * s.OC, 1e-3f);
    std::vector<float> dinp(size_t(M) * s.C);
    std::vector<std::vector<float>> p(s.copies), g(s.copies), m(s.copies), v(s.copies);
    std::vector<std::vector<float>> bp(s.copies), bg(s.copies), bm(s.copies), bv(s.copies);
    for (int c = 0; c < s.copies; ++c) {
      p[c].assign(W, 0.01f), g[c].assign(W, 0.0f), m[c].assign(W, 1e-4f), v[c].assign(W, 1e-8f);
      bp[c].assign(s.OC, 0.0f), bg[c].assign(s.OC, 0.0f), bm[c].assign(s.OC, 0.0f);
      bv[c].assign(s.OC, 0.0f);
    }
    std::vector<std::vector<double>> ms(settings.size());
    int copy = 0;
    for (int r = 0; r <= reps; ++r) {
      for (size_t i = 0; i < settings.size(); ++i) {
        double total = 0;
        for (int c = 0; c < s.copies; ++c, copy = (copy + 1) % s.copies) {
          gpt2_exp_v = settings[i];
          const gpt2::AdamwStep step{1e-4f, 0.9f, 0.999f, 1e-8f, 0.0f, r + 1};
          const auto t0 = std::chrono::steady_clock::now();
          k.matmul_backward_adamw(
              dinp.data(), {p[copy].data(), g[copy].data(), m[copy].data(), v[copy].data()},
              {bp[copy].data(), bg[copy].data(), bm[copy].data(), bv[copy].data()}, dout.data(),
              inp.data(), B, T, s.C, s.OC, step, false);
          total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        }
        if (r > 0) ms[i].push_back(1e3 * total / s.copies);
      }
    }
    std::printf("%-8s", s.name);
    for (size_t i = 0; i < settings.size(); ++i) {
      std::sort(ms[i].begin(), ms[i].end());
      std::printf("  v=%d %.3f ms", settings[i], ms[i][ms[i].size() / 2]);
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  return 0;
}
