// The forward matmuls of a d12 step with every weight cold (12 layers' own weights, called in
// turn, then the LM head after a 256 MB sweep), two configurations interleaved call by call.
// A measurement tool for the session, not part of the build: the configuration is read from
// gpt2_exp[], which a temporary line in kernels/matmul/matmul_highway.cc consulted:
//   extern "C" int gpt2_exp[8];
//   bool ForwardTransposed(int M, int C, int OC) {
//     return !gpt2_exp[0] && C > 0 && M >= (gpt2_exp[1] ? gpt2_exp[1] : 16) && M <= 384 && OC > M;
//     }
// (for the thresholds' runs the bound of 384 was off). Build against the kernel library:
//   g++ -O2 -std=c++17 -fopenmp -I. fwd_cold.cc -o fwd_cold build/kernels/libgpt2_kernels.a \
//       -lhwy -lopenblas
// usage: THREADS=1 fwd_cold B T ROUNDS CFG... (CFG "1": gpt2_exp = {1}, the packing path;
// "0": turned around), medians per role and configuration.
#include <omp.h>
#include <sys/mman.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>
#include "kernels/registry.h"
extern "C" {
int gpt2_exp[8] = {0};
}
using namespace gpt2;
float* Alloc(size_t n, float v) {
  size_t b = (n * 4 + (2 << 20) - 1) / (2 << 20) * (2 << 20);
  float* d = (float*)aligned_alloc(2 << 20, b);
  madvise(d, b, MADV_HUGEPAGE);
  for (size_t i = 0; i < n; ++i) d[i] = v * (1 + (i % 7) * 0.1f);
  return d;
}
double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
int main(int argc, char** argv) {
  int B = atoi(argv[1]), T = atoi(argv[2]), rounds = atoi(argv[3]);
  std::vector<std::vector<int>> cfgs;
  for (int i = 4; i < argc; ++i) {
    std::vector<int> c;
    char* s = argv[i];
    while (*s) {
      c.push_back(strtol(s, &s, 10));
      if (*s == ',') ++s;
    }
    cfgs.push_back(c);
  }
  int nc = cfgs.size();
  omp_set_num_threads(getenv("THREADS") ? atoi(getenv("THREADS")) : 1);
  const KernelTable& k = Registry::Get().Find("highway")->kernels;
  const int M = B * T, C = 768, L = 12, Vp = 50304;
  struct Role {
    const char* name;
    int K, N;
  };
  Role roles[4] = {{"qkv", C, 3 * C}, {"attproj", C, C}, {"fc", C, 4 * C}, {"fcproj", 4 * C, C}};
  float* inp[4];
  float* out[4];
  std::vector<float*> w[4], bias[4];
  for (int r = 0; r < 4; ++r) {
    inp[r] = Alloc((size_t)M * roles[r].K, 0.01f);
    out[r] = Alloc((size_t)M * roles[r].N, 0);
    for (int l = 0; l < L; ++l) {
      w[r].push_back(Alloc((size_t)roles[r].N * roles[r].K, 0.02f));
      bias[r].push_back(Alloc(roles[r].N, 0.1f));
    }
  }
  float* wte = Alloc((size_t)Vp * C, 0.02f);
  float* logits = Alloc((size_t)M * Vp, 0);
  float* lnf = Alloc((size_t)M * C, 0.01f);
  float* junk = Alloc(64 << 20, 1.f);                     // 256 MB to flush between rounds
  std::map<std::pair<int, int>, std::vector<double>> ts;  // (role 0-4, cfg)
  for (int round = 0; round <= rounds; ++round) {
    for (int l = 0; l < L; ++l)
      for (int r = 0; r < 4; ++r) {
        int c = (l + r + round) % nc;
        std::fill(gpt2_exp, gpt2_exp + 8, 0);
        for (size_t i = 0; i < cfgs[c].size(); ++i) gpt2_exp[i] = cfgs[c][i];
        double t0 = now();
        k.matmul_forward(out[r], inp[r], w[r][l], bias[r][l], B, T, roles[r].K, roles[r].N);
        double t1 = now();
        if (round) ts[{r, c}].push_back(t1 - t0);
      }
    for (int c0 = 0; c0 < nc; ++c0) {
      int c = (c0 + round) % nc;
      std::fill(gpt2_exp, gpt2_exp + 8, 0);
      for (size_t i = 0; i < cfgs[c].size(); ++i) gpt2_exp[i] = cfgs[c][i];
      double s = 0;
      for (size_t i = 0; i < (64u << 20); i += 16) s += junk[i];
      if (s == 1) printf(" ");
      double t0 = now();
      k.matmul_forward(logits, lnf, wte, nullptr, B, T, C, Vp);
      double t1 = now();
      if (round) ts[{4, c}].push_back(t1 - t0);
    }
  }
  const char* names[5] = {"qkv", "attproj", "fc", "fcproj", "lmhead"};
  for (int r = 0; r < 5; ++r) {
    int K = r < 4 ? roles[r].K : C, N = r < 4 ? roles[r].N : Vp;
    double fl = 2.0 * M * K * N;
    printf("%-8s", names[r]);
    for (int c = 0; c < nc; ++c) {
      auto t = ts[{r, c}];
      std::sort(t.begin(), t.end());
      double m = t[t.size() / 2];
      printf("  cfg %-8s %8.3f ms %6.1f GF/s", argv[4 + c], m * 1e3, fl / m * 1e-9);
    }
    printf("\n");
  }
}
