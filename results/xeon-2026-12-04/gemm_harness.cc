#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include "hwy/highway.h"
#include "kernels/highway_gemm-inl.h"
namespace hn = hwy::HWY_NAMESPACE;
using namespace gpt2::HWY_NAMESPACE;
int main(int argc, char** argv) {
  size_t M = atoi(argv[1]), N = atoi(argv[2]), K = atoi(argv[3]);
  int reps = argc > 4 ? atoi(argv[4]) : 200;
  size_t lda = argc > 5 ? atoi(argv[5]) : K, ldb = argc > 6 ? atoi(argv[6]) : N;
  size_t na = M * std::max(lda, K), nb = K * std::max(ldb, N);
  float* A = (float*)aligned_alloc(64, (na * 4 + 63) / 64 * 64);
  float* B = (float*)aligned_alloc(64, (nb * 4 + 63) / 64 * 64);
  float* C = (float*)aligned_alloc(64, (M * N * 4 + 63) / 64 * 64);
  for (size_t i = 0; i < nb; ++i) B[i] = 0.25f;
  for (size_t i = 0; i < na; ++i) A[i] = (i % 7) * 0.1f;
  double best = 1e9;
  for (int round = 0; round < 5; ++round) {
    auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < reps; ++r)
      Gemm(M, N, K, 1.0f, {A, lda, 1}, {B, ldb, 1}, C, N, OverwriteEpilogue());
    auto t1 = std::chrono::steady_clock::now();
    double s = std::chrono::duration<double>(t1 - t0).count() / reps;
    if (s < best) best = s;
  }
  printf("%s ", hwy::TargetName(HWY_TARGET));
  printf("M=%zu N=%zu K=%zu: %.1f GFLOP/s (C[7]=%g)\n", M, N, K, 2.0 * M * N * K / best / 1e9,
         C[7]);
}
