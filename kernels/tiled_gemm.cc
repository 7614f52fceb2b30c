// Technique: two levels of blocking around a loop nest whose innermost loop is unit-stride.
//
//  - Register block (kRows × kCols = 4 × 8 outputs): the accumulators live in registers for the
//    whole K loop, so each loaded B row segment is used 4 times and each A value 8 times, instead
//    of every multiply-add loading and storing C. 4×8 floats are 8 SSE registers, which leaves
//    room for the B segment and the broadcast A values in x86-64's 16 (no spills); the compiler
//    vectorises the unit-stride column loop by itself.
//  - Cache block (kDepth = 256 rows of B by kWidth = 256 columns): the B panel the register
//    blocks sweep over is 256 KiB, sized to stay in a core's L2 while every row block of A passes
//    across it, rather than streaming B from memory once per row of C.
//
// What it buys over naive: naive's inner loop is a dot product, a chain of dependent adds the
// compiler may not reorder (no -ffast-math), so it runs one add per add-latency; here the inner
// loop is independent multiply-adds along unit-stride rows, vectorised and register-reused.
#include "kernels/tiled_gemm.h"

#include <algorithm>

namespace gpt2 {
namespace {

constexpr int kRows = 4;
constexpr int kCols = 8;
constexpr int kDepth = 256;
constexpr int kWidth = 256;

// The full register block: C[0..4)[0..8) += alpha · A[0..4)[0..k) · B[0..k)[0..8).
// Kept out of line with one named accumulator row per A row: inlined into the blocking loops,
// GCC ran out of registers and kept the accumulators on the stack (4× slower).
[[gnu::noinline]] void FullBlock(int k, float alpha, const float* a, size_t a_row_stride,
                                 size_t a_col_stride, const float* b, size_t ldb, float* c,
                                 size_t ldc) {
  float acc0[kCols] = {}, acc1[kCols] = {}, acc2[kCols] = {}, acc3[kCols] = {};
  const float* a0 = a;
  const float* a1 = a + a_row_stride;
  const float* a2 = a + 2 * a_row_stride;
  const float* a3 = a + 3 * a_row_stride;
  for (int p = 0; p < k; ++p) {
    const float* b_row = b + p * ldb;
    const size_t col = p * a_col_stride;
    const float x0 = a0[col], x1 = a1[col], x2 = a2[col], x3 = a3[col];
#pragma omp simd
    for (int j = 0; j < kCols; ++j) {
      acc0[j] += x0 * b_row[j];
      acc1[j] += x1 * b_row[j];
      acc2[j] += x2 * b_row[j];
      acc3[j] += x3 * b_row[j];
    }
  }
  for (int j = 0; j < kCols; ++j) {
    c[j] += alpha * acc0[j];
    c[ldc + j] += alpha * acc1[j];
    c[2 * ldc + j] += alpha * acc2[j];
    c[3 * ldc + j] += alpha * acc3[j];
  }
}

// The same for a partial block at the right or bottom edge (rows ≤ 4, cols ≤ 8).
inline void EdgeBlock(int rows, int cols, int k, float alpha, const float* a, size_t a_row_stride,
                      size_t a_col_stride, const float* b, size_t ldb, float* c, size_t ldc) {
  float acc[kRows][kCols] = {};
  for (int p = 0; p < k; ++p) {
    const float* b_row = b + p * ldb;
    for (int r = 0; r < rows; ++r) {
      const float a_value = a[r * a_row_stride + p * a_col_stride];
      for (int j = 0; j < cols; ++j) acc[r][j] += a_value * b_row[j];
    }
  }
  for (int r = 0; r < rows; ++r) {
    for (int j = 0; j < cols; ++j) c[r * ldc + j] += alpha * acc[r][j];
  }
}

}  // namespace

void TiledGemm(int M, int N, int K, float alpha, const float* a, size_t a_row_stride,
               size_t a_col_stride, const float* b, size_t ldb, float* c, size_t ldc) {
  for (int n0 = 0; n0 < N; n0 += kWidth) {
    const int width = std::min(kWidth, N - n0);
    for (int k0 = 0; k0 < K; k0 += kDepth) {
      const int depth = std::min(kDepth, K - k0);
      const float* a_panel = a + k0 * a_col_stride;
      const float* b_panel = b + k0 * ldb + n0;
      for (int m = 0; m < M; m += kRows) {
        const int rows = std::min(kRows, M - m);
        const float* a_block = a_panel + m * a_row_stride;
        for (int j = 0; j < width; j += kCols) {
          const int cols = std::min(kCols, width - j);
          float* c_block = c + m * ldc + n0 + j;
          if (rows == kRows && cols == kCols) {
            FullBlock(depth, alpha, a_block, a_row_stride, a_col_stride, b_panel + j, ldb, c_block,
                      ldc);
          } else {
            EdgeBlock(rows, cols, depth, alpha, a_block, a_row_stride, a_col_stride, b_panel + j,
                      ldb, c_block, ldc);
          }
        }
      }
    }
  }
}

void Transpose(float* dst, const float* src, int rows, int cols, size_t ld) {
  // 8×8 tiles keep both the reads and the writes within a few cache lines at a time.
  constexpr int kTile = 8;
  for (int r0 = 0; r0 < rows; r0 += kTile) {
    for (int c0 = 0; c0 < cols; c0 += kTile) {
      const int r1 = std::min(rows, r0 + kTile), c1 = std::min(cols, c0 + kTile);
      for (int r = r0; r < r1; ++r) {
        for (int col = c0; col < c1; ++col) {
          dst[static_cast<size_t>(col) * rows + r] = src[static_cast<size_t>(r) * ld + col];
        }
      }
    }
  }
}

float* ThreadScratch(size_t floats) {
  thread_local std::vector<float> scratch;
  if (scratch.size() < floats) scratch.resize(floats);
  return scratch.data();
}

}  // namespace gpt2
