// matmul_backward_adamw without fusion: a family's matmul_backward, then naive AdamW on the
// weight and bias, with the gradient reset. Naive, tiled and openblas register it over their own
// matmul_backward, so choosing the fused kernel with those families still runs their GEMM.
#ifndef GPT2_KERNELS_MATMUL_MATMUL_ADAMW_H_
#define GPT2_KERNELS_MATMUL_MATMUL_ADAMW_H_

#include <cstddef>
#include <cstdint>

#include "kernels/adamw/adamw_naive.h"
#include "kernels/ops.h"

namespace gpt2 {

template <typename Real>
using MatmulBackwardOf = void (*)(Real* dinp, Real* dweight, Real* dbias, const Real* dout,
                                  const Real* inp, const Real* weight, int B, int T, int C, int OC);

template <typename Real, MatmulBackwardOf<Real> kBackward>
void MatmulBackwardThenAdamw(Real* dinp, const AdamwTensorOf<Real>& weight,
                             const AdamwTensorOf<Real>& bias, const Real* dout, const Real* inp,
                             int B, int T, int C, int OC, const AdamwStep& s,
                             const uint8_t* /*grad_rows_with_sums: the backward adds to grad
                                               either way*/) {
  kBackward(dinp, weight.grad, bias.param ? bias.grad : nullptr, dout, inp, weight.param, B, T, C,
            OC);
  const auto step = [&s](const AdamwTensorOf<Real>& x, size_t n) {
    AdamwUpdateNaive(x.param, x.grad, x.m, x.v, n, s.lr, s.beta1, s.beta2, s.eps, s.weight_decay,
                     s.t, /*zero_grads=*/true);
  };
  step(weight, static_cast<size_t>(OC) * C);
  if (bias.param != nullptr) step(bias, static_cast<size_t>(OC));
}

}  // namespace gpt2

#endif  // GPT2_KERNELS_MATMUL_MATMUL_ADAMW_H_
