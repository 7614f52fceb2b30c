// Token + position embedding with Highway: each position's row is a vector add over C. The
// backward scatter-add stays serial over positions (two positions may hold the same token) and
// is vectorised along the row.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/encoder/encoder_highway.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace gpt2 {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// y[c] = a[c] + b[c] (accumulate: y[c] += a[c]) over one row of C, with a scalar tail.
inline void AddRow(float* y, const float* a, const float* b, int C) {
  const hn::ScalableTag<float> d;
  const int lanes = static_cast<int>(hn::Lanes(d));
  int c = 0;
  for (; c + lanes <= C; c += lanes) {
    hn::StoreU(hn::Add(hn::LoadU(d, a + c), hn::LoadU(d, b + c)), d, y + c);
  }
  for (; c < C; ++c) y[c] = a[c] + b[c];
}

void EncoderForward(float* out, const int* inp, const float* wte, const float* wpe, int B, int T,
                    int C) {
#pragma omp parallel for
  for (int bt = 0; bt < B * T; ++bt) {
    const int t = bt % T;
    AddRow(out + static_cast<size_t>(bt) * C, wte + static_cast<size_t>(inp[bt]) * C,
           wpe + static_cast<size_t>(t) * C, C);
  }
}

void EncoderBackward(float* dwte, float* dwpe, const float* dout, const int* inp, int B, int T,
                     int C) {
  for (int bt = 0; bt < B * T; ++bt) {
    const float* g = dout + static_cast<size_t>(bt) * C;
    float* dtoken = dwte + static_cast<size_t>(inp[bt]) * C;
    float* dposition = dwpe + static_cast<size_t>(bt % T) * C;
    AddRow(dtoken, dtoken, g, C);
    AddRow(dposition, dposition, g, C);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace gpt2
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "kernels/families.h"

namespace gpt2 {
HWY_EXPORT(EncoderForward);
HWY_EXPORT(EncoderBackward);

namespace {
void EncoderForwardHighway(float* out, const int* inp, const float* wte, const float* wpe, int B,
                           int T, int C) {
  HWY_DYNAMIC_DISPATCH(EncoderForward)(out, inp, wte, wpe, B, T, C);
}
void EncoderBackwardHighway(float* dwte, float* dwpe, const float* dout, const int* inp, int B,
                            int T, int C) {
  HWY_DYNAMIC_DISPATCH(EncoderBackward)(dwte, dwpe, dout, inp, B, T, C);
}
}  // namespace

void RegisterEncoderHighway(KernelTable& table) {
  table.encoder_forward = EncoderForwardHighway;
  table.encoder_backward = EncoderBackwardHighway;
}

}  // namespace gpt2
#endif  // HWY_ONCE
