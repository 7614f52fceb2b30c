// TransposeDoutSlice's loop in AVX-512 intrinsics, with software prefetch variants, alone: every
// 384-row slice of dout at B=4 T=1024 (OC from the command line), dout pushed out of cache
// before each pass, medians of 7. mode 0: bands of 16 rows down M (the kernel's order); 1: the
// same with the read prefetch into L2 only; 2: 16 positions at a time across the slice.
//   g++ -O2 -mavx512f transpose_variants.cc -o tr && taskset -c 0 ./tr 2304
#include <immintrin.h>
#include <sys/mman.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>
static double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
static float* Big(size_t n) {
  size_t b = (n * 4 + (2 << 20) - 1) / (2 << 20) * (2 << 20);
  float* d = (float*)aligned_alloc(2 << 20, b);
  madvise(d, b, MADV_HUGEPAGE);
  for (size_t i = 0; i < n; ++i) d[i] = i % 7;
  return d;
}
static inline void T16(__m512* t) {
  // 16x16 transpose via unpack/shuffle
  __m512 u[16];
  for (int k = 0; k < 8; ++k) {
    u[2 * k] = _mm512_unpacklo_ps(t[2 * k], t[2 * k + 1]);
    u[2 * k + 1] = _mm512_unpackhi_ps(t[2 * k], t[2 * k + 1]);
  }
  for (int k = 0; k < 4; ++k) {
    for (int h = 0; h < 2; ++h) {
      t[4 * k + h] = _mm512_castpd_ps(
          _mm512_unpacklo_pd(_mm512_castps_pd(u[4 * k + h]), _mm512_castps_pd(u[4 * k + 2 + h])));
      t[4 * k + 2 + h] = _mm512_castpd_ps(
          _mm512_unpackhi_pd(_mm512_castps_pd(u[4 * k + h]), _mm512_castps_pd(u[4 * k + 2 + h])));
    }
  }
  for (int k = 0; k < 2; ++k)
    for (int h = 0; h < 4; ++h) {
      u[8 * k + h] = _mm512_shuffle_f32x4(t[8 * k + h], t[8 * k + 4 + h], 0x44);
      u[8 * k + 4 + h] = _mm512_shuffle_f32x4(t[8 * k + h], t[8 * k + 4 + h], 0xee);
    }
  for (int h = 0; h < 8; ++h) {
    t[h] = _mm512_shuffle_f32x4(u[h], u[8 + h], 0x88);
    t[8 + h] = _mm512_shuffle_f32x4(u[h], u[8 + h], 0xdd);
  }
}
int mode, ahead, wahead;
void Tr(float* dt, const float* dout, int M, int OC, int o0, int rows, int ld) {
  if (mode == 2) {  // row-wise: 16 m rows at a time across all rows of the block
    for (int m0 = 0; m0 < M; m0 += 16) {
      if (ahead)
        for (int i = 0; i < 16; ++i)
          for (int l = 0; l < rows; l += 16)
            _mm_prefetch((const char*)(dout + (size_t)(m0 + ahead + i) * OC + o0 + l), _MM_HINT_T0);
      for (int r0 = 0; r0 < rows; r0 += 16) {
        __m512 t[16];
        for (int i = 0; i < 16; ++i) t[i] = _mm512_loadu_ps(dout + (size_t)(m0 + i) * OC + o0 + r0);
        T16(t);
        for (int q = 0; q < 16; ++q) _mm512_storeu_ps(dt + (size_t)(r0 + q) * ld + m0, t[q]);
      }
    }
    return;
  }
  for (int r0 = 0; r0 < rows; r0 += 16) {
    for (int m0 = 0; m0 < M; m0 += 16) {
      if (ahead && m0 + ahead + 16 <= M) {
        if (mode == 1)
          for (int i = 0; i < 16; ++i)
            _mm_prefetch((const char*)(dout + (size_t)(m0 + ahead + i) * OC + o0 + r0),
                         _MM_HINT_T1);
        else
          for (int i = 0; i < 16; ++i)
            _mm_prefetch((const char*)(dout + (size_t)(m0 + ahead + i) * OC + o0 + r0),
                         _MM_HINT_T0);
      }
      if (wahead)
        for (int q = 0; q < 16; ++q)
          _mm_prefetch((const char*)(dt + (size_t)(r0 + q) * ld + m0 + wahead), _MM_HINT_ET0);
      __m512 t[16];
      for (int i = 0; i < 16; ++i) t[i] = _mm512_loadu_ps(dout + (size_t)(m0 + i) * OC + o0 + r0);
      T16(t);
      for (int q = 0; q < 16; ++q) _mm512_storeu_ps(dt + (size_t)(r0 + q) * ld + m0, t[q]);
    }
  }
}
int main(int argc, char** argv) {
  int M = 4096, OC = atoi(argv[1]), rows = 384, ld = M + 16;
  float* dout = Big((size_t)M * OC);
  float* dt = Big((size_t)rows * ld);
  float* evict = Big(64 << 20);
  int cfgs[][3] = {{0, 0, 0}, {0, 32, 64}, {1, 32, 64}, {1, 64, 64}, {1, 128, 64}, {1, 64, 0}};
  const int nc = 6;
  std::vector<double> ts[nc];
  for (int it = 0; it < 7; ++it)
    for (int c = 0; c < nc; ++c) {
      for (size_t i = 0; i < (64u << 20); i += 16) evict[i] += 1;  // dout out of cache
      mode = cfgs[c][0], ahead = cfgs[c][1], wahead = cfgs[c][2];
      double t0 = now();
      for (int o0 = 0; o0 < OC; o0 += rows) Tr(dt, dout, M, OC, o0, std::min(rows, OC - o0), ld);
      ts[c].push_back(now() - t0);
    }
  for (int c = 0; c < nc; ++c) {
    std::sort(ts[c].begin(), ts[c].end());
    printf("OC%d mode %d ahead %d wahead %d: median %.3f ms min %.3f\n", OC, cfgs[c][0], cfgs[c][1],
           cfgs[c][2], ts[c][3] * 1e3, ts[c][0] * 1e3);
  }
  printf("%f\n", dt[12345]);
}
