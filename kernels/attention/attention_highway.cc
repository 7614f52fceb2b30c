// Attention on the highway GEMM, per (batch, head), skipping the masked half: queries in blocks
// (QueryBlock), each block's products stopping at the diagonal, and inside a block the GEMM skips
// the tiles and depth wholly past it (Causal in kernels/highway_gemm-inl.h). K and V
// need no separate transpose: the GEMM packs its B operand through strides. The causal softmax rows
// and their backward run a vector at a time (Highway's Exp): at T=1024 they are T²/2 exponentials
// per head, which plain std::exp made the larger part of the forward's time. The forward's GEMMs
// write their outputs outright (the GEMM's overwrite mode), so no pass zeroes scores or outputs
// first.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/attention/attention_highway.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include <algorithm>
#include <cmath>

#include "hwy/highway.h"
#include "kernels/highway_gemm-inl.h"
#include "kernels/highway_softmax-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gpt2 {
namespace HWY_NAMESPACE {

// Queries per block. Each block's GEMMs pack K (or V) for every key up to its diagonal, so
// taller blocks pack less often; within a block the GEMM skips the masked tiles (Causal, in
// kernels/highway_gemm-inl.h), so they no longer pay for the triangle either. Measured with
// bench_kernels at 1 thread, B=4, alternated 5 times, against 16-row blocks at T=64 and 48 at
// T=1024 without the skip: T=64 forward 0.400 to 0.345 ms with one 64-row block, backward
// 0.524 to 0.458 ms with 32 (its five GEMMs per block gained less from one block); T=1024
// forward 57.5 to 51.8 ms and backward 114 to 112 ms with 128.
int QueryBlock(int T) { return T >= 256 ? 128 : std::min(T, 64); }
int QueryBlockBackward(int T) { return T >= 256 ? 128 : std::min(T, 32); }

// Query t's row of T: prob[0..t] = softmax(score[0..t]); the masked entries t2 > t of both rows
// are written as 0, as the naive kernel writes them (attention_rows.h's CausalSoftmaxRow, a
// vector at a time).
void CausalSoftmaxRowVectors(float* score, float* prob, int t, int T) {
  const int n = t + 1;
  SoftmaxRow(prob, score, n);
  std::fill(score + n, score + T, 0.0f);
  std::fill(prob + n, prob + T, 0.0f);
}

// dscore[0..t] += prob ⊙ (dprob − ⟨prob, dprob⟩), a vector at a time (CausalSoftmaxBackwardRow).
void CausalSoftmaxBackwardRowVectors(float* dscore, const float* prob, const float* dprob, int t) {
  const hn::ScalableTag<float> d;
  const int lanes = static_cast<int>(hn::Lanes(d)), n = t + 1, vector_end = n - n % lanes;
  auto vdot = hn::Zero(d);
  for (int i = 0; i < vector_end; i += lanes) {
    vdot = hn::MulAdd(hn::LoadU(d, prob + i), hn::LoadU(d, dprob + i), vdot);
  }
  float dot = hn::GetLane(hn::SumOfLanes(d, vdot));
  for (int i = vector_end; i < n; ++i) dot += prob[i] * dprob[i];
  const auto vdot_all = hn::Set(d, dot);
  for (int i = 0; i < vector_end; i += lanes) {
    const auto p = hn::LoadU(d, prob + i);
    const auto g = hn::Sub(hn::LoadU(d, dprob + i), vdot_all);
    hn::StoreU(hn::MulAdd(p, g, hn::LoadU(d, dscore + i)), d, dscore + i);
  }
  for (int i = vector_end; i < n; ++i) dscore[i] += prob[i] * (dprob[i] - dot);
}

void AttentionForward(float* out, float* preatt, float* att, const float* inp, int B, int T, int C,
                      int NH) {
  const int hs = C / NH;
  const size_t C3 = static_cast<size_t>(3) * C, TT = static_cast<size_t>(T) * T;
  const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
  const int query_block = QueryBlock(T);
#pragma omp parallel for collapse(2)
  for (int b = 0; b < B; ++b) {
    for (int h = 0; h < NH; ++h) {
      const float* q = inp + static_cast<size_t>(b) * T * C3 + h * hs;
      const float *k = q + C, *v = q + 2 * C;
      const size_t head = (static_cast<size_t>(b) * NH + h) * TT;
      float *score = preatt + head, *prob = att + head;
      float* y = out + static_cast<size_t>(b) * T * C + h * hs;
      for (int t0 = 0; t0 < T; t0 += query_block) {
        const int rows = std::min(query_block, T - t0);
        // scores[t0.., :t0+rows] = scale · Q[t0..] · K[:t0+rows]ᵀ; Kᵀ(p, t2) = k[t2·3C + p].
        // The rest of each row is the masked part, which the softmax writes as zeros.
        Gemm(rows, t0 + rows, hs, scale, {q + t0 * C3, C3, 1}, {k, 1, C3}, score + t0 * T, T,
             OverwriteEpilogue(), {Causal::kColumnsAfterRow, static_cast<size_t>(t0)});
      }
      for (int t = 0; t < T; ++t) {
        CausalSoftmaxRowVectors(score + static_cast<size_t>(t) * T,
                                prob + static_cast<size_t>(t) * T, t, T);
      }
      for (int t0 = 0; t0 < T; t0 += query_block) {
        const int rows = std::min(query_block, T - t0);
        // y[t0..] = att[t0.., :t0+rows] · V[:t0+rows]: the masked probabilities are zeros.
        Gemm(rows, hs, t0 + rows, 1.0f,
             {prob + t0 * static_cast<size_t>(T), static_cast<size_t>(T), 1}, {v, C3, 1},
             y + t0 * static_cast<size_t>(C), C, OverwriteEpilogue(),
             {Causal::kDepthAfterRow, static_cast<size_t>(t0)});
      }
    }
  }
}

void AttentionBackward(float* dinp, float* dpreatt, float* datt, const float* dout,
                       const float* inp, const float* att, int B, int T, int C, int NH) {
  const int hs = C / NH;
  const size_t C3 = static_cast<size_t>(3) * C, TT = static_cast<size_t>(T) * T;
  const size_t sT = T, sC = C;
  const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
  const int query_block = QueryBlockBackward(T);
#pragma omp parallel for collapse(2)
  for (int b = 0; b < B; ++b) {
    for (int h = 0; h < NH; ++h) {
      const size_t qkv = static_cast<size_t>(b) * T * C3 + h * hs;
      const float *q = inp + qkv, *k = q + C, *v = q + 2 * C;
      float *dq = dinp + qkv, *dk = dq + C, *dv = dq + 2 * C;
      const float* dy = dout + static_cast<size_t>(b) * T * C + h * hs;
      const size_t head = (static_cast<size_t>(b) * NH + h) * TT;
      const float* prob = att + head;
      float *dprob = datt + head, *dscore = dpreatt + head;

      for (int t0 = 0; t0 < T; t0 += query_block) {
        const int rows = std::min(query_block, T - t0);
        float* block = dprob + t0 * sT;
        // datt[t0.., :t0+rows] += dout[t0..] · Vᵀ; the masked cells of the diagonal block are
        // restored to the zero they held on entry.
        Gemm(rows, t0 + rows, hs, 1.0f, {dy + t0 * sC, sC, 1}, {v, 1, C3}, block, T, {},
             {Causal::kColumnsAfterRow, static_cast<size_t>(t0)});
        for (int r = 0; r < rows; ++r) {
          for (int t2 = t0 + r + 1; t2 < t0 + rows; ++t2) block[r * sT + t2] = 0.0f;
        }
      }
      for (int t = 0; t < T; ++t) {
        const size_t row = static_cast<size_t>(t) * T;
        CausalSoftmaxBackwardRowVectors(dscore + row, prob + row, dprob + row, t);
      }
      for (int t0 = 0; t0 < T; t0 += query_block) {
        const int rows = std::min(query_block, T - t0);
        const size_t corner = static_cast<size_t>(t0) * T + t0;
        // dQ[t0..] += scale · dpreatt[t0.., :t0+rows] · K[:t0+rows]
        Gemm(rows, hs, t0 + rows, scale, {dscore + t0 * sT, sT, 1}, {k, C3, 1}, dq + t0 * C3, C3,
             {}, {Causal::kDepthAfterRow, static_cast<size_t>(t0)});
        // dV[t0..] += att[t0.., t0..]ᵀ · dout[t0..];  dK[t0..] += scale · dpreatt[..]ᵀ · Q[t0..]
        Gemm(rows, hs, T - t0, 1.0f, {prob + corner, 1, sT}, {dy + t0 * sC, sC, 1}, dv + t0 * C3,
             C3, {}, {Causal::kDepthBeforeRow, 0});
        Gemm(rows, hs, T - t0, scale, {dscore + corner, 1, sT}, {q + t0 * C3, C3, 1}, dk + t0 * C3,
             C3, {}, {Causal::kDepthBeforeRow, 0});
      }
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace gpt2
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "kernels/families.h"

namespace gpt2 {
HWY_EXPORT(AttentionForward);
HWY_EXPORT(AttentionBackward);

namespace {
void AttentionForwardHighway(float* out, float* preatt, float* att, const float* inp, int B, int T,
                             int C, int NH) {
  HWY_DYNAMIC_DISPATCH(AttentionForward)(out, preatt, att, inp, B, T, C, NH);
}
void AttentionBackwardHighway(float* dinp, float* dpreatt, float* datt, const float* dout,
                              const float* inp, const float* att, int B, int T, int C, int NH) {
  HWY_DYNAMIC_DISPATCH(AttentionBackward)(dinp, dpreatt, datt, dout, inp, att, B, T, C, NH);
}
}  // namespace

void RegisterAttentionHighway(KernelTable& table) {
  table.attention_forward = AttentionForwardHighway;
  table.attention_backward = AttentionBackwardHighway;
}

}  // namespace gpt2
#endif  // HWY_ONCE
