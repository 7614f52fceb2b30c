// Naive residual connection: the sum of two streams, and its gradient copied to both.
#ifndef GPT2_KERNELS_RESIDUAL_RESIDUAL_NAIVE_H_
#define GPT2_KERNELS_RESIDUAL_RESIDUAL_NAIVE_H_

namespace gpt2 {

template <typename Real>
void ResidualForwardNaive(Real* out, const Real* inp1, const Real* inp2, int N) {
#pragma omp parallel for
  for (int i = 0; i < N; ++i) out[i] = inp1[i] + inp2[i];
}

template <typename Real>
void ResidualBackwardNaive(Real* dinp1, Real* dinp2, const Real* dout, int N) {
#pragma omp parallel for
  for (int i = 0; i < N; ++i) {
    dinp1[i] += dout[i];
    dinp2[i] += dout[i];
  }
}

}  // namespace gpt2

#endif  // GPT2_KERNELS_RESIDUAL_RESIDUAL_NAIVE_H_
