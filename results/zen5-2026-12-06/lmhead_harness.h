// What the LM head harnesses of results/zen5-2026-12-06*/ share: buffers in transparent huge
// pages, filled with a fixed pattern before timing (so no call pays first-touch faults), and a
// cache flush (64 MiB touched, more than this machine's L2 and its share of L3).
#pragma once
#include <sys/mman.h>

#include <chrono>
#include <cstdlib>
#include <vector>

#include "kernels/registry.h"

// n floats, 2 MiB aligned, each scale · (a hash of its index mod 1000) / 1000.
inline float* HugePageBuffer(size_t n, float scale) {
  const size_t huge = size_t{2} << 20, bytes = (n * sizeof(float) + huge - 1) / huge * huge;
  void* p = aligned_alloc(huge, bytes);
  madvise(p, bytes, MADV_HUGEPAGE);
  float* f = static_cast<float*>(p);
  for (size_t i = 0; i < n; ++i) f[i] = scale * ((i * 2654435761u) % 1000) / 1000.0f;
  return f;
}

struct CacheFlush {
  std::vector<char> bytes = std::vector<char>(size_t{64} << 20, 1);
  void operator()() {
    for (size_t i = 0; i < bytes.size(); i += 64) bytes[i]++;
  }
};

// The LM head's backward operands at B·T = M rows (C = 768, the padded vocabulary OC = 50304),
// and either product alone through the highway family, timed.
struct LmHeadBackward {
  static constexpr int C = 768, OC = 50304;
  const gpt2::KernelTable& highway = gpt2::Registry::Get().Find("highway")->kernels;
  int M;
  float *dout, *inp, *w, *dinp, *dw;
  explicit LmHeadBackward(int m)
      : M(m),
        dout(HugePageBuffer(size_t(m) * OC, 1e-3f)),
        inp(HugePageBuffer(size_t(m) * C, 1)),
        w(HugePageBuffer(size_t(OC) * C, 0.02f)),
        dinp(HugePageBuffer(size_t(m) * C, 0)),
        dw(HugePageBuffer(size_t(OC) * C, 0)) {}
  double FlopsPerProduct() const { return 2.0 * M * C * OC; }
  // Seconds for dinp += dout · w (weight_gradient false) or dw += doutᵀ · inp.
  double Time(bool weight_gradient) const {
    const auto t0 = std::chrono::steady_clock::now();
    if (weight_gradient) {
      highway.matmul_backward(nullptr, dw, nullptr, dout, inp, w, 1, M, C, OC);
    } else {
      highway.matmul_backward(dinp, nullptr, nullptr, dout, inp, w, 1, M, C, OC);
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
};
