// results/xeon-2026-12-09/ab/attention_cold_hot.cc with gpt2_ab_mode alternated round by round
// (ROUNDS, default 22; the first two untimed): attention_forward and attention_backward at d12
// shapes (B=4, T=64), THREADS threads (default 1), over 12 layers' distinct buffers after a cache
// flush (cold, as in a step) and over one set reused (hot); medians of per-call ms for each mode.
// With attention_prefetch_experiment.patch: 0 as built, 1 each head asks for the next head's lines.
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
int main() {
  omp_set_num_threads(atoi(getenv("THREADS") ? getenv("THREADS") : "1"));
  const int B = 4, T = 64, C = 768, NH = 12, L = 12;
  const auto& k = gpt2::Registry::Get().Find(getenv("FAM") ? getenv("FAM") : "highway")->kernels;
  struct Bufs {
    float *inp, *out, *preatt, *att, *dinp, *dout, *dpreatt, *datt;
  };
  std::vector<Bufs> bs;
  const size_t BTC = size_t(B) * T * C, A = size_t(B) * NH * T * T;
  for (int l = 0; l < L; ++l)
    bs.push_back({HugePageBuffer(3 * BTC, 1), HugePageBuffer(BTC, 0), HugePageBuffer(A, 0),
                  HugePageBuffer(A, 0), HugePageBuffer(3 * BTC, 0), HugePageBuffer(BTC, 0.01f),
                  HugePageBuffer(A, 0), HugePageBuffer(A, 0)});
  CacheFlush flush;
  std::vector<double> fc[2], bc[2], fh[2], bh[2];
  auto now = [] { return std::chrono::steady_clock::now(); };
  auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  const int rounds = getenv("ROUNDS") ? atoi(getenv("ROUNDS")) : 22;
  for (int r = 0; r < rounds; ++r) {
    const int mode = r % 2;
    gpt2_ab_mode = mode;
    flush();
    auto t0 = now();
    for (int l = 0; l < L; ++l)
      k.attention_forward(bs[l].out, bs[l].preatt, bs[l].att, bs[l].inp, B, T, C, NH);
    auto t1 = now();
    for (int l = L - 1; l >= 0; --l) {
      std::fill(bs[l].dpreatt, bs[l].dpreatt + A, 0.f);
      std::fill(bs[l].datt, bs[l].datt + A, 0.f);
    }
    flush();
    auto t2 = now();
    for (int l = L - 1; l >= 0; --l)
      k.attention_backward(bs[l].dinp, bs[l].dpreatt, bs[l].datt, bs[l].dout, bs[l].inp, bs[l].att,
                           B, T, C, NH);
    auto t3 = now();
    auto t4 = now();
    for (int l = 0; l < L; ++l)
      k.attention_forward(bs[0].out, bs[0].preatt, bs[0].att, bs[0].inp, B, T, C, NH);
    auto t5 = now();
    for (int l = 0; l < L; ++l)
      k.attention_backward(bs[0].dinp, bs[0].dpreatt, bs[0].datt, bs[0].dout, bs[0].inp, bs[0].att,
                           B, T, C, NH);
    auto t6 = now();
    if (r >= 2) {
      fc[mode].push_back(ms(t0, t1) / L);
      bc[mode].push_back(ms(t2, t3) / L);
      fh[mode].push_back(ms(t4, t5) / L);
      bh[mode].push_back(ms(t5, t6) / L);
    }
  }
  auto med = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  for (int m = 0; m < 2; ++m)
    std::printf("mode %d per call ms: forward cold %.3f hot %.3f; backward cold %.3f hot %.3f\n", m,
                med(fc[m]), med(fh[m]), med(bc[m]), med(bh[m]));
}
