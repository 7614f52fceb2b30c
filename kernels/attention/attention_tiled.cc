// Attention on the tiled GEMM, per (batch, head), skipping the masked half.
//
// Queries are taken 16 at a time. A block of queries t ∈ [t0, t0+16) attends to keys t2 ≤ t, so
// its score GEMM only needs the first t0+16 columns, and every product against att stops at the
// same bound: at T=64 that computes 62% of the full T×T tiles, and tends to half as T grows —
// the work the openblas family's full GEMMs cannot skip. K and V are packed (transposed) once per
// head into per-thread scratch so the GEMM's inner loop runs along unit-stride rows.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>

#include "kernels/attention/attention_rows.h"
#include "kernels/families.h"
#include "kernels/tiled_gemm.h"

namespace gpt2 {
namespace {

constexpr int kQueryBlock = 16;

void AttentionForwardTiled(float* out, float* preatt, float* att, const float* inp, int B, int T,
                           int C, int NH) {
  const int hs = C / NH;
  const size_t C3 = static_cast<size_t>(3) * C;
  const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
#pragma omp parallel for collapse(2)
  for (int b = 0; b < B; ++b) {
    for (int h = 0; h < NH; ++h) {
      const float* q = inp + static_cast<size_t>(b) * T * C3 + h * hs;
      const float* k = q + C;
      const float* v = q + 2 * C;
      const size_t head = (static_cast<size_t>(b) * NH + h) * T * T;
      float* score = preatt + head;
      float* prob = att + head;
      float* y = out + static_cast<size_t>(b) * T * C + h * hs;

      float* k_t = ThreadScratch(static_cast<size_t>(hs) * T);  // Kᵀ (hs, T)
      Transpose(k_t, k, T, hs, C3);
      std::memset(score, 0, sizeof(float) * T * T);
      for (int t0 = 0; t0 < T; t0 += kQueryBlock) {
        const int rows = std::min(kQueryBlock, T - t0);
        TiledGemm(rows, t0 + rows, hs, scale, q + t0 * C3, C3, 1, k_t, T, score + t0 * T, T);
      }
      for (int t = 0; t < T; ++t) {
        CausalSoftmaxRow(score + static_cast<size_t>(t) * T, prob + static_cast<size_t>(t) * T, t,
                         T);
      }
      for (int t = 0; t < T; ++t)
        std::memset(y + t * static_cast<size_t>(C), 0, sizeof(float) * hs);
      for (int t0 = 0; t0 < T; t0 += kQueryBlock) {
        const int rows = std::min(kQueryBlock, T - t0);
        // y[t0..) (rows, hs) = att[t0.., :t0+rows] · V[:t0+rows]
        TiledGemm(rows, hs, t0 + rows, 1.0f, prob + t0 * T, T, 1, v, C3, y + t0 * C, C);
      }
    }
  }
}

void AttentionBackwardTiled(float* dinp, float* dpreatt, float* datt, const float* dout,
                            const float* inp, const float* att, int B, int T, int C, int NH) {
  const int hs = C / NH;
  const size_t C3 = static_cast<size_t>(3) * C;
  const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
#pragma omp parallel for collapse(2)
  for (int b = 0; b < B; ++b) {
    for (int h = 0; h < NH; ++h) {
      const size_t qkv = static_cast<size_t>(b) * T * C3 + h * hs;
      const float *q = inp + qkv, *k = q + C, *v = q + 2 * C;
      float *dq = dinp + qkv, *dk = dq + C, *dv = dq + 2 * C;
      const float* dy = dout + static_cast<size_t>(b) * T * C + h * hs;
      const size_t head = (static_cast<size_t>(b) * NH + h) * T * T;
      const float* prob = att + head;
      float* dprob = datt + head;
      float* dscore = dpreatt + head;
      // datt and dpreatt are scratch (ops.h): this head's are summed from zero.
      std::fill(dprob, dprob + static_cast<size_t>(T) * T, 0.0f);
      std::fill(dscore, dscore + static_cast<size_t>(T) * T, 0.0f);

      // datt (t, t2 ≤ t) += ⟨dout[t], v[t2]⟩: Vᵀ packed, lower block-triangle only.
      float* v_t = ThreadScratch(static_cast<size_t>(hs) * T);
      Transpose(v_t, v, T, hs, C3);
      for (int t0 = 0; t0 < T; t0 += kQueryBlock) {
        const int rows = std::min(kQueryBlock, T - t0);
        float* block = dprob + static_cast<size_t>(t0) * T;
        // Only the masked cells of the diagonal block get a product; they are restored to the
        // zero they held (zeroed above).
        TiledGemm(rows, t0 + rows, hs, 1.0f, dy + t0 * static_cast<size_t>(C), C, 1, v_t, T, block,
                  T);
        for (int r = 0; r < rows; ++r) {
          for (int t2 = t0 + r + 1; t2 < t0 + rows; ++t2)
            block[r * static_cast<size_t>(T) + t2] = 0;
        }
      }
      // Softmax backward: dpreatt = att ⊙ (datt − ⟨att, datt⟩), row by row.
      for (int t = 0; t < T; ++t) {
        const size_t row = static_cast<size_t>(t) * T;
        CausalSoftmaxBackwardRow(dscore + row, prob + row, dprob + row, t);
      }
      for (int t0 = 0; t0 < T; t0 += kQueryBlock) {
        const int rows = std::min(kQueryBlock, T - t0);
        // Rows t0.. of dQ need dpreatt[t0.., :t0+rows] · K[:t0+rows].
        TiledGemm(rows, hs, t0 + rows, scale, dscore + t0 * static_cast<size_t>(T), T, 1, k, C3,
                  dq + t0 * C3, C3);
        // Rows t0.. of dK and dV take from queries t ≥ t0 only: (attᵀ · dout) and
        // (dpreattᵀ · Q) over t ∈ [t0, T); the transposes are swapped strides.
        const size_t corner = static_cast<size_t>(t0) * T + t0;
        TiledGemm(rows, hs, T - t0, 1.0f, prob + corner, 1, T, dy + t0 * static_cast<size_t>(C), C,
                  dv + t0 * C3, C3);
        TiledGemm(rows, hs, T - t0, scale, dscore + corner, 1, T, q + t0 * C3, C3, dk + t0 * C3,
                  C3);
      }
    }
  }
}

}  // namespace

void RegisterAttentionTiled(KernelTable& table) {
  table.attention_forward = AttentionForwardTiled;
  table.attention_backward = AttentionBackwardTiled;
}

}  // namespace gpt2
