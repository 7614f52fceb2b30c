// Attention on the highway GEMM, per (batch, head), skipping the masked half as the tiled family
// does: queries 16 at a time, each block's products stopping at the diagonal. K and V need no
// separate transpose: the GEMM packs its B operand through strides.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/attention/attention_highway.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "kernels/attention/attention_rows.h"
#include "kernels/highway_gemm-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gpt2 {
namespace HWY_NAMESPACE {

constexpr int kQueryBlock = 16;

void AttentionForward(float* out, float* preatt, float* att, const float* inp, int B, int T, int C,
                      int NH) {
  const int hs = C / NH;
  const size_t C3 = static_cast<size_t>(3) * C, TT = static_cast<size_t>(T) * T;
  const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
#pragma omp parallel for collapse(2)
  for (int b = 0; b < B; ++b) {
    for (int h = 0; h < NH; ++h) {
      const float* q = inp + static_cast<size_t>(b) * T * C3 + h * hs;
      const float *k = q + C, *v = q + 2 * C;
      const size_t head = (static_cast<size_t>(b) * NH + h) * TT;
      float *score = preatt + head, *prob = att + head;
      float* y = out + static_cast<size_t>(b) * T * C + h * hs;
      std::fill(score, score + TT, 0.0f);
      for (int t0 = 0; t0 < T; t0 += kQueryBlock) {
        const int rows = std::min(kQueryBlock, T - t0);
        // scores[t0.., :t0+rows] = scale · Q[t0..] · K[:t0+rows]ᵀ; Kᵀ(p, t2) = k[t2·3C + p].
        Gemm(rows, t0 + rows, hs, scale, {q + t0 * C3, C3, 1}, {k, 1, C3}, score + t0 * T, T);
      }
      for (int t = 0; t < T; ++t) {
        CausalSoftmaxRow(score + static_cast<size_t>(t) * T, prob + static_cast<size_t>(t) * T, t,
                         T);
      }
      for (int t = 0; t < T; ++t)
        std::fill(y + t * static_cast<size_t>(C), y + t * static_cast<size_t>(C) + hs, 0.0f);
      for (int t0 = 0; t0 < T; t0 += kQueryBlock) {
        const int rows = std::min(kQueryBlock, T - t0);
        Gemm(rows, hs, t0 + rows, 1.0f,
             {prob + t0 * static_cast<size_t>(T), static_cast<size_t>(T), 1}, {v, C3, 1},
             y + t0 * static_cast<size_t>(C), C);
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

      for (int t0 = 0; t0 < T; t0 += kQueryBlock) {
        const int rows = std::min(kQueryBlock, T - t0);
        float* block = dprob + t0 * sT;
        // datt[t0.., :t0+rows] += dout[t0..] · Vᵀ; the masked cells of the diagonal block are
        // restored to the zero they held on entry.
        Gemm(rows, t0 + rows, hs, 1.0f, {dy + t0 * sC, sC, 1}, {v, 1, C3}, block, T);
        for (int r = 0; r < rows; ++r) {
          for (int t2 = t0 + r + 1; t2 < t0 + rows; ++t2) block[r * sT + t2] = 0.0f;
        }
      }
      for (int t = 0; t < T; ++t) {
        const size_t row = static_cast<size_t>(t) * T;
        CausalSoftmaxBackwardRow(dscore + row, prob + row, dprob + row, t);
      }
      for (int t0 = 0; t0 < T; t0 += kQueryBlock) {
        const int rows = std::min(kQueryBlock, T - t0);
        const size_t corner = static_cast<size_t>(t0) * T + t0;
        // dQ[t0..] += scale · dpreatt[t0.., :t0+rows] · K[:t0+rows]
        Gemm(rows, hs, t0 + rows, scale, {dscore + t0 * sT, sT, 1}, {k, C3, 1}, dq + t0 * C3, C3);
        // dV[t0..] += att[t0.., t0..]ᵀ · dout[t0..];  dK[t0..] += scale · dpreatt[..]ᵀ · Q[t0..]
        Gemm(rows, hs, T - t0, 1.0f, {prob + corner, 1, sT}, {dy + t0 * sC, sC, 1}, dv + t0 * C3,
             C3);
        Gemm(rows, hs, T - t0, scale, {dscore + corner, 1, sT}, {q + t0 * C3, C3, 1}, dk + t0 * C3,
             C3);
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
