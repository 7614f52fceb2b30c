// Matmul on the tiled GEMM (kernels/tiled_gemm.cc: register and cache blocking in plain C++).
//
// The work is split into independent blocks of the output — 64 rows by 256 columns — one per
// OpenMP task; each block's sums run in a fixed order on one thread, so results do not depend on
// the thread count. The forward pass needs weightᵀ with unit-stride rows, so each block first
// packs (transposes) its 256 columns of it into per-thread scratch: O(C·256) copying against
// O(64·C·256) multiply-adds.
#include <algorithm>
#include <cstddef>

#include "kernels/families.h"
#include "kernels/gelu/gelu_naive.h"
#include "kernels/matmul/matmul_adamw.h"
#include "kernels/matmul/matmul_bias.h"
#include "kernels/tiled_gemm.h"

namespace gpt2 {
namespace {

constexpr int kBlockRows = 64;
constexpr int kBlockCols = 256;

int Blocks(int n, int block) { return (n + block - 1) / block; }

// out (B·T, OC) = inp (B·T, C) · weightᵀ (C, OC) + bias.
void MatmulForwardTiled(float* out, const float* inp, const float* weight, const float* bias, int B,
                        int T, int C, int OC) {
  const int M = B * T;
#pragma omp parallel for collapse(2) schedule(static)
  for (int nb = 0; nb < Blocks(OC, kBlockCols); ++nb) {
    for (int mb = 0; mb < Blocks(M, kBlockRows); ++mb) {
      const int n0 = nb * kBlockCols, cols = std::min(kBlockCols, OC - n0);
      const int m0 = mb * kBlockRows, rows = std::min(kBlockRows, M - m0);
      float* panel = ThreadScratch(static_cast<size_t>(C) * cols);  // weightᵀ[:, n0:n0+cols]
      Transpose(panel, weight + static_cast<size_t>(n0) * C, cols, C, C);
      float* c = out + static_cast<size_t>(m0) * OC + n0;
      for (int m = 0; m < rows; ++m) {
        for (int j = 0; j < cols; ++j) c[static_cast<size_t>(m) * OC + j] = bias ? bias[n0 + j] : 0;
      }
      TiledGemm(rows, cols, C, 1.0f, inp + static_cast<size_t>(m0) * C, C, 1, panel, cols, c, OC);
    }
  }
}

// dinp (B·T, C) += dout (B·T, OC) · weight (OC, C);  dweight (OC, C) += doutᵀ · inp;
// dbias += column sums of dout (a null output skips its product). weight and inp already have
// unit-stride rows: no packing.
void MatmulBackwardTiled(float* dinp, float* dweight, float* dbias, const float* dout,
                         const float* inp, const float* weight, int B, int T, int C, int OC) {
  const int M = B * T;
  if (dinp != nullptr) {
#pragma omp parallel for collapse(2) schedule(static)
    for (int nb = 0; nb < Blocks(C, kBlockCols); ++nb) {
      for (int mb = 0; mb < Blocks(M, kBlockRows); ++mb) {
        const int n0 = nb * kBlockCols, cols = std::min(kBlockCols, C - n0);
        const int m0 = mb * kBlockRows, rows = std::min(kBlockRows, M - m0);
        TiledGemm(rows, cols, OC, 1.0f, dout + static_cast<size_t>(m0) * OC, OC, 1, weight + n0, C,
                  dinp + static_cast<size_t>(m0) * C + n0, C);
      }
    }
  }
  if (dweight != nullptr) {  // doutᵀ is dout read with swapped strides
#pragma omp parallel for collapse(2) schedule(static)
    for (int nb = 0; nb < Blocks(C, kBlockCols); ++nb) {
      for (int ob = 0; ob < Blocks(OC, kBlockRows); ++ob) {
        const int n0 = nb * kBlockCols, cols = std::min(kBlockCols, C - n0);
        const int o0 = ob * kBlockRows, rows = std::min(kBlockRows, OC - o0);
        TiledGemm(rows, cols, M, 1.0f, dout + o0, 1, OC, inp + n0, C,
                  dweight + static_cast<size_t>(o0) * C + n0, C);
      }
    }
  }
  if (dbias != nullptr) AccumulateBiasGradient(dbias, dout, M, OC);
}

// This family's matmul, then naive's GELU: no fusion, so that --fuse-matmul-gelu with this
// family still runs its own GEMM rather than naive's fallback.
void MatmulGeluForwardTiled(float* out, float* gelu_out, const float* inp, const float* weight,
                            const float* bias, int B, int T, int C, int OC) {
  MatmulForwardTiled(out, inp, weight, bias, B, T, C, OC);
  GeluForwardNaive(gelu_out, out, B * T * OC);
}

}  // namespace

void RegisterMatmulTiled(KernelTable& table) {
  table.matmul_forward = MatmulForwardTiled;
  table.matmul_backward = MatmulBackwardTiled;
  table.matmul_gelu_forward = MatmulGeluForwardTiled;
  table.matmul_backward_adamw = MatmulBackwardThenAdamw<float, MatmulBackwardTiled>;
}

}  // namespace gpt2
