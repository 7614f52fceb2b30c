// Layer normalisation with Highway.
//
// Forward: each row's mean and variance are vector sums reduced across lanes once per row, then
// one vector pass normalises. Backward: the per-row work (two reductions and dinp) runs in
// parallel over rows; dweight and dbias, which sum over every row, run as a second pass in
// parallel over channel blocks, so each channel has one owner and a fixed summation order
// (naive does that sum serially). The fused residual + layernorm forward normalises each row of
// the sum while it is in L1.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/layernorm/layernorm_highway.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"
#include "kernels/layernorm/layernorm_naive.h"

HWY_BEFORE_NAMESPACE();
namespace gpt2 {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// One row: y = (x - mean) * rstd * weight + bias over C channels, given the row's sum `m` as
// LayernormRow adds it up; returns mean and rstd.
template <class D>
void LayernormRowFromSum(D d, float m, float* y, float* mean, float* rstd, const float* x,
                         const float* weight, const float* bias, int C) {
  const int lanes = static_cast<int>(hn::Lanes(d));
  const int vector_end = C - C % lanes;
  m /= C;
  const auto vm = hn::Set(d, m);
  auto squares = hn::Zero(d);
  for (int c = 0; c < vector_end; c += lanes) {
    const auto dx = hn::Sub(hn::LoadU(d, x + c), vm);
    squares = hn::MulAdd(dx, dx, squares);
  }
  float variance = hn::GetLane(hn::SumOfLanes(d, squares));
  for (int c = vector_end; c < C; ++c) variance += (x[c] - m) * (x[c] - m);
  variance /= C;
  const float s = 1.0f / std::sqrt(variance + static_cast<float>(kLayernormEps));
  const auto vs = hn::Set(d, s);
  for (int c = 0; c < vector_end; c += lanes) {
    const auto norm = hn::Mul(hn::Sub(hn::LoadU(d, x + c), vm), vs);
    hn::StoreU(hn::MulAdd(norm, hn::LoadU(d, weight + c), hn::LoadU(d, bias + c)), d, y + c);
  }
  for (int c = vector_end; c < C; ++c) y[c] = (x[c] - m) * s * weight[c] + bias[c];
  *mean = m;
  *rstd = s;
}

// One row: y = (x - mean) * rstd * weight + bias over C channels; returns mean and rstd.
void LayernormRow(float* y, float* mean, float* rstd, const float* x, const float* weight,
                  const float* bias, int C) {
  const hn::ScalableTag<float> d;
  const int lanes = static_cast<int>(hn::Lanes(d));
  const int vector_end = C - C % lanes;
  auto sum = hn::Zero(d);
  for (int c = 0; c < vector_end; c += lanes) sum = hn::Add(sum, hn::LoadU(d, x + c));
  float m = hn::GetLane(hn::SumOfLanes(d, sum));
  for (int c = vector_end; c < C; ++c) m += x[c];
  LayernormRowFromSum(d, m, y, mean, rstd, x, weight, bias, C);
}

void LayernormForward(float* out, float* mean, float* rstd, const float* inp, const float* weight,
                      const float* bias, int B, int T, int C) {
#pragma omp parallel for
  for (int bt = 0; bt < B * T; ++bt) {
    const size_t offset = static_cast<size_t>(bt) * C;
    LayernormRow(out + offset, mean + bt, rstd + bt, inp + offset, weight, bias, C);
  }
}

// The fused pair: the pass that writes each row's sum also adds it up for the mean, and the
// variance and normalisation passes read the row from L1 (C floats, 3 KiB at GPT-2 124M), where
// the unfused layernorm reads it back from memory three times. The sum is accumulated in
// LayernormRow's order, so the result is bit for bit the unfused pair's.
void ResidualLayernormForward(float* residual, float* out, float* mean, float* rstd,
                              const float* inp1, const float* inp2, const float* weight,
                              const float* bias, int B, int T, int C) {
  const hn::ScalableTag<float> d;
  const int lanes = static_cast<int>(hn::Lanes(d));
  const int vector_end = C - C % lanes;
#pragma omp parallel for
  for (int bt = 0; bt < B * T; ++bt) {
    const size_t offset = static_cast<size_t>(bt) * C;
    float* r = residual + offset;
    const float *a = inp1 + offset, *b = inp2 + offset;
    auto sum = hn::Zero(d);
    for (int c = 0; c < vector_end; c += lanes) {
      const auto x = hn::Add(hn::LoadU(d, a + c), hn::LoadU(d, b + c));
      hn::StoreU(x, d, r + c);
      sum = hn::Add(sum, x);
    }
    float m = hn::GetLane(hn::SumOfLanes(d, sum));
    for (int c = vector_end; c < C; ++c) {
      r[c] = a[c] + b[c];
      m += r[c];
    }
    LayernormRowFromSum(d, m, out + offset, mean + bt, rstd + bt, r, weight, bias, C);
  }
}

void LayernormBackward(float* dinp, float* dweight, float* dbias, const float* dout,
                       const float* inp, const float* weight, const float* mean, const float* rstd,
                       int B, int T, int C) {
  const hn::ScalableTag<float> d;
  const int lanes = static_cast<int>(hn::Lanes(d));
  const int vector_end = C - C % lanes;
  const int rows = B * T;
#pragma omp parallel for
  for (int bt = 0; bt < rows; ++bt) {
    const size_t offset = static_cast<size_t>(bt) * C;
    const float *x = inp + offset, *dy = dout + offset;
    float* dx = dinp + offset;
    const auto vm = hn::Set(d, mean[bt]), vs = hn::Set(d, rstd[bt]);
    auto sum_g = hn::Zero(d), sum_g_norm = hn::Zero(d);
    for (int c = 0; c < vector_end; c += lanes) {
      const auto norm = hn::Mul(hn::Sub(hn::LoadU(d, x + c), vm), vs);
      const auto g = hn::Mul(hn::LoadU(d, weight + c), hn::LoadU(d, dy + c));
      sum_g = hn::Add(sum_g, g);
      sum_g_norm = hn::MulAdd(g, norm, sum_g_norm);
    }
    float mean_g = hn::GetLane(hn::SumOfLanes(d, sum_g));
    float mean_g_norm = hn::GetLane(hn::SumOfLanes(d, sum_g_norm));
    for (int c = vector_end; c < C; ++c) {
      const float norm = (x[c] - mean[bt]) * rstd[bt];
      mean_g += weight[c] * dy[c];
      mean_g_norm += weight[c] * dy[c] * norm;
    }
    mean_g /= C;
    mean_g_norm /= C;
    const auto vmg = hn::Set(d, mean_g), vmgn = hn::Set(d, mean_g_norm);
    for (int c = 0; c < vector_end; c += lanes) {
      const auto norm = hn::Mul(hn::Sub(hn::LoadU(d, x + c), vm), vs);
      const auto g = hn::Mul(hn::LoadU(d, weight + c), hn::LoadU(d, dy + c));
      const auto delta = hn::Mul(vs, hn::Sub(hn::Sub(g, vmg), hn::Mul(norm, vmgn)));
      hn::StoreU(hn::Add(hn::LoadU(d, dx + c), delta), d, dx + c);
    }
    for (int c = vector_end; c < C; ++c) {
      const float norm = (x[c] - mean[bt]) * rstd[bt];
      dx[c] += rstd[bt] * (weight[c] * dy[c] - mean_g - norm * mean_g_norm);
    }
  }
  // dweight += Σ norm·dout, dbias += Σ dout: each block of channels is one thread's.
  const int blocks = (C + lanes - 1) / lanes;
#pragma omp parallel for
  for (int block = 0; block < blocks; ++block) {
    const int c0 = block * lanes;
    if (c0 + lanes <= C) {
      auto dw = hn::LoadU(d, dweight + c0), db = hn::LoadU(d, dbias + c0);
      for (int bt = 0; bt < rows; ++bt) {
        const size_t offset = static_cast<size_t>(bt) * C + c0;
        const auto dy = hn::LoadU(d, dout + offset);
        const auto norm = hn::Mul(hn::Sub(hn::LoadU(d, inp + offset), hn::Set(d, mean[bt])),
                                  hn::Set(d, rstd[bt]));
        dw = hn::MulAdd(norm, dy, dw);
        db = hn::Add(db, dy);
      }
      hn::StoreU(dw, d, dweight + c0);
      hn::StoreU(db, d, dbias + c0);
    } else {
      for (int c = c0; c < C; ++c) {
        for (int bt = 0; bt < rows; ++bt) {
          const size_t i = static_cast<size_t>(bt) * C + c;
          dweight[c] += (inp[i] - mean[bt]) * rstd[bt] * dout[i];
          dbias[c] += dout[i];
        }
      }
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace gpt2
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "kernels/families.h"

namespace gpt2 {
HWY_EXPORT(LayernormForward);
HWY_EXPORT(LayernormBackward);
HWY_EXPORT(ResidualLayernormForward);

namespace {
void LayernormForwardHighway(float* out, float* mean, float* rstd, const float* inp,
                             const float* weight, const float* bias, int B, int T, int C) {
  HWY_DYNAMIC_DISPATCH(LayernormForward)(out, mean, rstd, inp, weight, bias, B, T, C);
}
void LayernormBackwardHighway(float* dinp, float* dweight, float* dbias, const float* dout,
                              const float* inp, const float* weight, const float* mean,
                              const float* rstd, int B, int T, int C) {
  HWY_DYNAMIC_DISPATCH(LayernormBackward)
  (dinp, dweight, dbias, dout, inp, weight, mean, rstd, B, T, C);
}
void ResidualLayernormForwardHighway(float* residual, float* out, float* mean, float* rstd,
                                     const float* inp1, const float* inp2, const float* weight,
                                     const float* bias, int B, int T, int C) {
  HWY_DYNAMIC_DISPATCH(ResidualLayernormForward)
  (residual, out, mean, rstd, inp1, inp2, weight, bias, B, T, C);
}
}  // namespace

void RegisterLayernormHighway(KernelTable& table) {
  table.layernorm_forward = LayernormForwardHighway;
  table.layernorm_backward = LayernormBackwardHighway;
  table.residual_layernorm_forward = ResidualLayernormForwardHighway;
}

}  // namespace gpt2
#endif  // HWY_ONCE
