// results/xeon-2026-12-08/ab/adamw_epilogue_ab.cc adapted to this session's temporary patches:
// each argument MODE:0 sets the global gpt2_ab_mode = MODE for its sweeps (the second number is
// unused), and the LM head passes per-row gradient-sum flags (the kernel's interface since
// 54b7aeb). The weight gradient with its AdamW step (matmul_backward_adamw, no dinp) at GPT-2 d12's
// shapes, B=4 T=64 (env T): 12 layers' weights each (so they come from memory as in a step), the LM
// head, and "hot": a 96 × 768 weight called 12 times. First checks that every setting leaves the
// first setting's bits in param, m, v and the gradient over two steps; then alternates the settings
// sweep by sweep, ROUNDS rounds (default 7), THREADS threads (default 1), and prints each shape's
// median milliseconds (summed over the calls) and its ratio to the first setting. Build: g++ -O2
// -fopenmp -std=c++17 -I. <this file> build/kernels/libgpt2_kernels.a -lhwy -lopenblas
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/registry.h"
#include "results/zen5-2026-12-06/lmhead_harness.h"

namespace {

struct Shape {
  const char* name;
  int C, OC, copies;
};

struct Operands {
  float *inp, *dout;
  gpt2::AdamwTensor weight, bias;
};

// A weight-sized tensor set: param, grad (sparse sums where has_sums, else zero), m, v.
gpt2::AdamwTensor Tensor(size_t n, bool has_sums) {
  gpt2::AdamwTensor t{HugePageBuffer(n, 0.02f), HugePageBuffer(n, 0), HugePageBuffer(n, 1e-3f),
                      HugePageBuffer(n, 1e-6f)};
  if (has_sums) {
    for (size_t i = 0; i < n; i += 4096 + 13) t.grad[i] = 0.5f;  // a few rows' worth of tokens
  }
  return t;
}

void Copy(const gpt2::AdamwTensor& from, const gpt2::AdamwTensor& to, size_t n) {
  std::memcpy(to.param, from.param, n * 4), std::memcpy(to.grad, from.grad, n * 4);
  std::memcpy(to.m, from.m, n * 4), std::memcpy(to.v, from.v, n * 4);
}

bool Same(const gpt2::AdamwTensor& a, const gpt2::AdamwTensor& b, size_t n) {
  return !std::memcmp(a.param, b.param, n * 4) && !std::memcmp(a.grad, b.grad, n * 4) &&
         !std::memcmp(a.m, b.m, n * 4) && !std::memcmp(a.v, b.v, n * 4);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

extern "C" int gpt2_ab_mode;

int main(int argc, char** argv) {
  const Shape shapes[] = {{"qkv", 768, 2304, 12},    {"attproj", 768, 768, 12},
                          {"fc", 768, 3072, 12},     {"fcproj", 3072, 768, 12},
                          {"lmhead", 768, 50304, 1}, {"hot", 768, 96, 1}};
  constexpr int kShapes = 6;
  const int B = 4, T = getenv("T") ? atoi(getenv("T")) : 64, M = B * T;
  const int rounds = getenv("ROUNDS") ? atoi(getenv("ROUNDS")) : 7;
  const int threads = getenv("THREADS") ? atoi(getenv("THREADS")) : 1;
  omp_set_num_threads(threads);
  const gpt2::KernelTable& k = gpt2::Registry::Get().Find("highway")->kernels;
  const gpt2::AdamwStep step{1e-4f, 0.9f, 0.999f, 1e-8f, 0.01f, 3};
  std::vector<int> blocks, pfs;
  for (int i = 1; i < argc; ++i) {
    int b = 0, pf = 0;
    if (sscanf(argv[i], "%d:%d", &b, &pf) != 2) {
      std::fprintf(stderr, "usage: adamw_epilogue_ab BLOCK:PF...\n");
      return 1;
    }
    blocks.push_back(b), pfs.push_back(pf);
  }
  const int settings = static_cast<int>(blocks.size());
  if (settings == 0) {
    std::fprintf(stderr, "usage: adamw_epilogue_ab BLOCK:PF...\n");
    return 1;
  }
  const auto set = [&](int i) { gpt2_ab_mode = blocks[i]; };

  std::vector<uint8_t> lm_flags(50304, 0);
  for (size_t i = 0; i < size_t(50304) * 768; i += 4096 + 13) lm_flags[i / 768] = 1;
  std::vector<std::vector<Operands>> ops(kShapes);
  for (int s = 0; s < kShapes; ++s) {
    const Shape& sh = shapes[s];
    const bool has_sums = s == 4;
    for (int l = 0; l < sh.copies; ++l) {
      ops[s].push_back({HugePageBuffer(size_t(M) * sh.C, 1),
                        HugePageBuffer(size_t(M) * sh.OC, 1e-3f),
                        Tensor(size_t(sh.OC) * sh.C, has_sums), Tensor(sh.OC, false)});
    }
    // Every setting from the same state, two steps each, against the first setting.
    const size_t n = size_t(sh.OC) * sh.C;
    const Operands& o = ops[s][0];
    gpt2::AdamwTensor w0 = Tensor(n, false), b0 = Tensor(sh.OC, false);
    gpt2::AdamwTensor w1 = Tensor(n, false), b1 = Tensor(sh.OC, false);
    Copy(o.weight, w0, n), Copy(o.bias, b0, sh.OC);
    for (int i = 0; i < settings; ++i) {
      Copy(w0, w1, n), Copy(b0, b1, sh.OC);
      set(i);
      for (int t = 0; t < 2; ++t) {
        k.matmul_backward_adamw(nullptr, w1, b1, o.dout, o.inp, B, T, sh.C, sh.OC, step,
                                has_sums ? lm_flags.data() : nullptr);
      }
      if (i == 0) {
        Copy(w1, o.weight, n), Copy(b1, o.bias, sh.OC);
      } else if (!Same(o.weight, w1, n) || !Same(o.bias, b1, sh.OC)) {
        std::printf("%-8s %s: DIFFERENT bits from %s\n", sh.name, argv[i + 1], argv[1]);
        return 1;
      }
    }
    std::printf("%-8s every setting leaves the same bits\n", sh.name);
  }

  std::vector<std::vector<double>> seconds(settings * kShapes);
  for (int r = 0; r <= rounds; ++r) {
    for (int i = 0; i < settings; ++i) {
      set(i);
      double sum[kShapes] = {};
      for (int l = 0; l < 12; ++l) {
        for (int s = 0; s < kShapes; ++s) {
          if (l >= shapes[s].copies && s != 5) continue;
          const Operands& o = ops[s][s == 5 ? 0 : l];
          const auto t0 = std::chrono::steady_clock::now();
          k.matmul_backward_adamw(nullptr, o.weight, o.bias, o.dout, o.inp, B, T, shapes[s].C,
                                  shapes[s].OC, step, s == 4 ? lm_flags.data() : nullptr);
          sum[s] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        }
      }
      if (r > 0) {
        for (int s = 0; s < kShapes; ++s) seconds[i * kShapes + s].push_back(sum[s]);
      }
    }
  }
  std::printf("B=%d T=%d, %d threads, %d rounds (ms, medians; ratio to %s)\n", B, T, threads,
              rounds, argv[1]);
  std::vector<double> total(settings);
  for (int s = 0; s <= kShapes; ++s) {
    std::printf("%-8s", s < kShapes ? shapes[s].name : "all");
    const double first = s < kShapes ? Median(seconds[s]) : total[0];
    for (int i = 0; i < settings; ++i) {
      const double t = s < kShapes ? Median(seconds[i * kShapes + s]) : total[i];
      if (s < kShapes) total[i] += t;
      std::printf("  %s %8.2f (%.3f)", argv[i + 1], t * 1e3, t / first);
    }
    std::printf("\n");
  }
  return 0;
}
