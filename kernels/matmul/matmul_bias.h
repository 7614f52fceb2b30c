// The bias gradient shared by the GEMM-based matmul families: dbias (OC) += column sums of
// dout (M, OC). Parallel over columns, so each sum has one owner and one order, and the result
// does not depend on the thread count.
#ifndef GPT2_KERNELS_MATMUL_MATMUL_BIAS_H_
#define GPT2_KERNELS_MATMUL_MATMUL_BIAS_H_

#include <cstddef>

namespace gpt2 {

inline void AccumulateBiasGradient(float* dbias, const float* dout, int M, int OC) {
#pragma omp parallel for
  for (int o = 0; o < OC; ++o) {
    float sum = 0.0f;
    for (int m = 0; m < M; ++m) sum += dout[static_cast<size_t>(m) * OC + o];
    dbias[o] += sum;
  }
}

}  // namespace gpt2

#endif  // GPT2_KERNELS_MATMUL_MATMUL_BIAS_H_
