#include "kernels/kernel_costs.h"

#include <algorithm>
#include <cstdint>

namespace gpt2 {
namespace {

// Conventions: a multiply-add is two FLOPs; exp, log, tanh, sqrt and a division count as one
// FLOP each (so an elementwise kernel's FLOPs say how much arithmetic it has, not its latency);
// bytes are 4 per float or int read, 4 per float written, 8 per float accumulated (+=).
constexpr double kF = 4;  // bytes per float or int

KernelCost EncoderForward(float*, const int*, const float*, const float*, int B, int T, int C) {
  const double BT = double(B) * T, BTC = BT * C;
  return {BTC, kF * (BT + BTC + double(T) * C + BTC)};  // tokens, wte rows, wpe, out
}

KernelCost EncoderBackward(float*, float*, const float*, const int*, int B, int T, int C) {
  const double BT = double(B) * T, BTC = BT * C;
  return {2 * BTC, kF * (BTC + BT + 2 * BTC + 2 * double(T) * C)};  // dout, tokens, dwte, dwpe
}

KernelCost LayernormForward(float*, float*, float*, const float*, const float*, const float*, int B,
                            int T, int C) {
  const double BT = double(B) * T, BTC = BT * C;
  // mean 1, variance 3, normalise, scale and shift 4 per element
  return {8 * BTC, kF * (BTC + 2.0 * C + BTC + 2 * BT)};
}

KernelCost LayernormBackward(float*, float*, float*, const float*, const float*, const float*,
                             const float*, const float*, int B, int T, int C) {
  const double BT = double(B) * T, BTC = BT * C;
  // norm 2, dnorm 1, two row sums 3, dbias 1, dweight 2, dinp 6 per element
  return {15 * BTC, kF * (2 * BTC + C + 2 * BT + 2 * BTC + 4.0 * C)};
}

KernelCost MatmulForward(float*, const float*, const float*, const float* bias, int B, int T, int C,
                         int OC) {
  const double M = double(B) * T, K = C, N = OC;
  const double bias_floats = bias ? N : 0;
  return {2 * M * K * N + (bias ? M * N : 0), kF * (M * K + N * K + bias_floats + M * N)};
}

KernelCost MatmulBackward(float* dinp, float* dweight, float* dbias, const float*, const float*,
                          const float*, int B, int T, int C, int OC) {
  const double M = double(B) * T, K = C, N = OC;
  // dinp = dout·W (reads the weight, accumulates dinp) and dweight = doutᵀ·inp (reads inp,
  // accumulates dweight): 2·M·K·N FLOPs each, either may be skipped; dbias: a sum over M.
  const double dinp_products = dinp ? 1 : 0, dweight_products = dweight ? 1 : 0;
  return {2 * M * K * N * (dinp_products + dweight_products) + (dbias ? M * N : 0),
          kF * (M * N + dinp_products * (N * K + 2 * M * K) +
                dweight_products * (M * K + 2 * N * K) + (dbias ? 2 * N : 0))};
}

KernelCost GeluForward(float*, const float*, int N);

KernelCost MatmulGeluForward(float* out, float*, const float* inp, const float* weight,
                             const float* bias, int B, int T, int C, int OC) {
  // The matmul, then GELU's 9 FLOPs per output, whose result is written too (the unfused pair
  // also reads the matmul's output back: B·T·OC floats more).
  const KernelCost matmul = MatmulForward(out, inp, weight, bias, B, T, C, OC);
  const KernelCost gelu = GeluForward(nullptr, nullptr, 1);
  const double outputs = double(B) * T * OC;
  return {matmul.flops + gelu.flops * outputs, matmul.bytes + kF * outputs};
}

// Scores a causal head needs: T(T+1)/2 per (batch, head).
double CausalScores(int B, int T, int NH) { return double(B) * NH * T * (T + 1) / 2; }

KernelCost AttentionForward(float*, float*, float*, const float*, int B, int T, int C, int NH) {
  const double BTC = double(B) * T * C, S = CausalScores(B, T, NH), hs = double(C) / NH;
  // q·k and att·v: 2·hs per score each; scale and softmax: 5 per score. Reads qkv, writes out
  // and the causal halves of preatt and att.
  return {4 * hs * S + 5 * S, kF * (3 * BTC + BTC + 2 * S)};
}

KernelCost AttentionBackward(float*, float*, float*, const float*, const float*, const float*,
                             int B, int T, int C, int NH) {
  const double BTC = double(B) * T * C, S = CausalScores(B, T, NH), hs = double(C) / NH;
  // datt, dv, dq, dk: 2·hs per score each; the softmax backward needs 4 per score (the O(T)
  // form; the naive kernel's O(T²) loop does more and is not credited for it). The bytes: inp,
  // att and dout read, dinp read and written; dpreatt and datt are scratch that need not leave
  // the cache (ops.h).
  return {8 * hs * S + 4 * S, kF * (3 * BTC + S + BTC + 2 * 3 * BTC)};
}

KernelCost GeluForward(float*, const float*, int N) { return {9.0 * N, kF * 2 * N}; }
KernelCost GeluBackward(float*, const float*, const float*, int N) {
  return {19.0 * N, kF * 4 * N};  // reads inp and dout, accumulates dinp
}
KernelCost ResidualForward(float*, const float*, const float*, int N) {
  return {1.0 * N, kF * 3 * N};
}
KernelCost ResidualBackward(float*, float*, const float*, int N) {
  return {2.0 * N, kF * 5 * N};  // reads dout, accumulates both inputs' gradients
}

KernelCost ResidualLayernormForward(float*, float*, float*, float*, const float*, const float*,
                                    const float*, const float*, int B, int T, int C) {
  const double BT = double(B) * T, BTC = BT * C;
  // The sum (1) and the layernorm of it (8) per element; compulsory bytes: both inputs read, the
  // sum and the normalised output written, and the parameters and statistics. The unfused pair
  // also reads the sum back: BTC floats more.
  return {9 * BTC, kF * (2 * BTC + 2 * BTC + 2.0 * C + 2 * BT)};
}

KernelCost SoftmaxForward(float*, const float*, int B, int T, int V, int) {
  const double BTV = double(B) * T * V;
  return {5 * BTV, kF * 2 * BTV};  // max, subtract, exp, sum, scale
}

KernelCost CrossentropyForward(float*, const float*, const int*, int B, int T, int) {
  const double BT = double(B) * T;
  return {2 * BT, kF * 3 * BT};  // a target, one probability and a loss per token
}

KernelCost CrossentropySoftmaxBackward(float*, const float*, const float*, const int*, int B, int T,
                                       int V, int) {
  const double BT = double(B) * T, BTV = BT * V;
  return {3 * BTV, kF * (BTV + 2 * BTV + 2 * BT)};
}

KernelCost SoftmaxCrossentropyFused(float*, float*, const float*, const int*, float, int B, int T,
                                    int V, int) {
  const double BT = double(B) * T, BTV = BT * V;
  // The softmax (5), the scale to the gradient (2) per logit and the loss per token; compulsory
  // bytes: the logits read and dlogits written once, the targets and the losses. The unfused
  // kernels also write the probabilities, read them back, and read dlogits: 3·BTV floats more.
  return {7 * BTV + 2 * BT, kF * (2 * BTV + 2 * BT)};
}

KernelCost AdamwUpdate(float*, float*, float*, float*, size_t n, float, float, float, float, float,
                       int, bool zero_grads) {
  // Reads the gradient (and writes it back as zeros when fused with the reset); reads and writes
  // the parameter and both moments.
  return {16.0 * n, kF * (zero_grads ? 8 : 7) * double(n)};
}

KernelCost MatmulBackwardAdamw(float* dinp, const AdamwTensor&, const AdamwTensor& bias,
                               const float*, const float*, int B, int T, int C, int OC,
                               const AdamwStep&, const uint8_t* grad_rows_with_sums) {
  // matmul_backward's FLOPs (dinp's may be skipped) and AdamW's 16 per parameter; bytes: dout,
  // inp, the weight read and dinp accumulated for dinp, then AdamW's reads and writes of each
  // parameter and both moments. The weight gradient is never stored, only read in the rows that
  // hold sums (the bias's few floats are left out).
  const double M = double(B) * T, K = C, N = OC;
  const double params = N * K + (bias.param ? N : 0), dinp_products = dinp ? 1 : 0;
  const double rows_with_sums =
      grad_rows_with_sums == nullptr
          ? 0
          : double(std::count_if(grad_rows_with_sums, grad_rows_with_sums + OC,
                                 [](uint8_t flag) { return flag != 0; }));
  return {
      2 * M * K * N * (1 + dinp_products) + (bias.param ? M * N : 0) + 16 * params,
      kF * (M * N + M * K + dinp_products * (N * K + 2 * M * K) + 6 * params + rows_with_sums * K)};
}

CostTable MakeCostTable() {
  CostTable t;
  t.encoder_forward = EncoderForward;
  t.encoder_backward = EncoderBackward;
  t.layernorm_forward = LayernormForward;
  t.layernorm_backward = LayernormBackward;
  t.matmul_forward = MatmulForward;
  t.matmul_backward = MatmulBackward;
  t.matmul_gelu_forward = MatmulGeluForward;
  t.attention_forward = AttentionForward;
  t.attention_backward = AttentionBackward;
  t.gelu_forward = GeluForward;
  t.gelu_backward = GeluBackward;
  t.residual_forward = ResidualForward;
  t.residual_backward = ResidualBackward;
  t.residual_layernorm_forward = ResidualLayernormForward;
  t.softmax_forward = SoftmaxForward;
  t.crossentropy_forward = CrossentropyForward;
  t.crossentropy_softmax_backward = CrossentropySoftmaxBackward;
  t.softmax_crossentropy_fused = SoftmaxCrossentropyFused;
  t.adamw_update = AdamwUpdate;
  t.matmul_backward_adamw = MatmulBackwardAdamw;
  return t;
}

}  // namespace

const CostTable& KernelCosts() {
  static const CostTable table = MakeCostTable();
  return table;
}

bool IsComputeKernel(KernelId id) {
  return id == KernelId::matmul_forward || id == KernelId::matmul_backward ||
         id == KernelId::matmul_gelu_forward || id == KernelId::matmul_backward_adamw ||
         id == KernelId::attention_forward || id == KernelId::attention_backward;
}

}  // namespace gpt2
