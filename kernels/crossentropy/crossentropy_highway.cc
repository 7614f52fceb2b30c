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

// losses (B,T) = −log probs[target]: gather, then a vector −log over the B·T values.
void CrossentropyForward(float* losses, const float* probs, const int* targets, int B, int T,
                         int Vp) {
  const hn::ScalableTag<float> d;
  const int lanes = static_cast<int>(hn::Lanes(d));
  const int n = B * T;
  for (int bt = 0; bt < n; ++bt) losses[bt] = probs[static_cast<size_t>(bt) * Vp + targets[bt]];
  int i = 0;
  for (; i + lanes <= n; i += lanes) {
    // Highway's Log is defined on (0, ∞); a probability that underflowed to 0 (a diverged run)
    // must still give −log 0 = +∞, as std::log does, so the finite check can see it.
    const auto p = hn::LoadU(d, losses + i);
    const auto log_p = hn::IfThenElse(p == hn::Zero(d), hn::Set(d, -HUGE_VALF), hn::Log(d, p));
    hn::StoreU(hn::Neg(log_p), d, losses + i);
  }
  for (; i < n; ++i) losses[i] = -std::log(losses[i]);
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

}  // namespace HWY_NAMESPACE
}  // namespace gpt2
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "kernels/families.h"

namespace gpt2 {
HWY_EXPORT(SoftmaxForward);
HWY_EXPORT(CrossentropyForward);
HWY_EXPORT(CrossentropySoftmaxBackward);

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
}  // namespace

void RegisterCrossentropyHighway(KernelTable& table) {
  table.softmax_forward = SoftmaxForwardHighway;
  table.crossentropy_forward = CrossentropyForwardHighway;
  table.crossentropy_softmax_backward = CrossentropySoftmaxBackwardHighway;
}

}  // namespace gpt2
#endif  // HWY_ONCE
