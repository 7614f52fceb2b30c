// One softmax row in Highway vectors, shared by the vocabulary softmax and attention's causal
// rows; compiled once per Highway target (an -inl.h in Highway's sense, included from inside
// each kernel file's foreach_target pass).
#if defined(GPT2_KERNELS_HIGHWAY_SOFTMAX_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GPT2_KERNELS_HIGHWAY_SOFTMAX_INL_H_
#undef GPT2_KERNELS_HIGHWAY_SOFTMAX_INL_H_
#else
#define GPT2_KERNELS_HIGHWAY_SOFTMAX_INL_H_
#endif

#include <cmath>
#include <limits>

#include "hwy/contrib/math/math-inl.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace gpt2 {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// e[0..n) = exp(z − max z), returning Σ e: the max, the exponentials (Highway's vectorised Exp
// in place of std::exp) and their sum run a vector at a time, with one cross-lane reduction
// each; the tail that does not fill a vector runs as scalar code.
inline float ExpMinusMaxRow(float* e, const float* z, int n) {
  const hn::ScalableTag<float> d;
  const int lanes = static_cast<int>(hn::Lanes(d));
  const int vector_end = n - n % lanes;
  auto vmax = hn::Set(d, -std::numeric_limits<float>::infinity());
  for (int i = 0; i < vector_end; i += lanes) vmax = hn::Max(vmax, hn::LoadU(d, z + i));
  float max_z = hn::GetLane(hn::MaxOfLanes(d, vmax));
  for (int i = vector_end; i < n; ++i) max_z = std::fmax(max_z, z[i]);
  const auto shift = hn::Set(d, max_z);
  auto vsum = hn::Zero(d);
  for (int i = 0; i < vector_end; i += lanes) {
    const auto ei = hn::Exp(d, hn::Sub(hn::LoadU(d, z + i), shift));
    hn::StoreU(ei, d, e + i);
    vsum = hn::Add(vsum, ei);
  }
  float sum = hn::GetLane(hn::SumOfLanes(d, vsum));
  for (int i = vector_end; i < n; ++i) {
    e[i] = std::exp(z[i] - max_z);
    sum += e[i];
  }
  return sum;
}

// p[0..n) = softmax(z[0..n)).
inline void SoftmaxRow(float* p, const float* z, int n) {
  const hn::ScalableTag<float> d;
  const int lanes = static_cast<int>(hn::Lanes(d));
  const int vector_end = n - n % lanes;
  const float inv_sum = 1.0f / ExpMinusMaxRow(p, z, n);
  const auto vinv = hn::Set(d, inv_sum);
  for (int i = 0; i < vector_end; i += lanes) {
    hn::StoreU(hn::Mul(hn::LoadU(d, p + i), vinv), d, p + i);
  }
  for (int i = vector_end; i < n; ++i) p[i] *= inv_sum;
}

}  // namespace HWY_NAMESPACE
}  // namespace gpt2
HWY_AFTER_NAMESPACE();

#endif  // include guard
