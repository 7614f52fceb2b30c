// The naive family: the float instantiation of every plain-loop kernel. It is complete by
// definition: every other family falls back to it for kernels it lacks.
#include "kernels/adamw/adamw_naive.h"
#include "kernels/attention/attention_naive.h"
#include "kernels/crossentropy/crossentropy_naive.h"
#include "kernels/encoder/encoder_naive.h"
#include "kernels/families.h"
#include "kernels/gelu/gelu_naive.h"
#include "kernels/layernorm/layernorm_naive.h"
#include "kernels/matmul/matmul_adamw.h"
#include "kernels/matmul/matmul_naive.h"
#include "kernels/residual/residual_naive.h"

namespace gpt2 {

void RegisterNaiveFamily(KernelTable& naive) {
  naive.encoder_forward = EncoderForwardNaive<float>;
  naive.encoder_backward = EncoderBackwardNaive<float>;
  naive.layernorm_forward = LayernormForwardNaive<float>;
  naive.layernorm_backward = LayernormBackwardNaive<float>;
  naive.matmul_forward = MatmulForwardNaive<float>;
  naive.matmul_backward = MatmulBackwardNaive<float>;
  naive.matmul_gelu_forward = MatmulGeluForwardNaive<float>;
  naive.attention_forward = AttentionForwardNaive<float>;
  naive.attention_backward = AttentionBackwardNaive<float>;
  naive.gelu_forward = GeluForwardNaive<float>;
  naive.gelu_backward = GeluBackwardNaive<float>;
  naive.residual_forward = ResidualForwardNaive<float>;
  naive.residual_backward = ResidualBackwardNaive<float>;
  naive.residual_layernorm_forward = ResidualLayernormForwardNaive<float>;
  naive.softmax_forward = SoftmaxForwardNaive<float>;
  naive.crossentropy_forward = CrossentropyForwardNaive<float>;
  naive.crossentropy_softmax_backward = CrossentropySoftmaxBackwardNaive<float>;
  naive.softmax_crossentropy_fused = SoftmaxCrossentropyFusedNaive<float>;
  naive.adamw_update = AdamwUpdateNaive<float>;
  naive.matmul_backward_adamw = MatmulBackwardThenAdamw<float, MatmulBackwardNaive<float>>;
}

}  // namespace gpt2
