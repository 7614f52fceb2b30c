// attention_forward and attention_backward at d12 shapes (B=4, T=64), 1 thread: over 12 layers'
// distinct buffers after a cache flush (cold, as in a step) and over one set reused (hot);
// medians of 7 rounds of per-call ms. Build as ab/step_ab.cc, with build/kernels/libgpt2_kernels.a.
#include <omp.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include "kernels/registry.h"
#include "results/zen5-2026-12-06/lmhead_harness.h"
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
  std::vector<double> fc, bc, fh, bh;
  auto now = [] { return std::chrono::steady_clock::now(); };
  auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  for (int r = 0; r < 8; ++r) {
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
    if (r) {
      fc.push_back(ms(t0, t1) / L);
      bc.push_back(ms(t2, t3) / L);
      fh.push_back(ms(t4, t5) / L);
      bh.push_back(ms(t5, t6) / L);
    }
  }
  auto med = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::printf("per call ms: forward cold %.3f hot %.3f; backward cold %.3f hot %.3f\n", med(fc),
              med(fh), med(bc), med(bh));
}
