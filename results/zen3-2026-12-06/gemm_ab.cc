// The matmul's forward, backward (both products), dinp alone and dweight alone, GPT-2's five
// shapes at B=4 T=64 (env B and T to change), 1 thread, for each setting named on the command
// line, alternated call by call in one process so that a noisy machine's slow spells fall on
// every setting alike: each call over a paired FMA burst (bench/fma_peak.cc, as long as the
// call), medians of REPS calls (default 9) after one untimed round. SHAPES picks shapes by name
// (e.g. "qkv,lmhead"). A setting is a kernel family, "highway" or "openblas", optionally with
// "@kc,nc,v": values for globals that a temporary patch of the library read (not committed; it
// defined gpt2_exp_kc, gpt2_exp_nc and gpt2_exp_v in kernels/scratch.cc; Gemm took kc and nc,
// where > 0, as its GemmBlocking; v=2..5 ran the panel-outer order over row blocks of 96, 144,
// 192 or 48 rows, v=1 packed a row-major A's strips with scalar copies). Without the patch the
// weak definitions below stand in and the settings do nothing.
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
extern "C" {
__attribute__((weak)) int gpt2_exp_kc = 0, gpt2_exp_nc = 0, gpt2_exp_v = 0;
}

struct Shape {
  const char* name;
  int C, OC;
};

int main(int argc, char** argv) {
  const Shape all[] = {{"qkv", 768, 2304},
                       {"attproj", 768, 768},
                       {"fc", 768, 3072},
                       {"fcproj", 3072, 768},
                       {"lmhead", 768, 50304}};
  const std::string pick = getenv("SHAPES") ? getenv("SHAPES") : "";
  const int reps = getenv("REPS") ? atoi(getenv("REPS")) : 9;
  std::vector<const gpt2::KernelTable*> cfgs;
  std::vector<int> kcs, ncs, vs;
  for (int i = 1; i < argc; ++i) {
    char name[64] = {0};
    int kc = 0, nc = 0, v = 0;
    sscanf(argv[i], "%63[a-z]@%d,%d,%d", name, &kc, &nc, &v);
    kcs.push_back(kc), ncs.push_back(nc), vs.push_back(v);
    const gpt2::KernelFamily* family = gpt2::Registry::Get().Find(name);
    if (family == nullptr) {
      std::fprintf(stderr, "gemm_ab: no kernel family '%s'\n", argv[i]);
      return 1;
    }
    cfgs.push_back(&family->kernels);
  }
  if (cfgs.empty()) {
    std::fprintf(stderr, "usage: gemm_ab FAMILY...   (e.g. gemm_ab highway openblas)\n");
    return 1;
  }
  omp_set_num_threads(1);
  gpt2::FmaBurst burst;
  const int B = getenv("B") ? atoi(getenv("B")) : 4, T = getenv("T") ? atoi(getenv("T")) : 64,
            M = B * T;
  for (const Shape& s : all) {
    if (!pick.empty() && pick.find(s.name) == std::string::npos) continue;
    float* inp = HugePageBuffer(size_t(M) * s.C, 1);
    float* w = HugePageBuffer(size_t(s.OC) * s.C, 0.02f);
    float* bias = HugePageBuffer(s.OC, 0.1f);
    float* out = HugePageBuffer(size_t(M) * s.OC, 0);
    float* dout = HugePageBuffer(size_t(M) * s.OC, 1e-3f);
    float* dinp = HugePageBuffer(size_t(M) * s.C, 0);
    float* dw = HugePageBuffer(size_t(s.OC) * s.C, 0);
    float* dbias = HugePageBuffer(s.OC, 0);
    const double flops = 2.0 * M * s.C * s.OC;
    for (int pass = 0; pass < 4; ++pass) {  // 0: forward, 1: backward (both products)
      std::vector<std::vector<double>> f(cfgs.size());
      for (int r = 0; r <= reps; ++r) {
        for (size_t c = 0; c < cfgs.size(); ++c) {
          const gpt2::KernelTable& k = *cfgs[c];
          gpt2_exp_kc = kcs[c], gpt2_exp_nc = ncs[c], gpt2_exp_v = vs[c];
          const auto t0 = std::chrono::steady_clock::now();
          if (pass == 0) {
            k.matmul_forward(out, inp, w, bias, B, T, s.C, s.OC);
          } else if (pass == 1) {
            k.matmul_backward(dinp, dw, dbias, dout, inp, w, B, T, s.C, s.OC);
          } else if (pass == 2) {
            k.matmul_backward(dinp, nullptr, nullptr, dout, inp, w, B, T, s.C, s.OC);
          } else {
            k.matmul_backward(nullptr, dw, dbias, dout, inp, w, B, T, s.C, s.OC);
          }
          const double sec =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
          const double peak = burst.RunAsLongAs(sec);
          if (r > 0) f[c].push_back(flops * (pass == 1 ? 2 : 1) / sec * 1e-9 / peak);
        }
      }
      std::printf("%-8s %-8s", s.name,
                  pass == 0   ? "forward"
                  : pass == 1 ? "backward"
                  : pass == 2 ? "dinp"
                              : "dweight");
      for (size_t c = 0; c < cfgs.size(); ++c) {
        std::sort(f[c].begin(), f[c].end());
        std::printf("  %s=%.1f%%", argv[c + 1], 100 * f[c][f[c].size() / 2]);
      }
      std::printf("\n");
      std::fflush(stdout);
    }
  }
  return 0;
}
