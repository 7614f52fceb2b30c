// The tiled family's one GEMM: cache blocking and register blocking in plain C++, no intrinsics.
#ifndef GPT2_KERNELS_TILED_GEMM_H_
#define GPT2_KERNELS_TILED_GEMM_H_

#include <cstddef>
#include <vector>

namespace gpt2 {

// C (M×N, row stride ldc) += alpha · A (M×K) · B (K×N).
// A's element (m, p) is a[m·a_row_stride + p·a_col_stride], so Aᵀ is just swapped strides.
// B is row-major with row stride ldb: its rows must be unit-stride, which is what lets the inner
// loop run along them; callers transpose (pack) a B that is not.
// Single-threaded: callers parallelise over independent blocks of C.
void TiledGemm(int M, int N, int K, float alpha, const float* a, size_t a_row_stride,
               size_t a_col_stride, const float* b, size_t ldb, float* c, size_t ldc);

// dst (cols × rows, row-major) = srcᵀ, for src (rows × cols) with row stride ld.
void Transpose(float* dst, const float* src, int rows, int cols, size_t ld);

// Scratch that grows once and is then reused, one per thread: packing buffers without an
// allocation per call.
float* ThreadScratch(size_t floats);

}  // namespace gpt2

#endif  // GPT2_KERNELS_TILED_GEMM_H_
