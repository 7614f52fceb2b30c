// The bias gradient shared by the GEMM-based matmul families: dbias (OC) += column sums of
// dout (M, OC). Parallel over columns, so each sum has one owner and one order, and the result
// does not depend on the thread count.
#ifndef GPT2_KERNELS_MATMUL_MATMUL_BIAS_H_
#define GPT2_KERNELS_MATMUL_MATMUL_BIAS_H_

#include <algorithm>
#include <cstddef>

namespace gpt2 {

// Each thread owns blocks of 64 columns and walks dout row by row, so reads are contiguous and
// the inner loop vectorises; every column is still summed over m in order, so the result is the
// same as the plain column loop's (which read with stride OC and took 4% of an MLP backward).
inline void AccumulateBiasGradient(float* dbias, const float* dout, int M, int OC) {
  constexpr int kColumns = 64;
#pragma omp parallel for
  for (int o0 = 0; o0 < OC; o0 += kColumns) {
    const int columns = std::min(kColumns, OC - o0);
    float sums[kColumns] = {};
    for (int m = 0; m < M; ++m) {
      const float* row = dout + static_cast<size_t>(m) * OC + o0;
      for (int j = 0; j < columns; ++j) sums[j] += row[j];
    }
    for (int j = 0; j < columns; ++j) dbias[o0 + j] += sums[j];
  }
}

}  // namespace gpt2

#endif  // GPT2_KERNELS_MATMUL_MATMUL_BIAS_H_
