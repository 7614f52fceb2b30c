// In-process A/B of experiment configs on the highway matmul, 1 thread, interleaved call by
// call, each call followed by an FMA burst as long as it (the "paired" column); prints medians.
// The configs set gpt2_exp[0..7], read by hooks patched into a scratch copy of the kernels
// (experiment_hooks.diff, never in the tree), which also time the transposes and the separate
// bias pass inside the call (gpt2_exp_time). A measurement tool for this folder:
//   g++ -O2 -std=c++17 -fopenmp -I. ab.cc build/bench/CMakeFiles/bench_kernels.dir/fma_peak.cc.o \
//       -o ab build/kernels/libgpt2_kernels.a -lhwy -lopenblas      (in the patched tree)
//   OMP_PROC_BIND=true OMP_PLACES=cores ab C OC B T reps parts cfg...
// parts: a bitmask, 1 dinp alone, 2 dW alone, 4 matmul_backward_adamw, 8 the whole
// matmul_backward (dinp, dW, dbias), 16 matmul_forward; cfg: e0,e1,... (the first is the base).
#include <omp.h>
#include <sys/mman.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>
#include "bench/fma_peak.h"
#include "kernels/registry.h"
extern "C" int gpt2_exp[8];
extern "C" double gpt2_exp_time[4];
using namespace gpt2;
static float* Big(size_t n, float v) {
  size_t b = (n * 4 + (2 << 20) - 1) / (2 << 20) * (2 << 20);
  float* d = (float*)aligned_alloc(2 << 20, b);
  madvise(d, b, MADV_HUGEPAGE);
  for (size_t i = 0; i < n; ++i) d[i] = v * ((i % 13) - 6);
  return d;
}
static double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
int main(int argc, char** argv) {
  int C = atoi(argv[1]), OC = atoi(argv[2]), B = atoi(argv[3]), T = atoi(argv[4]);
  int reps = atoi(argv[5]), mask = atoi(argv[6]);
  std::vector<std::vector<int>> cfgs;
  for (int a = 7; a < argc; ++a) {
    std::vector<int> c(8, 0);
    char buf[256];
    strncpy(buf, argv[a], 255);
    int i = 0;
    for (char* t = strtok(buf, ","); t && i < 8; t = strtok(nullptr, ",")) c[i++] = atoi(t);
    cfgs.push_back(c);
  }
  omp_set_num_threads(1);
  const KernelTable& k = Registry::Get().Find(getenv("FAM") ? getenv("FAM") : "highway")->kernels;
  const size_t M = (size_t)B * T;
  float *inp = Big(M * C, 0.05f), *dinp = Big(M * C, 0), *dout = Big(M * OC, 0.01f),
        *w = Big((size_t)OC * C, 0.01f), *dw = Big((size_t)OC * C, 0), *db = Big(OC, 0);
  float *wm = Big((size_t)OC * C, 0), *wv = Big((size_t)OC * C, 0), *bp = Big(OC, 0.01f),
        *bm = Big(OC, 0), *bv = Big(OC, 0);
  AdamwStep step{1e-4f, 0.9f, 0.999f, 1e-8f, 0.0f, 1};
  const char* names[5] = {"dinp", "dW", "adamw", "all", "fwd"};
  double fl[5] = {2.0 * M * C * OC, 2.0 * M * C * OC, 4.0 * M * C * OC, 4.0 * M * C * OC,
                  2.0 * M * C * OC};
  float* out = Big(M * OC, 0);
  size_t nc = cfgs.size();
  std::vector<std::vector<double>> ts(5 * nc), fr(5 * nc), tt(5 * nc), tb(5 * nc);
  double sinkf = 0;
  for (int it = 0; it < reps + 1; ++it) {
    for (int mode = 0; mode < 5; ++mode) {
      if (!(mask >> mode & 1)) continue;
      for (size_t ci = 0; ci < nc; ++ci) {
        for (int i = 0; i < 8; ++i) gpt2_exp[i] = cfgs[ci][i];
        gpt2_exp_time[0] = gpt2_exp_time[1] = 0;
        double t0 = now();
        if (mode == 4)
          k.matmul_forward(out, inp, w, db, B, T, C, OC);
        else if (mode == 2)
          k.matmul_backward_adamw(dinp, {w, dw, wm, wv}, {bp, db, bm, bv}, dout, inp, B, T, C, OC,
                                  step, false);
        else
          k.matmul_backward(mode == 0 || mode == 3 ? dinp : nullptr,
                            mode == 1 || mode == 3 ? dw : nullptr, mode == 3 ? db : nullptr, dout,
                            inp, w, B, T, C, OC);
        double t1 = now();
        long iters = std::max(1L, (long)((t1 - t0) * 250e9 / 512));
        double f;
        double b0 = now();
        sinkf += RunFmaLoopOnAllThreads(iters, &f);
        double b1 = now();
        if (it >= 1) {
          ts[mode * nc + ci].push_back(t1 - t0);
          tt[mode * nc + ci].push_back(gpt2_exp_time[0]);
          tb[mode * nc + ci].push_back(gpt2_exp_time[1]);
          fr[mode * nc + ci].push_back(fl[mode] / (t1 - t0) / (f / (b1 - b0)));
        }
      }
    }
  }
  for (int mode = 0; mode < 5; ++mode) {
    if (!(mask >> mode & 1)) continue;
    double base = 0;
    for (size_t ci = 0; ci < nc; ++ci) {
      auto t = ts[mode * nc + ci], f = fr[mode * nc + ci];
      std::sort(t.begin(), t.end());
      std::sort(f.begin(), f.end());
      auto x = tt[mode * nc + ci], y = tb[mode * nc + ci];
      std::sort(x.begin(), x.end());
      std::sort(y.begin(), y.end());
      printf("   transpose %.3f ms, bias %.3f ms (medians)\n", x[x.size() / 2] * 1e3,
             y[y.size() / 2] * 1e3);
      double med = t[t.size() / 2];
      if (ci == 0) base = med;
      printf("C%d OC%d M%zu %-5s cfg %-12s median %8.3f ms (%+5.1f%%) %6.1f GF/s paired %5.1f%%\n",
             C, OC, M, names[mode], argv[7 + ci], med * 1e3, 100 * (med / base - 1),
             fl[mode] / med * 1e-9, 100 * f[f.size() / 2]);
    }
  }
  return sinkf == 12345.0;
}
