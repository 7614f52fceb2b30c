// Softmax over the vocabulary, cross-entropy and the fused backward, with Highway.
//
// The softmax rows are 50257 wide at GPT-2: each is kernels/highway_softmax-inl.h's SoftmaxRow,
// the max, the exponentials (Highway's vectorised Exp) and the sum a vector at a time. The loss
// reads one probability per position: the gather stays scalar, and the logarithms run a vector at a
// time (Highway's Log).
#include <cmath>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/crossentropy/crossentropy_highway.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/contrib/math/math-inl.h"
#include "hwy/highway.h"
#include "kernels/highway_softmax-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gpt2 {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void SoftmaxForward(float* probs, const float* logits, int B, int T, int V, int Vp) {
#pragma omp parallel for
  for (int bt = 0; bt < B * T; ++bt) {
    const float* z = logits + static_cast<size_t>(bt) * Vp;
    float* p = probs + static_cast<size_t>(bt) * Vp;
    SoftmaxRow(p, z, V);
    for (int i = V; i < Vp; ++i) p[i] = 0.0f;
  }
}

// x[0..n) = −log x[0..n), a vector at a time (Highway's Log).
void NegLogInPlace(float* x, int n) {
  const hn::ScalableTag<float> d;
  const int lanes = static_cast<int>(hn::Lanes(d));
  int i = 0;
  for (; i + lanes <= n; i += lanes) {
    // Highway's Log is defined on (0, ∞); a probability that underflowed to 0 (a diverged run)
    // must still give −log 0 = +∞, as std::log does, so the finite check can see it.
    const auto p = hn::LoadU(d, x + i);
    const auto log_p = hn::IfThenElse(p == hn::Zero(d), hn::Set(d, -HUGE_VALF), hn::Log(d, p));
    hn::StoreU(hn::Neg(log_p), d, x + i);
  }
  for (; i < n; ++i) x[i] = -std::log(x[i]);
}

// losses (B,T) = −log probs[target]: gather, then a vector −log over the B·T values.
void CrossentropyForward(float* losses, const float* probs, const int* targets, int B, int T,
                         int Vp) {
  const int n = B * T;
  for (int bt = 0; bt < n; ++bt) losses[bt] = probs[static_cast<size_t>(bt) * Vp + targets[bt]];
  NegLogInPlace(losses, n);
}

// dlogits[..V) += probs · dloss, then dlogits[target] −= dloss: the one-hot term touches one
// entry, so it leaves the vector loop.
void CrossentropySoftmaxBackward(float* dlogits, const float* dlosses, const float* probs,
                                 const int* targets, int B, int T, int V, int Vp) {
  const hn::ScalableTag<float> d;
  const int lanes = static_cast<int>(hn::Lanes(d));
  const int vector_end = V - V % lanes;
#pragma omp parallel for
  for (int bt = 0; bt < B * T; ++bt) {
    const float* p = probs + static_cast<size_t>(bt) * Vp;
    float* dz = dlogits + static_cast<size_t>(bt) * Vp;
    const float dloss = dlosses[bt];
    const auto vdloss = hn::Set(d, dloss);
    for (int i = 0; i < vector_end; i += lanes) {
      hn::StoreU(hn::MulAdd(hn::LoadU(d, p + i), vdloss, hn::LoadU(d, dz + i)), d, dz + i);
    }
    for (int i = vector_end; i < V; ++i) dz[i] += p[i] * dloss;
    dz[targets[bt]] -= dloss;
  }
}

// The softmax, the loss and its gradient in one visit to each row: the exponentials go into the
// row's dlogits, which is still in L2 (a 201 KB row at GPT-2) when one more pass scales them to
// probabilities and then to the gradient. The unfused kernels write the probabilities to memory,
// read them back for the backward, and read and write a dlogits that ZeroGrad had zeroed; here
// the logits are read and dlogits written, once. Each value is rounded as the unfused highway
// kernels round it (p = e · (1/Σ), then p · dloss), so a step is the same bit for bit.
void SoftmaxCrossentropyFused(float* losses, float* dlogits, const float* logits,
                              const int* targets, float dloss, int B, int T, int V, int Vp) {
  const hn::ScalableTag<float> d;
  const int lanes = static_cast<int>(hn::Lanes(d));
  const int vector_end = V - V % lanes;
  const auto vdloss = hn::Set(d, dloss);
#pragma omp parallel for
  for (int bt = 0; bt < B * T; ++bt) {
    const float* z = logits + static_cast<size_t>(bt) * Vp;
    float* dz = dlogits + static_cast<size_t>(bt) * Vp;
    const float inv_sum = 1.0f / ExpMinusMaxRow(dz, z, V);
    const int target = targets[bt];
    losses[bt] = dz[target] * inv_sum;  // the target's probability; −log below
    const auto vinv = hn::Set(d, inv_sum);
    for (int i = 0; i < vector_end; i += lanes) {
      hn::StoreU(hn::Mul(hn::Mul(hn::LoadU(d, dz + i), vinv), vdloss), d, dz + i);
    }
    for (int i = vector_end; i < V; ++i) dz[i] = dz[i] * inv_sum * dloss;
    dz[target] -= dloss;
    for (int i = V; i < Vp; ++i) dz[i] = 0.0f;
  }
  NegLogInPlace(losses, B * T);
}

}  // namespace HWY_NAMESPACE
}  // namespace gpt2
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "kernels/families.h"

namespace gpt2 {
HWY_EXPORT(SoftmaxForward);
HWY_EXPORT(CrossentropyForward);
HWY_EXPORT(CrossentropySoftmaxBackward);
HWY_EXPORT(SoftmaxCrossentropyFused);

namespace {
void SoftmaxForwardHighway(float* probs, const float* logits, int B, int T, int V, int Vp) {
  HWY_DYNAMIC_DISPATCH(SoftmaxForward)(probs, logits, B, T, V, Vp);
}
void CrossentropyForwardHighway(float* losses, const float* probs, const int* targets, int B, int T,
                                int Vp) {
  HWY_DYNAMIC_DISPATCH(CrossentropyForward)(losses, probs, targets, B, T, Vp);
}
void CrossentropySoftmaxBackwardHighway(float* dlogits, const float* dlosses, const float* probs,
                                        const int* targets, int B, int T, int V, int Vp) {
  HWY_DYNAMIC_DISPATCH(CrossentropySoftmaxBackward)(dlogits, dlosses, probs, targets, B, T, V, Vp);
}
void SoftmaxCrossentropyFusedHighway(float* losses, float* dlogits, const float* logits,
                                     const int* targets, float dloss, int B, int T, int V, int Vp) {
  HWY_DYNAMIC_DISPATCH(SoftmaxCrossentropyFused)
  (losses, dlogits, logits, targets, dloss, B, T, V, Vp);
}
}  // namespace

void RegisterCrossentropyHighway(KernelTable& table) {
  table.softmax_forward = SoftmaxForwardHighway;
  table.crossentropy_forward = CrossentropyForwardHighway;
  table.crossentropy_softmax_backward = CrossentropySoftmaxBackwardHighway;
  table.softmax_crossentropy_fused = SoftmaxCrossentropyFusedHighway;
}

}  // namespace gpt2
#endif  // HWY_ONCE
