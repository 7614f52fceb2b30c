// results/xeon-2026-12-09/ab/step_ab.cc with the model's own switch instead of a patch: steps
// alternate between matmul_forward then gelu_forward (mode 0, the default) and the fused
// matmul_gelu_forward (mode 1, --fuse-matmul-gelu); medians of the forward, ZeroGrad, backward +
// update and the whole step. d12, highway, THREADS threads, STEPS steps after 2 untimed ones.
// Build: g++ -O2 -fopenmp -std=c++17 -I. <this file> build/gpt2/libgpt2_model.a
//        build/gpt2/libgpt2_io.a build/kernels/libgpt2_kernels.a -lhwy -lopenblas
#include <omp.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include "gpt2/config.h"
#include "gpt2/dataloader.h"
#include "gpt2/init.h"
#include "gpt2/model.h"
#include "gpt2/synthetic_data.h"
#include "kernels/kernel_set.h"
using namespace gpt2;

int main() {
  omp_set_num_threads(atoi(getenv("THREADS") ? getenv("THREADS") : "1"));
  const int B = getenv("B") ? atoi(getenv("B")) : 4, T = getenv("T") ? atoi(getenv("T")) : 64,
            steps = getenv("STEPS") ? atoi(getenv("STEPS")) : 16;
  GPT2Config config = ParseModelSpec("d12", "--model");
  GPT2 model(config, B, T);
  InitRandom(model, 1337);
  DataLoader data(SyntheticTokens(1337, 0, config.vocab_size, size_t(B) * T * 64 + 1), "s", B, T);
  KernelSet k = KernelSet::Resolve({"highway", {}});
  std::vector<double> f[2], z[2], b[2], w[2];
  auto now = [] { return std::chrono::steady_clock::now(); };
  auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  for (int s = 0; s < steps + 2; ++s) {
    const int mode = s % 2;
    model.set_fuse_matmul_gelu(mode == 1);
    data.NextBatch();
    auto t0 = now();
    model.Forward(k, data.inputs(), data.targets());
    auto t1 = now();
    model.ZeroGrad();
    auto t2 = now();
    model.BackwardAndUpdate(k, AdamwConfig{}, s + 1, true);
    auto t3 = now();
    if (s >= 2) {
      f[mode].push_back(ms(t0, t1));
      z[mode].push_back(ms(t1, t2));
      b[mode].push_back(ms(t2, t3));
      w[mode].push_back(ms(t0, t3));
    }
  }
  auto med = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  for (int m = 0; m < 2; ++m)
    std::printf(
        "mode %d: forward %.1f  zerograd %.2f  backward+update %.1f  step %.1f ms (medians of "
        "%zu)\n",
        m, med(f[m]), med(z[m]), med(b[m]), med(w[m]), f[m].size());
}
