// Can this core overlap an AdamW-like DRAM stream with register FMAs? A stand-in for the
// weight gradient's micro-kernel and its AdamW epilogue, with none of the project's code:
// "tiles" of 256 steps × 24 FMAs (12 broadcasts times a 2-vector panel row), each followed by a
// read-modify-write of 24 vectors in each of three 512 MB arrays (12 rows × 2 vectors, rows
// STRIDE floats apart, the tiles walking along the rows as the GEMM's do). Prints, best of the
// second of two repetitions being the one to read:
//   fma: the tiles alone;  rmw: the streams alone (and their GB/s, reads and writes);
//   fma+rmw: one after the other, nothing asked for ahead (the sum of the two is beside it);
//   prefetching: each tile asks for its own 72 lines during its loop, one every 4 steps;
//   next tile's: each tile asks for the next tile's lines instead;
//   sequential chunks: each tile's read-modify-write is 24 contiguous vectors an array instead,
//   with nothing asked for ahead, then with the next chunk's lines asked for during the tile.
// Usage: overlap_synthetic [STRIDE (default 768)] [l2]   ("l2": the panel row comes from a 1 MB
// buffer, 32 KB a tile, asked for 8 steps ahead, as the GEMM streams its packed panel from L2;
// otherwise from a small buffer in L1.)
// Build: g++ -O3 -march=skylake-avx512 <this file>
#include <immintrin.h>
#include <sys/mman.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

constexpr int kSteps = 256, kRows = 12, kLines = 72;
constexpr size_t kPanelFloats = 262144;  // the L2 panel buffer: 1 MB
bool g_l2_panel = false;
const float* g_panel = nullptr;
size_t g_panel_pos = 0;

// One tile's FMAs; with lines, asks for lines[0..count) two every 4 steps.
__attribute__((noinline)) void FmaTile(__m512* acc, const float* b, float* const* lines,
                                       int count) {
  __m512 a[24];
  for (int i = 0; i < 24; ++i) a[i] = acc[i];
  const float* panel = g_l2_panel ? g_panel + g_panel_pos : b;
  if (g_l2_panel) g_panel_pos = (g_panel_pos + kSteps * 32) % kPanelFloats;
  int line = 0;
  for (int p = 0; p < kSteps; ++p) {
    if ((p & 3) == 0 && line < count) {
      _mm_prefetch(reinterpret_cast<const char*>(lines[line]), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(lines[line + 1]), _MM_HINT_T0);
      line += 2;
    }
    __m512 x, y;
    if (g_l2_panel) {
      _mm_prefetch(reinterpret_cast<const char*>(panel + (p + 8) * 32), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(panel + (p + 8) * 32 + 16), _MM_HINT_T0);
      x = _mm512_load_ps(panel + p * 32);
      y = _mm512_load_ps(panel + p * 32 + 16);
    } else {
      x = _mm512_load_ps(b + (p & 63) * 32);
      y = _mm512_load_ps(b + (p & 63) * 32 + 16);
    }
    for (int i = 0; i < kRows; ++i) {
      const __m512 s = _mm512_set1_ps(b[4096 + (p & 255) * kRows + i]);
      a[2 * i] = _mm512_fmadd_ps(s, x, a[2 * i]);
      a[2 * i + 1] = _mm512_fmadd_ps(s, y, a[2 * i + 1]);
    }
  }
  for (int i = 0; i < 24; ++i) acc[i] = a[i];
}

