// Can this core overlap a DRAM stream with register FMAs? Tiles of 256 steps x 24 FMAs, each
// followed by a read-modify-write of 24 vectors in each of 3 big arrays (AdamW-like traffic).
#include <immintrin.h>
#include <sys/mman.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
static double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
__attribute__((noinline)) void fma_tile(__m512* acc, const float* b, int steps) {
  __m512 a[24];
  for (int i = 0; i < 24; ++i) a[i] = acc[i];
  __m512 x = _mm512_set1_ps(1.0001f), y = _mm512_set1_ps(0.9999f);
  for (int p = 0; p < steps; ++p) {
    x = _mm512_load_ps(b + (p & 63) * 32);
    y = _mm512_load_ps(b + (p & 63) * 32 + 16);
    for (int i = 0; i < 12; ++i) {
      __m512 s = _mm512_set1_ps(b[4096 + (p & 255) * 12 + i]);
      a[2 * i] = _mm512_fmadd_ps(s, x, a[2 * i]);
      a[2 * i + 1] = _mm512_fmadd_ps(s, y, a[2 * i + 1]);
    }
  }
  for (int i = 0; i < 24; ++i) acc[i] = a[i];
}
__attribute__((noinline)) void fma_tile_pf(__m512* acc, const float* b, int steps,
                                           float* const* lines, int nlines) {
  __m512 a[24];
  for (int i = 0; i < 24; ++i) a[i] = acc[i];
  __m512 x, y;
  int li = 0;
  for (int p = 0; p < steps; ++p) {
    if ((p & 3) == 0 && li < nlines) {
      _mm_prefetch((const char*)lines[li], _MM_HINT_T0);
      _mm_prefetch((const char*)lines[li + 1], _MM_HINT_T0);
      li += 2;
    }
    x = _mm512_load_ps(b + (p & 63) * 32);
    y = _mm512_load_ps(b + (p & 63) * 32 + 16);
    for (int i = 0; i < 12; ++i) {
      __m512 s = _mm512_set1_ps(b[4096 + (p & 255) * 12 + i]);
      a[2 * i] = _mm512_fmadd_ps(s, x, a[2 * i]);
      a[2 * i + 1] = _mm512_fmadd_ps(s, y, a[2 * i + 1]);
    }
  }
  for (int i = 0; i < 24; ++i) acc[i] = a[i];
}
// RMW of `vectors` vectors at each of the three arrays' position pos (cheap arithmetic).
__attribute__((noinline)) void rmw(float* p, float* m, float* v, size_t pos, int vectors,
                                   size_t stride, int rows) {
  const __m512 k = _mm512_set1_ps(0.999f);
  int per_row = vectors / rows;
  for (int r = 0; r < rows; ++r) {
    for (int j = 0; j < per_row; ++j) {
      size_t at = pos + r * stride + j * 16;
      __m512 pm = _mm512_loadu_ps(m + at), pv = _mm512_loadu_ps(v + at),
             pp = _mm512_loadu_ps(p + at);
      _mm512_storeu_ps(m + at, _mm512_mul_ps(pm, k));
      _mm512_storeu_ps(v + at, _mm512_mul_ps(pv, k));
      _mm512_storeu_ps(p + at, _mm512_fmadd_ps(pm, pv, pp));
    }
  }
}
int main(int argc, char** argv) {
  const size_t n = size_t(1) << 27;  // 128M floats each: 512 MB
  auto alloc = [&]() {
    float* f = (float*)aligned_alloc(1 << 21, n * 4);
    madvise(f, n * 4, MADV_HUGEPAGE);
    for (size_t i = 0; i < n; ++i) f[i] = 1e-3f;
    return f;
  };
  float *p = alloc(), *m = alloc(), *v = alloc();
  float* b = (float*)aligned_alloc(64, 65536 * 4);
  for (int i = 0; i < 65536; ++i) b[i] = 1e-4f * (i % 7);
  __m512 acc[24];
  for (int i = 0; i < 24; ++i) acc[i] = _mm512_setzero_ps();
  const int steps = 256, vectors = 24;
  const size_t stride = atoi(argc > 1 ? argv[1] : "768");  // floats between rows of a tile
  const int rows = 12;
  // tiles walk along rows: 2 vectors per row per tile, 12 rows; then next strip
  const size_t tiles = n / (rows * stride) * (stride / 32) - 64;
  auto tile_pos = [&](size_t t) {
    size_t per_strip = stride / 32;
    return (t / per_strip) * rows * stride + (t % per_strip) * 32;
  };
  float* lines[72];
  for (int rep = 0; rep < 2; ++rep) {
    double t0 = now();
    for (size_t t = 0; t < tiles; ++t) fma_tile(acc, b, steps);
    double tf = now() - t0;
    t0 = now();
    for (size_t t = 0; t < tiles; ++t) rmw(p, m, v, tile_pos(t), vectors, stride, rows);
    double tm = now() - t0;
    t0 = now();
    for (size_t t = 0; t < tiles; ++t) {
      fma_tile(acc, b, steps);
      rmw(p, m, v, tile_pos(t), vectors, stride, rows);
    }
    double tb = now() - t0;
    t0 = now();
    for (size_t t = 0; t < tiles; ++t) {
      size_t pos = tile_pos(t);
      int li = 0;
      for (int r = 0; r < rows; ++r) {
        float* arr[3] = {p, m, v};
        for (int a = 0; a < 3; ++a) {
          lines[li++] = arr[a] + pos + r * stride;
          lines[li++] = arr[a] + pos + r * stride + 16;
        }
      }
      fma_tile_pf(acc, b, steps, lines, 72);
      rmw(p, m, v, pos, vectors, stride, rows);
    }
    double tp = now() - t0;
    t0 = now();
    for (size_t t = 0; t < tiles; ++t) {
      size_t pos = tile_pos(t + 1);
      int li = 0;
      for (int r = 0; r < rows; ++r) {
        float* arr[3] = {p, m, v};
        for (int a = 0; a < 3; ++a) {
          lines[li++] = arr[a] + pos + r * stride;
          lines[li++] = arr[a] + pos + r * stride + 16;
        }
      }
      fma_tile_pf(acc, b, steps, lines, 72);
      rmw(p, m, v, tile_pos(t), vectors, stride, rows);
    }
    double tn = now() - t0;
    // sequential chunks: tile t's RMW covers 24 vectors x 3 arrays contiguous at t*384 floats
    t0 = now();
    for (size_t t = 0; t < tiles; ++t) {
      fma_tile(acc, b, steps);
      rmw(p, m, v, t * 384, 24, 384, 1);
    }
    double ts = now() - t0;
    t0 = now();
    for (size_t t = 0; t < tiles; ++t) {
      int li = 0;
      size_t pos = (t + 1) * 384;
      for (int a = 0; a < 3; ++a) {
        float* arr[3] = {p, m, v};
        for (int l = 0; l < 24; ++l) lines[li++] = arr[a] + pos + l * 16;
      }
      fma_tile_pf(acc, b, steps, lines, 72);
      rmw(p, m, v, t * 384, 24, 384, 1);
    }
    double tsp = now() - t0;
    printf(
        "stride %zu, %zu tiles: fma %.1f ms, rmw %.1f ms (%.1f GB/s), fma+rmw %.1f ms (sum %.1f), "
        "fma(prefetching)+rmw %.1f ms, next tile's %.1f ms; sequential chunks %.1f, prefetched "
        "%.1f\n",
        stride, tiles, tf * 1e3, tm * 1e3, tiles * 24 * 64 * 3 * 2 / tm * 1e-9, tb * 1e3,
        (tf + tm) * 1e3, tp * 1e3, tn * 1e3, ts * 1e3, tsp * 1e3);
  }
  float s = 0;
  for (int i = 0; i < 24; ++i) s += _mm512_reduce_add_ps(acc[i]);
  printf("sink %g\n", s);
}
