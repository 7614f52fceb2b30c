// Times highway's matmul_backward one product at a time (dinp alone, then dweight alone) at one
// shape, 1 thread, on buffers aligned and advised as the model's (2 MiB, huge pages), warm;
// prints the median of `reps` calls after two untimed ones. A measurement tool for this results
// folder, linked against a build's kernel library:
//   g++ -O2 -std=c++17 -fopenmp -I. results/zen5-2026-12-01-packing/gemm_parts.cc \
//       -o /tmp/gemm_parts build/kernels/libgpt2_kernels.a -lhwy -lopenblas
//   OMP_PROC_BIND=true /tmp/gemm_parts C OC B T [reps]     (e.g. 768 2304 4 64 15)
#include <omp.h>
#include <sys/mman.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include "kernels/registry.h"
template <class T>
struct Big {
  T* d;
  size_t n;
  Big(size_t n_, T val) : n(n_) {
    size_t b = (n * sizeof(T) + (2 << 20) - 1) / (2 << 20) * (2 << 20);
    d = (T*)aligned_alloc(2 << 20, b);
    madvise(d, b, MADV_HUGEPAGE);
    std::fill(d, d + n, val);
  }
  T& operator[](size_t i) { return d[i]; }
  size_t size() const { return n; }
  T* data() { return d; }
};
using namespace gpt2;
double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
int main(int argc, char** argv) {
  int C = atoi(argv[1]), OC = atoi(argv[2]), B = atoi(argv[3]), T = atoi(argv[4]);
  int reps = argc > 5 ? atoi(argv[5]) : 15;
  const char* fam = getenv("FAM") ? getenv("FAM") : "highway";
  omp_set_num_threads(1);
  const KernelTable& k = Registry::Get().Find(fam)->kernels;
  const int M = B * T;
  Big<float> inp((size_t)M * C, 0.5f), dinp((size_t)M * C, 0.f), dout((size_t)M * OC, 0.25f),
      w((size_t)OC * C, 0.01f), dw((size_t)OC * C, 0.f);
  for (size_t i = 0; i < inp.size(); ++i) inp[i] = (i % 13) * 0.1f;
  double fl = 2.0 * M * C * OC;
  for (int mode = 0; mode < 2; ++mode) {
    std::vector<double> ts;
    for (int it = 0; it < reps + 2; ++it) {
      double t0 = now();
      if (mode == 0)
        k.matmul_backward(dinp.data(), nullptr, nullptr, dout.data(), inp.data(), w.data(), B, T, C,
                          OC);
      else
        k.matmul_backward(nullptr, dw.data(), nullptr, dout.data(), inp.data(), w.data(), B, T, C,
                          OC);
      double t1 = now();
      if (it >= 2) ts.push_back(t1 - t0);
    }
    std::sort(ts.begin(), ts.end());
    printf("%s C%d OC%d M%d %s: median %.3f ms %.1f GF/s (min %.3f)\n", fam, C, OC, M,
           mode ? "dW  " : "dinp", ts[ts.size() / 2] * 1e3, fl / ts[ts.size() / 2] * 1e-9,
           ts[0] * 1e3);
  }
}
