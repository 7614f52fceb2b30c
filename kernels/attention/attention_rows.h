// The row-wise parts of attention that the GEMM-based families share: the causal softmax of one
// query's scores, and its backward. Plain loops; the GEMMs around them are where the families
// differ.
#ifndef GPT2_KERNELS_ATTENTION_ATTENTION_ROWS_H_
#define GPT2_KERNELS_ATTENTION_ATTENTION_ROWS_H_

#include <cmath>
#include <limits>

namespace gpt2 {

// Query t's row of T: prob[0..t] = softmax(score[0..t]); the masked entries t2 > t of both rows
// are written as 0, as the naive kernel writes them.
inline void CausalSoftmaxRow(float* score, float* prob, int t, int T) {
  float max_score = -std::numeric_limits<float>::infinity();
  for (int t2 = 0; t2 <= t; ++t2) max_score = std::fmax(max_score, score[t2]);
  float sum = 0.0f;
  for (int t2 = 0; t2 <= t; ++t2) {
    prob[t2] = std::exp(score[t2] - max_score);
    sum += prob[t2];
  }
  const float inv_sum = 1.0f / sum;
  for (int t2 = 0; t2 <= t; ++t2) prob[t2] *= inv_sum;
  for (int t2 = t + 1; t2 < T; ++t2) score[t2] = prob[t2] = 0.0f;
}

// dscore[0..t] += prob ⊙ (dprob − ⟨prob, dprob⟩): the softmax backward in O(t).
inline void CausalSoftmaxBackwardRow(float* dscore, const float* prob, const float* dprob, int t) {
  float dot = 0.0f;
  for (int t2 = 0; t2 <= t; ++t2) dot += prob[t2] * dprob[t2];
  for (int t2 = 0; t2 <= t; ++t2) dscore[t2] += prob[t2] * (dprob[t2] - dot);
}

}  // namespace gpt2

#endif  // GPT2_KERNELS_ATTENTION_ATTENTION_ROWS_H_
