// Naive softmax over the vocabulary, cross-entropy loss, and their fused backward.
//
// The logits row has Vp entries (the vocabulary padded to a friendly multiple); only the first V
// are real tokens. The padded entries take no part in the softmax: their probability is 0 and
// their gradient is never written.
#ifndef GPT2_KERNELS_CROSSENTROPY_CROSSENTROPY_NAIVE_H_
#define GPT2_KERNELS_CROSSENTROPY_CROSSENTROPY_NAIVE_H_

#include <cmath>
#include <cstddef>
#include <limits>

namespace gpt2 {

// probs (B,T,Vp) = softmax(logits[..V)), probs[V..Vp) = 0. The max is subtracted first so exp
// cannot overflow.
template <typename Real>
void SoftmaxForwardNaive(Real* probs, const Real* logits, int B, int T, int V, int Vp) {
#pragma omp parallel for
  for (int bt = 0; bt < B * T; ++bt) {
    const Real* z = logits + static_cast<size_t>(bt) * Vp;
    Real* p = probs + static_cast<size_t>(bt) * Vp;
    Real max_logit = -std::numeric_limits<Real>::infinity();
    for (int i = 0; i < V; ++i) {
      if (z[i] > max_logit) max_logit = z[i];
    }
    Real sum = 0;
    for (int i = 0; i < V; ++i) {
      p[i] = std::exp(z[i] - max_logit);
      sum += p[i];
    }
    for (int i = 0; i < V; ++i) p[i] /= sum;
    for (int i = V; i < Vp; ++i) p[i] = 0;
  }
}

// losses (B,T) = −log probs[target].
template <typename Real>
void CrossentropyForwardNaive(Real* losses, const Real* probs, const int* targets, int B, int T,
                              int Vp) {
  for (int bt = 0; bt < B * T; ++bt) {
    losses[bt] = -std::log(probs[static_cast<size_t>(bt) * Vp + targets[bt]]);
  }
}

// d loss / d logits[i] = (probs[i] − [i == target]) · dlosses, for i < V.
template <typename Real>
void CrossentropySoftmaxBackwardNaive(Real* dlogits, const Real* dlosses, const Real* probs,
                                      const int* targets, int B, int T, int V, int Vp) {
#pragma omp parallel for
  for (int bt = 0; bt < B * T; ++bt) {
    const Real* p = probs + static_cast<size_t>(bt) * Vp;
    Real* dz = dlogits + static_cast<size_t>(bt) * Vp;
    for (int i = 0; i < V; ++i) {
      const Real indicator = i == targets[bt] ? Real{1} : Real{0};
      dz[i] += (p[i] - indicator) * dlosses[bt];
    }
  }
}

// The three kernels above as one training step calls them, dlogits holding the probabilities
// until they become the gradient (the padded entries stay 0): the reference for every fused
// variant. Each value is computed as the unfused kernels compute it, so a step gives the same
// result bit for bit ((p − [i == target]) · dloss here, 0 + the same there).
template <typename Real>
void SoftmaxCrossentropyFusedNaive(Real* losses, Real* dlogits, const Real* logits,
                                   const int* targets, Real dloss, int B, int T, int V, int Vp) {
  SoftmaxForwardNaive(dlogits, logits, B, T, V, Vp);
  CrossentropyForwardNaive(losses, dlogits, targets, B, T, Vp);
#pragma omp parallel for
  for (int bt = 0; bt < B * T; ++bt) {
    Real* dz = dlogits + static_cast<size_t>(bt) * Vp;
    for (int i = 0; i < V; ++i) {
      const Real indicator = i == targets[bt] ? Real{1} : Real{0};
      dz[i] = (dz[i] - indicator) * dloss;
    }
  }
}

}  // namespace gpt2

#endif  // GPT2_KERNELS_CROSSENTROPY_CROSSENTROPY_NAIVE_H_
