// Attention as batched GEMMs, one set per (batch, head): scores = Q·Kᵀ, out = att·V, and the four
// products of the backward pass; the mask and the softmax stay plain loops.
//
// Where the GEMM formulation wastes work: a GEMM cannot skip the masked upper triangle, so Q·Kᵀ
// computes all T² scores of which only T(T+1)/2 are used, att·V multiplies the masked zeros, and
// the backward products do the same: about twice the FLOPs attention needs (≈ 2× at T=64 and
// T=1024 alike). The heads are many small, independent GEMMs (T×T×hs = 64×64×64 at d12), too small
// for OpenBLAS to thread well, so the heads run in parallel under OpenMP with BLAS set to one
// thread for the duration (no oversubscription).
#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "kernels/attention/attention_rows.h"
#include "kernels/families.h"
#include "kernels/threading.h"

namespace gpt2 {
namespace {

void AttentionForwardOpenblas(float* out, float* preatt, float* att, const float* inp, int B, int T,
                              int C, int NH) {
  const int hs = C / NH;
  const int C3 = 3 * C;
  const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
  ScopedBlasThreads one_blas_thread(1);
#pragma omp parallel for collapse(2)
  for (int b = 0; b < B; ++b) {
    for (int h = 0; h < NH; ++h) {
      const float* q = inp + static_cast<size_t>(b) * T * C3 + h * hs;
      const float* k = q + C;
      const float* v = q + 2 * C;
      const size_t head = (static_cast<size_t>(b) * NH + h) * T * T;
      float* score = preatt + head;
      float* prob = att + head;
      // preatt (T,T) = scale · Q (T,hs) · Kᵀ; rows of Q, K and V are 3C apart in inp.
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, hs, scale, q, C3, k, C3, 0.0f,
                  score, T);
      for (int t = 0; t < T; ++t) {
        CausalSoftmaxRow(score + static_cast<size_t>(t) * T, prob + static_cast<size_t>(t) * T, t,
                         T);
      }
      // out (T,hs) = att (T,T) · V (T,hs); out rows are C apart.
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, hs, T, 1.0f, prob, T, v, C3, 0.0f,
                  out + static_cast<size_t>(b) * T * C + h * hs, C);
    }
  }
}

void AttentionBackwardOpenblas(float* dinp, float* dpreatt, float* datt, const float* dout,
                               const float* inp, const float* att, int B, int T, int C, int NH) {
  const int hs = C / NH;
  const int C3 = 3 * C;
  const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
  ScopedBlasThreads one_blas_thread(1);
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

      // datt (T,T) += dout (T,hs) · Vᵀ, then the masked half is cleared: it is not a gradient
      // of anything, and the dQ and dK products below read dpreatt's whole rows.
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, hs, 1.0f, dy, C, v, C3, 1.0f,
                  dprob, T);
      for (int t = 0; t < T; ++t) {
        for (int t2 = t + 1; t2 < T; ++t2) dprob[static_cast<size_t>(t) * T + t2] = 0.0f;
      }
      // dV (T,hs) += attᵀ (T,T) · dout.
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, hs, T, 1.0f, prob, T, dy, C, 1.0f, dv,
                  C3);
      // Softmax backward, row by row: dpreatt = att ⊙ (datt − ⟨att, datt⟩).
      for (int t = 0; t < T; ++t) {
        const size_t row = static_cast<size_t>(t) * T;
        CausalSoftmaxBackwardRow(dscore + row, prob + row, dprob + row, t);
      }
      // dQ (T,hs) += scale · dpreatt · K;  dK (T,hs) += scale · dpreattᵀ · Q.
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, hs, T, scale, dscore, T, k, C3,
                  1.0f, dq, C3);
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, hs, T, scale, dscore, T, q, C3, 1.0f,
                  dk, C3);
    }
  }
}

}  // namespace

void RegisterAttentionOpenblas(KernelTable& table) {
  table.attention_forward = AttentionForwardOpenblas;
  table.attention_backward = AttentionBackwardOpenblas;
}

}  // namespace gpt2
