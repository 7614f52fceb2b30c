// Where the highway GEMMs lose their 2-thread scaling: GPT-2 d12's matmuls at B=4 T=64 (env B, T)
// swept as a training step meets them (12 layers' qkv, attproj, fc and fcproj, then the LM head,
// each layer with its own weights, so they come from memory as in a step), one sweep at 1 thread
// and one at 2 alternately, ROUNDS rounds (default 7). Three products a sweep, each timed call by
// call: the forward, dinp alone (matmul_backward) and the weight gradient with its AdamW step
// (matmul_backward_adamw without dinp). After each sweep an FMA burst (bench/fma_peak.cc) as long
// as the sweep, at the same thread count. Prints, per shape and product, the medians over rounds
// of the 1- and 2-thread times (summed over the 12 layers), their ratio, and each as a share of
// its burst's peak. TOUCH=1 first rewrites each call's activations (inputs and output) split by
// rows over the threads (TouchByRows), untimed.
// Build: g++ -O3 -DNDEBUG -fopenmp -std=c++17 -I. <this file> bench/fma_peak.cc
//        build/kernels/libgpt2_kernels.a -lhwy -lopenblas
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bench/fma_peak.h"
#include "kernels/registry.h"
#include "results/zen5-2026-12-06/lmhead_harness.h"

namespace {

struct Shape {
  const char* name;
  int C, OC, copies;  // copies: 12 layers' weights, or the one LM head
};

struct Operands {
  float *inp, *out, *dout, *dinp;
  gpt2::AdamwTensor weight, bias;
};

double Seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Rewrites rows × cols floats with OpenMP's static split of rows, as the row-parallel kernels
// around a matmul in a step (layernorm, gelu, residual) leave their outputs: half of them in the
// other core's cache at 2 threads.
void TouchByRows(float* x, int rows, int cols) {
#pragma omp parallel for schedule(static)
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) x[size_t(r) * cols + c] += 1e-30f;
  }
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main() {
  const Shape shapes[] = {{"qkv", 768, 2304, 12},
                          {"attproj", 768, 768, 12},
                          {"fc", 768, 3072, 12},
                          {"fcproj", 3072, 768, 12},
                          {"lmhead", 768, 50304, 1}};
  constexpr int kShapes = 5, kProducts = 3;
  const char* products[kProducts] = {"forward", "dinp", "dweight+adamw"};
  const int B = getenv("B") ? atoi(getenv("B")) : 4, T = getenv("T") ? atoi(getenv("T")) : 64;
  const int rounds = getenv("ROUNDS") ? atoi(getenv("ROUNDS")) : 7, M = B * T;
  const bool touch = getenv("TOUCH") && atoi(getenv("TOUCH")) != 0;
  const gpt2::KernelTable& k = gpt2::Registry::Get().Find("highway")->kernels;
  const gpt2::AdamwStep step{1e-4f, 0.9f, 0.999f, 1e-8f, 0.0f, 1};

  std::vector<std::vector<Operands>> ops(kShapes);
  for (int s = 0; s < kShapes; ++s) {
    const Shape& sh = shapes[s];
    for (int l = 0; l < sh.copies; ++l) {
      const size_t w = size_t(sh.OC) * sh.C;
      ops[s].push_back({HugePageBuffer(size_t(M) * sh.C, 1),
                        HugePageBuffer(size_t(M) * sh.OC, 0),
                        HugePageBuffer(size_t(M) * sh.OC, 1e-3f),
                        HugePageBuffer(size_t(M) * sh.C, 0),
                        {HugePageBuffer(w, 0.02f), HugePageBuffer(w, 0), HugePageBuffer(w, 0),
                         HugePageBuffer(w, 0)},
                        {HugePageBuffer(sh.OC, 0.1f), HugePageBuffer(sh.OC, 0),
                         HugePageBuffer(sh.OC, 0), HugePageBuffer(sh.OC, 0)}});
    }
  }

  // seconds[threads - 1][shape][product]: one entry per round (the layers' calls summed).
  std::vector<double> seconds[2][kShapes][kProducts], peak[2];
  gpt2::FmaBurst burst[2];
  for (int r = 0; r <= rounds; ++r) {  // round 0 warms up, untimed
    for (int threads = 1; threads <= 2; ++threads) {
      omp_set_num_threads(threads);
      double sum[kShapes][kProducts] = {};
      const auto sweep0 = std::chrono::steady_clock::now();
      for (int p = 0; p < kProducts; ++p) {
        for (int l = 0; l < 12; ++l) {
          for (int s = 0; s < kShapes; ++s) {
            if (l >= shapes[s].copies) continue;
            const Operands& o = ops[s][l];
            const int C = shapes[s].C, OC = shapes[s].OC;
            if (touch) {
              TouchByRows(p == 0 ? o.inp : o.dout, M, p == 0 ? C : OC);
              TouchByRows(p == 0 ? o.out : o.dinp, M, p == 0 ? OC : C);
              if (p == 2) TouchByRows(o.inp, M, C);
            }
            const auto t0 = std::chrono::steady_clock::now();
            if (p == 0) {
              k.matmul_forward(o.out, o.inp, o.weight.param, o.bias.param, B, T, C, OC);
            } else if (p == 1) {
              k.matmul_backward(o.dinp, nullptr, nullptr, o.dout, o.inp, o.weight.param, B, T, C,
                                OC);
            } else {
              k.matmul_backward_adamw(nullptr, o.weight, o.bias, o.dout, o.inp, B, T, C, OC, step,
                                      false);
            }
            sum[s][p] += Seconds(t0);
          }
        }
      }
      const double gflops = burst[threads - 1].RunAsLongAs(Seconds(sweep0));
      if (r == 0) continue;
      peak[threads - 1].push_back(gflops);
      for (int s = 0; s < kShapes; ++s) {
        for (int p = 0; p < kProducts; ++p) seconds[threads - 1][s][p].push_back(sum[s][p]);
      }
    }
  }

  const double peak1 = Median(peak[0]), peak2 = Median(peak[1]);
  std::printf("B=%d T=%d, %d rounds; FMA burst %.1f GFLOP/s at 1 thread, %.1f at 2 (%.2fx)\n", B, T,
              rounds, peak1, peak2, peak2 / peak1);
  std::printf("%-8s %-14s %10s %10s %6s %8s %8s\n", "shape", "product", "1t ms", "2t ms", "2t/1t",
              "1t peak", "2t peak");
  double total[2] = {};
  for (int s = 0; s < kShapes; ++s) {
    const double flops = 2.0 * M * shapes[s].C * shapes[s].OC * shapes[s].copies;
    for (int p = 0; p < kProducts; ++p) {
      const double t1 = Median(seconds[0][s][p]), t2 = Median(seconds[1][s][p]);
      total[0] += t1, total[1] += t2;
      std::printf("%-8s %-14s %10.2f %10.2f %6.2f %7.1f%% %7.1f%%\n", shapes[s].name, products[p],
                  t1 * 1e3, t2 * 1e3, t1 / t2, 100 * flops / t1 * 1e-9 / peak1,
                  100 * flops / t2 * 1e-9 / peak2);
    }
  }
  std::printf("sum of medians: %.1f ms at 1 thread, %.1f at 2 (%.2fx)\n", total[0] * 1e3,
              total[1] * 1e3, total[0] / total[1]);
  return 0;
}
