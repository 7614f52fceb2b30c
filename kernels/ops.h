// The kernels of a GPT-2 training step, declared once.
//
// Every op is named as in llm.c's train_gpt2.c so that file maps onto ours by name. Conventions,
// kept by every family:
//   - outputs first, then inputs, then dimensions (B, T, C, OC, NH, V, Vp);
//   - tensors are dense row-major fp32; sizes are int, offsets are computed in size_t;
//   - forward kernels overwrite their outputs; backward kernels ACCUMULATE (+=) into every
//     gradient they write, so the caller zeroes gradients once per step;
//   - a kernel may use OpenMP; the thread count is set once per process (omp_set_num_threads).
#ifndef GPT2_KERNELS_OPS_H_
#define GPT2_KERNELS_OPS_H_

#include <cstddef>
#include <cstdint>

namespace gpt2 {

// out (B,T,C) = wte[inp] (rows of (V,C)) + wpe[t] (rows of (maxT,C)).
using EncoderForwardFn = void (*)(float* out, const int* inp, const float* wte, const float* wpe,
                                  int B, int T, int C);
// dwte[inp] += dout, dwpe[t] += dout.
using EncoderBackwardFn = void (*)(float* dwte, float* dwpe, const float* dout, const int* inp,
                                   int B, int T, int C);
// out (B,T,C) = (inp - mean) * rstd * weight + bias over C; saves mean, rstd (B,T).
using LayernormForwardFn = void (*)(float* out, float* mean, float* rstd, const float* inp,
                                    const float* weight, const float* bias, int B, int T, int C);
// dinp, dweight, dbias += gradients of layernorm, from the saved mean and rstd.
using LayernormBackwardFn = void (*)(float* dinp, float* dweight, float* dbias, const float* dout,
                                     const float* inp, const float* weight, const float* mean,
                                     const float* rstd, int B, int T, int C);
// out (B,T,OC) = inp (B,T,C) · weightᵀ (OC,C) + bias (OC), bias may be null.
using MatmulForwardFn = void (*)(float* out, const float* inp, const float* weight,
                                 const float* bias, int B, int T, int C, int OC);
// out (B,T,OC) = inp · weightᵀ + bias as MatmulForwardFn, then gelu_out = gelu(out) as
// GeluForwardFn: the MLP's first matmul and its activation, fused so each block of output is
// activated while it is still in cache. out (the pre-activation) is kept: gelu_backward reads it.
using MatmulGeluForwardFn = void (*)(float* out, float* gelu_out, const float* inp,
                                     const float* weight, const float* bias, int B, int T, int C,
                                     int OC);
// dinp += dout · weight, dweight += doutᵀ · inp, dbias += Σ dout. Any of dinp, dweight and dbias
// may be null: that product is skipped (the model takes the tied LM head's dinp first and its
// weight gradient last, after encoder_backward has added to the same tensor).
using MatmulBackwardFn = void (*)(float* dinp, float* dweight, float* dbias, const float* dout,
                                  const float* inp, const float* weight, int B, int T, int C,
                                  int OC);
// out (B,T,C) = causal multi-head attention of inp (B,T,3C) = [q | k | v]; saves att (B,NH,T,T),
// the probabilities, for the backward, with the entries above the diagonal written as 0. preatt
// (B,NH,T,T) is scratch a kernel may use for the scores: its contents on return are unspecified.
using AttentionForwardFn = void (*)(float* out, float* preatt, float* att, const float* inp, int B,
                                    int T, int C, int NH);
// dinp (B,T,3C) += gradient through attention. dpreatt and datt (B,NH,T,T) are scratch a kernel
// may use for the gradients of the scores and probabilities: their contents on entry and on
// return are unspecified (a kernel that sums into them zeroes them first), so the model does not
// zero them each step, and a kernel may keep those gradients elsewhere (highway's never leave a
// per-thread block in cache: at T=1024 they are 2 × 48 MB a layer).
using AttentionBackwardFn = void (*)(float* dinp, float* dpreatt, float* datt, const float* dout,
                                     const float* inp, const float* att, int B, int T, int C,
                                     int NH);
// out (N) = gelu(inp), tanh approximation.
using GeluForwardFn = void (*)(float* out, const float* inp, int N);
// dinp (N) += gelu'(inp) * dout.
using GeluBackwardFn = void (*)(float* dinp, const float* inp, const float* dout, int N);
// out (N) = inp1 + inp2.
using ResidualForwardFn = void (*)(float* out, const float* inp1, const float* inp2, int N);
// dinp1 += dout, dinp2 += dout.
using ResidualBackwardFn = void (*)(float* dinp1, float* dinp2, const float* dout, int N);
// residual (B,T,C) = inp1 + inp2, then out = layernorm(residual) as LayernormForwardFn: the
// residual_forward + layernorm_forward pair of the model, fused so the sum is normalised while it
// is still in cache instead of being read back from memory.
using ResidualLayernormForwardFn = void (*)(float* residual, float* out, float* mean, float* rstd,
                                            const float* inp1, const float* inp2,
                                            const float* weight, const float* bias, int B, int T,
                                            int C);
// probs (B,T,Vp) = softmax of logits over the first V entries; probs[V..Vp) = 0.
using SoftmaxForwardFn = void (*)(float* probs, const float* logits, int B, int T, int V, int Vp);
// losses (B,T) = -log probs[target].
using CrossentropyForwardFn = void (*)(float* losses, const float* probs, const int* targets, int B,
                                       int T, int Vp);
// dlogits[..V) += (probs - onehot(target)) * dlosses; dlogits[V..Vp) untouched.
using CrossentropySoftmaxBackwardFn = void (*)(float* dlogits, const float* dlosses,
                                               const float* probs, const int* targets, int B, int T,
                                               int V, int Vp);
// losses (B,T) = −log softmax(logits[..V))[target], and dlogits (B,T,Vp) = (softmax −
// onehot(target)) · dloss over [..V), 0 over [V..Vp): softmax_forward, crossentropy_forward and
// crossentropy_softmax_backward of a training step in one pass over the logits, every position's
// loss having the same gradient dloss (the mean's 1/(B·T)). The probabilities are never stored,
// and dlogits is overwritten, not accumulated: the model calls it from Forward, and ZeroGrad
// leaves dlogits alone.
using SoftmaxCrossentropyFusedFn = void (*)(float* losses, float* dlogits, const float* logits,
                                            const int* targets, float dloss, int B, int T, int V,
                                            int Vp);
// One AdamW step's hyperparameters; t counts from 1 (it sets the bias corrections 1 − βᵗ).
struct AdamwStep {
  float lr, beta1, beta2, eps, weight_decay;
  int t;
};
// A parameter tensor with its gradient and AdamW moments, all laid out alike (in double too, for
// the naive reference the benchmarks measure errors against).
template <typename Real>
struct AdamwTensorOf {
  Real* param;
  Real* grad;
  Real* m;
  Real* v;
};
using AdamwTensor = AdamwTensorOf<float>;
// matmul_backward, then one AdamW step on the weight and bias from the gradients just computed:
// dinp += dout · weight (the weight before its update; dinp may be null: skipped), then weight
// (OC,C) and bias (OC; its param may be null for none) take the step as AdamwUpdateFn with
// zero_grads, from grad + doutᵀ · inp (and grad + Σ dout). Their grads are zero on entry but
// for the rows that grad_rows_with_sums flags (null: none; else OC flags, nonzero where that row
// of weight.grad already holds part of its gradient: the tied wte's rows of the batch's tokens,
// which encoder_backward adds to), and zero on return: a variant may use them as scratch (naive
// computes the gradients there), or never write them (highway applies AdamW to each
// weight-gradient tile in the GEMM's epilogue, while the tile is in L1, so the 0.3 GB of layer
// weight gradients never go to memory and back; it reads a tile's sums there first only where
// one of the tile's rows is flagged, so of the tied wte's 154 MB of gradient only the batch's
// tokens' rows are read).
using MatmulBackwardAdamwFn = void (*)(float* dinp, const AdamwTensor& weight,
                                       const AdamwTensor& bias, const float* dout, const float* inp,
                                       int B, int T, int C, int OC, const AdamwStep& step,
                                       const uint8_t* grad_rows_with_sums);
// One AdamW step over n parameters at step t (1-based): bias-corrected moments, decoupled
// weight decay: p -= lr * (m̂ / (sqrt(v̂) + eps) + weight_decay * p). With zero_grads it then
// sets grads to 0: the next step's gradient reset, fused into the pass that already streams the
// gradients, so the model skips a separate 0.5 GB memset (GPT2::Update).
using AdamwUpdateFn = void (*)(float* params, float* grads, float* m, float* v, size_t n, float lr,
                               float beta1, float beta2, float eps, float weight_decay, int t,
                               bool zero_grads);

// The single list of kernels: X(name, function-pointer type, one-line description).
// Everything that enumerates kernels (the kernel table, names, printing, benchmarks) expands it.
#define GPT2_KERNEL_LIST(X)                                                                      \
  X(encoder_forward, EncoderForwardFn, "token + position embedding lookup")                      \
  X(encoder_backward, EncoderBackwardFn, "scatter-add into the embedding tables")                \
  X(layernorm_forward, LayernormForwardFn, "layer normalisation over channels")                  \
  X(layernorm_backward, LayernormBackwardFn, "layer normalisation gradients")                    \
  X(matmul_forward, MatmulForwardFn, "out = inp · weightᵀ + bias")                               \
  X(matmul_backward, MatmulBackwardFn, "dinp, dweight, dbias of the matmul")                     \
  X(matmul_gelu_forward, MatmulGeluForwardFn, "matmul with GELU in its epilogue")                \
  X(attention_forward, AttentionForwardFn, "causal multi-head self-attention")                   \
  X(attention_backward, AttentionBackwardFn, "attention gradients (O(T²) softmax backward)")     \
  X(gelu_forward, GeluForwardFn, "GELU, tanh approximation")                                     \
  X(gelu_backward, GeluBackwardFn, "GELU gradient")                                              \
  X(residual_forward, ResidualForwardFn, "elementwise sum of two streams")                       \
  X(residual_backward, ResidualBackwardFn, "gradient copied to both streams")                    \
  X(residual_layernorm_forward, ResidualLayernormForwardFn, "fused residual sum + layernorm")    \
  X(softmax_forward, SoftmaxForwardFn, "softmax over the real vocabulary")                       \
  X(crossentropy_forward, CrossentropyForwardFn, "per-token negative log-likelihood")            \
  X(crossentropy_softmax_backward, CrossentropySoftmaxBackwardFn, "fused softmax+CE gradient")   \
  X(softmax_crossentropy_fused, SoftmaxCrossentropyFusedFn, "softmax, loss and dlogits at once") \
  X(adamw_update, AdamwUpdateFn, "AdamW optimizer step")                                         \
  X(matmul_backward_adamw, MatmulBackwardAdamwFn, "matmul backward with AdamW in its epilogue")

// A table with one function pointer per kernel. A family fills the entries it implements and
// leaves the others null.
struct KernelTable {
#define GPT2_TABLE_ENTRY(name, Fn, description) Fn name = nullptr;
  GPT2_KERNEL_LIST(GPT2_TABLE_ENTRY)
#undef GPT2_TABLE_ENTRY
};

enum class KernelId {
#define GPT2_KERNEL_ID(name, Fn, description) name,
  GPT2_KERNEL_LIST(GPT2_KERNEL_ID)
#undef GPT2_KERNEL_ID
};

inline constexpr int kNumKernels = 0
#define GPT2_COUNT_KERNEL(name, Fn, description) +1
    GPT2_KERNEL_LIST(GPT2_COUNT_KERNEL)
#undef GPT2_COUNT_KERNEL
    ;

struct KernelInfo {
  const char* name;
  const char* description;
};

// Name and description of every kernel, indexed by KernelId.
inline constexpr KernelInfo kKernelInfo[kNumKernels] = {
#define GPT2_KERNEL_INFO(name, Fn, description) {#name, description},
    GPT2_KERNEL_LIST(GPT2_KERNEL_INFO)
#undef GPT2_KERNEL_INFO
};

// Type-erased access to a table entry, for code that walks all kernels (resolution, printing).
inline bool HasKernel(const KernelTable& table, int id) {
  int i = 0;
  bool found = false;
#define GPT2_HAS_KERNEL(name, Fn, description) \
  if (i++ == id) found = table.name != nullptr;
  GPT2_KERNEL_LIST(GPT2_HAS_KERNEL)
#undef GPT2_HAS_KERNEL
  return found;
}

// Copies entry `id` from one table to another.
inline void CopyKernel(KernelTable& to, const KernelTable& from, int id) {
  int i = 0;
#define GPT2_COPY_KERNEL(name, Fn, description) \
  if (i++ == id) to.name = from.name;
  GPT2_KERNEL_LIST(GPT2_COPY_KERNEL)
#undef GPT2_COPY_KERNEL
}

}  // namespace gpt2

#endif  // GPT2_KERNELS_OPS_H_
