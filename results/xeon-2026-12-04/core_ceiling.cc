// In-core ceiling of register-blocked FMA kernels on this CPU: A interleaved (R floats a step),
// B V vectors a step, everything in L1.
#include <immintrin.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
template <int R, int V>
__attribute__((noinline)) void Kernel(const float* a, const float* b, float* c, long kc) {
  __m512 acc[R][V];
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < V; ++v) acc[r][v] = _mm512_setzero_ps();
  for (long p = 0; p < kc; ++p) {
    __m512 bv[V];
    for (int v = 0; v < V; ++v) bv[v] = _mm512_load_ps(b + p * 16 * V + 16 * v);
    for (int r = 0; r < R; ++r) {
      __m512 av = _mm512_set1_ps(a[p * R + r]);
      for (int v = 0; v < V; ++v) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
    }
  }
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < V; ++v) _mm512_storeu_ps(c + (r * V + v) * 16, acc[r][v]);
}
template <int R, int V>
void Run(long kc) {
  static float a[4096 * 16] __attribute__((aligned(64))), b[4096 * 64] __attribute__((aligned(64))),
      c[2048];
  for (int i = 0; i < 4096 * 16; ++i) a[i] = 1e-3f * (i % 13);
  for (int i = 0; i < 4096 * 64; ++i) b[i] = 1e-3f * (i % 7);
  long reps = 200000000L / (kc * R * V);
  double best = 1e9;
  for (int t = 0; t < 5; ++t) {
    auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < reps; ++i) Kernel<R, V>(a, b, c, kc);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s < best) best = s;
  }
  printf("%2dx%d kc=%4ld: %6.1f GFLOP/s  (c0 %g)\n", R, V, kc,
         2.0 * 16 * R * V * kc * reps / best / 1e9, c[0]);
}
int main() {
  for (long kc : {64, 256}) {
    Run<12, 2>(kc);
    Run<14, 2>(kc);
    Run<8, 3>(kc);
    Run<6, 4>(kc);
    Run<4, 6>(kc);
  }
}