// The read-modify-write of `vectors` vectors in each array, over `rows` rows `stride` apart.
__attribute__((noinline)) void ReadModifyWrite(float* p, float* m, float* v, size_t pos,
                                               int vectors, size_t stride, int rows) {
  const __m512 k = _mm512_set1_ps(0.999f);
  for (int r = 0; r < rows; ++r) {
    for (int j = 0; j < vectors / rows; ++j) {
      const size_t at = pos + r * stride + j * 16;
      const __m512 pm = _mm512_loadu_ps(m + at), pv = _mm512_loadu_ps(v + at),
                   pp = _mm512_loadu_ps(p + at);
      _mm512_storeu_ps(m + at, _mm512_mul_ps(pm, k));
      _mm512_storeu_ps(v + at, _mm512_mul_ps(pv, k));
      _mm512_storeu_ps(p + at, _mm512_fmadd_ps(pm, pv, pp));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const size_t stride = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 768;
  g_l2_panel = argc > 2 && std::strcmp(argv[2], "l2") == 0;
  const size_t n = size_t{1} << 27;  // floats an array: 512 MB
  const auto alloc = [&](size_t count, float value) {
    float* f = static_cast<float*>(std::aligned_alloc(size_t{1} << 21, count * 4));
    madvise(f, count * 4, MADV_HUGEPAGE);
    for (size_t i = 0; i < count; ++i) f[i] = value;
    return f;
  };
  float *p = alloc(n, 1e-3f), *m = alloc(n, 1e-3f), *v = alloc(n, 1e-3f);
  float* b = alloc(65536, 1e-4f);
  g_panel = alloc(kPanelFloats + kSteps * 32 + 512, 1e-4f);
  __m512 acc[24];
  for (int i = 0; i < 24; ++i) acc[i] = _mm512_setzero_ps();
  const size_t per_strip = stride / 32;
  const size_t tiles = n / (kRows * stride) * per_strip - 64;
  const auto tile_pos = [&](size_t t) {
    return (t / per_strip) * kRows * stride + (t % per_strip) * 32;
  };
  float* lines[kLines];
  // The 72 lines of the tile at `pos` (strided rows) or of the chunk at `pos` (contiguous).
  const auto tile_lines = [&](size_t pos) {
    float* arrays[3] = {p, m, v};
    int l = 0;
    for (int r = 0; r < kRows; ++r) {
      for (float* a : arrays)
        lines[l++] = a + pos + r * stride, lines[l++] = a + pos + r * stride + 16;
    }
  };
  const auto chunk_lines = [&](size_t pos) {
    float* arrays[3] = {p, m, v};
    int l = 0;
    for (float* a : arrays) {
      for (int i = 0; i < 24; ++i) lines[l++] = a + pos + i * 16;
    }
  };
  for (int rep = 0; rep < 2; ++rep) {
    double t0 = Now();
    for (size_t t = 0; t < tiles; ++t) FmaTile(acc, b, lines, 0);
    const double fma = Now() - t0;
    t0 = Now();
    for (size_t t = 0; t < tiles; ++t) ReadModifyWrite(p, m, v, tile_pos(t), 24, stride, kRows);
    const double rmw = Now() - t0;
    t0 = Now();
    for (size_t t = 0; t < tiles; ++t) {
      FmaTile(acc, b, lines, 0);
      ReadModifyWrite(p, m, v, tile_pos(t), 24, stride, kRows);
    }
    const double both = Now() - t0;
    t0 = Now();
    for (size_t t = 0; t < tiles; ++t) {
      tile_lines(tile_pos(t));
      FmaTile(acc, b, lines, kLines);
      ReadModifyWrite(p, m, v, tile_pos(t), 24, stride, kRows);
    }
    const double own = Now() - t0;
    t0 = Now();
    for (size_t t = 0; t < tiles; ++t) {
      tile_lines(tile_pos(t + 1));
      FmaTile(acc, b, lines, kLines);
      ReadModifyWrite(p, m, v, tile_pos(t), 24, stride, kRows);
    }
    const double next = Now() - t0;
    t0 = Now();
    for (size_t t = 0; t < tiles; ++t) {
      FmaTile(acc, b, lines, 0);
      ReadModifyWrite(p, m, v, t * 384, 24, 384, 1);
    }
    const double chunks = Now() - t0;
    t0 = Now();
    for (size_t t = 0; t < tiles; ++t) {
      chunk_lines((t + 1) * 384);
      FmaTile(acc, b, lines, kLines);
      ReadModifyWrite(p, m, v, t * 384, 24, 384, 1);
    }
    const double chunks_ahead = Now() - t0;
    std::printf(
        "stride %zu, %s panel, %zu tiles: fma %.1f ms, rmw %.1f ms (%.1f GB/s), fma+rmw %.1f ms "
        "(sum %.1f), prefetching %.1f ms, next tile's %.1f ms; sequential chunks %.1f, "
        "prefetched %.1f\n",
        stride, g_l2_panel ? "L2" : "L1", tiles, fma * 1e3, rmw * 1e3,
        tiles * 24 * 64 * 3 * 2 / rmw * 1e-9, both * 1e3, (fma + rmw) * 1e3, own * 1e3, next * 1e3,
        chunks * 1e3, chunks_ahead * 1e3);
  }
  float sink = 0;
  for (int i = 0; i < 24; ++i) sink += _mm512_reduce_add_ps(acc[i]);
  std::printf("sink %g\n", sink);
  return 0;
}
