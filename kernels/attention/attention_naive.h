// Naive causal multi-head self-attention from the fused qkv layout.
//
// inp (B,T,3C) holds [q | k | v] per position; head h owns channels [h*hs, (h+1)*hs) of each,
// hs = C / NH. Scores are scaled by 1/sqrt(hs).
#ifndef GPT2_KERNELS_ATTENTION_ATTENTION_NAIVE_H_
#define GPT2_KERNELS_ATTENTION_ATTENTION_NAIVE_H_

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

namespace gpt2 {

// out (B,T,C); preatt, att (B,NH,T,T): row t holds the scores and softmax over keys t2 <= t;
// the masked entries t2 > t are written as 0 and never read.
template <typename Real>
void AttentionForwardNaive(Real* out, Real* preatt, Real* att, const Real* inp, int B, int T, int C,
                           int NH) {
  const int hs = C / NH;
  const size_t C3 = static_cast<size_t>(C) * 3;
  const Real scale = 1 / std::sqrt(static_cast<Real>(hs));
#pragma omp parallel for collapse(3)
  for (int b = 0; b < B; ++b) {
    for (int t = 0; t < T; ++t) {
      for (int h = 0; h < NH; ++h) {
        const Real* q = inp + (static_cast<size_t>(b) * T + t) * C3 + h * hs;
        const size_t row = ((static_cast<size_t>(b) * NH + h) * T + t) * T;
        Real* score = preatt + row;
        Real* prob = att + row;

        Real max_score = -std::numeric_limits<Real>::infinity();
        for (int t2 = 0; t2 <= t; ++t2) {
          const Real* k = inp + (static_cast<size_t>(b) * T + t2) * C3 + C + h * hs;
          Real dot = 0;
          for (int i = 0; i < hs; ++i) dot += q[i] * k[i];
          score[t2] = dot * scale;
          if (score[t2] > max_score) max_score = score[t2];
        }
        Real sum = 0;
        for (int t2 = 0; t2 <= t; ++t2) {
          prob[t2] = std::exp(score[t2] - max_score);
          sum += prob[t2];
        }
        for (int t2 = 0; t2 <= t; ++t2) prob[t2] /= sum;
        for (int t2 = t + 1; t2 < T; ++t2) score[t2] = prob[t2] = 0;

        Real* y = out + (static_cast<size_t>(b) * T + t) * C + h * hs;
        for (int i = 0; i < hs; ++i) y[i] = 0;
        for (int t2 = 0; t2 <= t; ++t2) {
          const Real* v = inp + (static_cast<size_t>(b) * T + t2) * C3 + 2 * C + h * hs;
          for (int i = 0; i < hs; ++i) y[i] += prob[t2] * v[i];
        }
      }
    }
  }
}

// Backward through y = att·v, att = softmax(preatt), preatt = q·kᵀ * scale.
//
// The softmax backward uses dpreatt = att ⊙ (datt − ⟨att, datt⟩), which is O(T) per row and so
// O(T²) per head. llm.c's train_gpt2.c forms the full softmax Jacobian instead (a double loop
// over t2 and t3, O(T³) per head); both give the same gradient.
// Parallel over (b, h): each pair writes a disjoint slice of dinp, dpreatt and datt.
template <typename Real>
void AttentionBackwardNaive(Real* dinp, Real* dpreatt, Real* datt, const Real* dout,
                            const Real* inp, const Real* att, int B, int T, int C, int NH) {
  const int hs = C / NH;
  const size_t C3 = static_cast<size_t>(C) * 3;
  const Real scale = 1 / std::sqrt(static_cast<Real>(hs));
#pragma omp parallel for collapse(2)
  for (int b = 0; b < B; ++b) {
    for (int h = 0; h < NH; ++h) {
      for (int t = 0; t < T; ++t) {
        const size_t row = ((static_cast<size_t>(b) * NH + h) * T + t) * T;
        const Real* prob = att + row;
        Real* dprob = datt + row;
        Real* dscore = dpreatt + row;
        const Real* dy = dout + (static_cast<size_t>(b) * T + t) * C + h * hs;
        const Real* q = inp + (static_cast<size_t>(b) * T + t) * C3 + h * hs;
        Real* dq = dinp + (static_cast<size_t>(b) * T + t) * C3 + h * hs;
        // datt and dpreatt are scratch (ops.h): this row's gradients are summed from zero.
        std::fill(dprob, dprob + t + 1, Real(0));
        std::fill(dscore, dscore + t + 1, Real(0));

        // y = Σ_t2 att[t2] v[t2]: datt[t2] += ⟨v[t2], dy⟩, dv[t2] += att[t2] dy.
        for (int t2 = 0; t2 <= t; ++t2) {
          const size_t kv = (static_cast<size_t>(b) * T + t2) * C3 + h * hs;
          const Real* v = inp + kv + 2 * C;
          Real* dv = dinp + kv + 2 * C;
          for (int i = 0; i < hs; ++i) {
            dprob[t2] += v[i] * dy[i];
            dv[i] += prob[t2] * dy[i];
          }
        }
        // Softmax backward: dpreatt = att ⊙ (datt − ⟨att, datt⟩).
        Real dot = 0;
        for (int t2 = 0; t2 <= t; ++t2) dot += prob[t2] * dprob[t2];
        for (int t2 = 0; t2 <= t; ++t2) dscore[t2] += prob[t2] * (dprob[t2] - dot);
        // preatt[t2] = ⟨q, k[t2]⟩ * scale.
        for (int t2 = 0; t2 <= t; ++t2) {
          const size_t kv = (static_cast<size_t>(b) * T + t2) * C3 + h * hs;
          const Real* k = inp + kv + C;
          Real* dk = dinp + kv + C;
          for (int i = 0; i < hs; ++i) {
            dq[i] += k[i] * dscore[t2] * scale;
            dk[i] += q[i] * dscore[t2] * scale;
          }
        }
      }
    }
  }
}

}  // namespace gpt2

#endif  // GPT2_KERNELS_ATTENTION_ATTENTION_NAIVE_H_
