// Naive token + position embedding: plain loops that read like the math. Templated on the
// element type so tests can run the same code in double as an oracle; the registry uses float.
#ifndef GPT2_KERNELS_ENCODER_ENCODER_NAIVE_H_
#define GPT2_KERNELS_ENCODER_ENCODER_NAIVE_H_

#include <cstddef>

namespace gpt2 {

// out (B,T,C) = wte[inp[b,t]] + wpe[t].
template <typename Real>
void EncoderForwardNaive(Real* out, const int* inp, const Real* wte, const Real* wpe, int B, int T,
                         int C) {
#pragma omp parallel for collapse(2)
  for (int b = 0; b < B; ++b) {
    for (int t = 0; t < T; ++t) {
      const size_t bt = static_cast<size_t>(b) * T + t;
      const Real* token = wte + static_cast<size_t>(inp[bt]) * C;
      const Real* position = wpe + static_cast<size_t>(t) * C;
      Real* out_bt = out + bt * C;
      for (int c = 0; c < C; ++c) out_bt[c] = token[c] + position[c];
    }
  }
}

// dwte[inp[b,t]] += dout[b,t], dwpe[t] += dout[b,t]. Serial: two positions may hold the same
// token and would race on its row.
template <typename Real>
void EncoderBackwardNaive(Real* dwte, Real* dwpe, const Real* dout, const int* inp, int B, int T,
                          int C) {
  for (int b = 0; b < B; ++b) {
    for (int t = 0; t < T; ++t) {
      const size_t bt = static_cast<size_t>(b) * T + t;
      const Real* dout_bt = dout + bt * C;
      Real* dtoken = dwte + static_cast<size_t>(inp[bt]) * C;
      Real* dposition = dwpe + static_cast<size_t>(t) * C;
      for (int c = 0; c < C; ++c) {
        dtoken[c] += dout_bt[c];
        dposition[c] += dout_bt[c];
      }
    }
  }
}

}  // namespace gpt2

#endif  // GPT2_KERNELS_ENCODER_ENCODER_NAIVE_H_
