// Attention on the highway GEMM, per (batch, head), skipping the masked half: queries in blocks
// (QueryBlock), each block's products stopping at the diagonal, and inside a block the GEMM skips
// the tiles and depth wholly past it (Causal in kernels/highway_gemm-inl.h). K and V
// need no separate transpose: the GEMM packs its B operand through strides. The causal softmax rows
// and their backward run a vector at a time (Highway's Exp): at T=1024 they are T²/2 exponentials
// per head, which plain std::exp made the larger part of the forward's time. The scores and the
// gradients of scores and probabilities live a query block at a time in a per-thread scratch that
// stays in L2 (preatt, dpreatt and datt are the caller's scratch, untouched: ops.h); only the
// probabilities, which the backward reads, go to memory. The GEMMs write their outputs outright
// (the GEMM's overwrite mode), so no pass zeroes anything first.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "kernels/attention/attention_highway.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep

#include <algorithm>
#include <cmath>

#include "hwy/highway.h"
#include "kernels/highway_gemm-inl.h"
#include "kernels/highway_softmax-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gpt2 {
namespace HWY_NAMESPACE {

// Queries per block. Each block's GEMMs pack K (or V) for every key up to its diagonal, so
// taller blocks pack less often; within a block the GEMM skips the masked tiles (Causal, in
// kernels/highway_gemm-inl.h), so they no longer pay for the triangle either. Measured with
// bench_kernels at 1 thread, B=4, alternated 5 times, against 16-row blocks at T=64 and 48 at
// T=1024 without the skip: T=64 forward 0.400 to 0.345 ms with one 64-row block, backward
// 0.524 to 0.458 ms with 32 (its five GEMMs per block gained less from one block); T=1024
// forward 57.5 to 51.8 ms and backward 114 to 112 ms with 128.
int QueryBlock(int T) { return T >= 256 ? 128 : std::min(T, 64); }
int QueryBlockBackward(int T) { return T >= 256 ? 128 : std::min(T, 32); }

// Query t's row of T: prob[0..t] = softmax(score[0..t]), a vector at a time, and the masked
// entries t2 > t written as 0, as the naive kernel writes them (attention_rows.h's
// CausalSoftmaxRow).
void CausalSoftmaxRowVectors(const float* score, float* prob, int t, int T) {
  const int n = t + 1;
  SoftmaxRow(prob, score, n);
  std::fill(prob + n, prob + T, 0.0f);
}

// The row stride of the scores' and score gradients' scratch: T floats, and a cache line more
// where T floats are a multiple of 4 KiB, which would put the same column of every row into one
// L1 set (as matmul_highway.cc's SliceStride).
size_t ScratchStride(int T) { return T % 1024 == 0 ? T + kFloatsPerLine : T; }

// dscore[0..t] = prob ⊙ (dprob − ⟨prob, dprob⟩), a vector at a time (CausalSoftmaxBackwardRow's
// formula, written rather than added: dscore is the kernel's own scratch), and dscore(t, end) = 0,
// the masked cells that the GEMMs after it read up to the end of the query block.
void CausalSoftmaxBackwardRowVectors(float* dscore, const float* prob, const float* dprob, int t,
                                     int end) {
  const hn::ScalableTag<float> d;
  const int lanes = static_cast<int>(hn::Lanes(d)), n = t + 1, vector_end = n - n % lanes;
  auto vdot = hn::Zero(d);
  for (int i = 0; i < vector_end; i += lanes) {
    vdot = hn::MulAdd(hn::LoadU(d, prob + i), hn::LoadU(d, dprob + i), vdot);
  }
  float dot = hn::GetLane(hn::SumOfLanes(d, vdot));
  for (int i = vector_end; i < n; ++i) dot += prob[i] * dprob[i];
  const auto vdot_all = hn::Set(d, dot);
  for (int i = 0; i < vector_end; i += lanes) {
    const auto p = hn::LoadU(d, prob + i);
    hn::StoreU(hn::Mul(p, hn::Sub(hn::LoadU(d, dprob + i), vdot_all)), d, dscore + i);
  }
  for (int i = vector_end; i < n; ++i) dscore[i] = prob[i] * (dprob[i] - dot);
  std::fill(dscore + n, dscore + end, 0.0f);
}

// One query block at a time: its scores (rows × keys up to the block's diagonal) go to a
// per-thread scratch that stays in L2, its probabilities from there to att, and its outputs from
// att's rows while they are in cache. preatt is not touched (ops.h): at T=1024 its T×T scores
// would be 48 MB a layer written to memory, each line read first. On the 2-core Intel Xeon, 1
// thread, bench_kernels at B=4 (three alternations with the code that wrote preatt): T=1024
// 76.6-80.5 ms a call instead of 96.8-97.5, T=64 0.49-0.50 instead of 0.52-0.53.
void AttentionForward(float* out, float* /*preatt*/, float* att, const float* inp, int B, int T,
                      int C, int NH) {
  const int hs = C / NH;
  const size_t C3 = static_cast<size_t>(3) * C, TT = static_cast<size_t>(T) * T;
  const size_t sT = T, sC = C, ld = ScratchStride(T);
  const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
  const int query_block = QueryBlock(T);
#pragma omp parallel for collapse(2)
  for (int b = 0; b < B; ++b) {
    for (int h = 0; h < NH; ++h) {
      const float* q = inp + static_cast<size_t>(b) * T * C3 + h * hs;
      const float *k = q + C, *v = q + 2 * C;
      float* prob = att + (static_cast<size_t>(b) * NH + h) * TT;
      float* y = out + static_cast<size_t>(b) * T * C + h * hs;
      float* score = AlignedThreadScratch(query_block * ld, kCallerScratch);
      for (int t0 = 0; t0 < T; t0 += query_block) {
        const int rows = std::min(query_block, T - t0), t1 = t0 + rows;
        // score[r, :t1] = scale · Q[t0 + r] · K[:t1]ᵀ, Kᵀ(p, t2) = k[t2·3C + p]; past the
        // diagonal the cells are left unset, and the softmax reads up to it.
        Gemm(rows, t1, hs, scale, {q + t0 * C3, C3, 1}, {k, 1, C3}, score, ld, OverwriteEpilogue(),
             {Causal::kColumnsAfterRow, static_cast<size_t>(t0)});
        for (int r = 0; r < rows; ++r) {
          CausalSoftmaxRowVectors(score + r * ld, prob + (t0 + r) * sT, t0 + r, T);
        }
        // y[t0..t1) = att[t0..t1, :t1] · V[:t1]: the masked probabilities are zeros.
        Gemm(rows, hs, t1, 1.0f, {prob + t0 * sT, sT, 1}, {v, C3, 1}, y + t0 * sC, C,
             OverwriteEpilogue(), {Causal::kDepthAfterRow, static_cast<size_t>(t0)});
      }
    }
  }
}

// One query block at a time, each block's probability and score gradients (rows × keys up to the
// block's diagonal) live in a per-thread scratch that stays in L2, and every product of the block
// is taken from there: dQ of the block's queries, and dK and dV of every key up to its diagonal,
// added block after block. dpreatt and datt are not touched: the T×T gradients never go to
// memory, nor need zeroing first (ops.h). Bits differ from a key-block order (dK and dV are summed
// a query block at a time), but each head is one thread's, so not with the thread count. On the
// 2-core Intel Xeon, 1 thread, bench_kernels at B=4 (three alternations with the code that summed
// into dpreatt and datt): T=1024 140-143 ms a call instead of 187-190, T=64 level (0.69-0.70).
// With the forward's scratch and ZeroGrad's pass gone with it, the d12 step at B=1 T=1024
// (in-process alternation, results/xeon-2026-12-11/): 5707 against 6027 ms at 1 thread, 2832
// against 2937 at 2; at B=4 T=64 level.
void AttentionBackward(float* dinp, float* /*dpreatt*/, float* /*datt*/, const float* dout,
                       const float* inp, const float* att, int B, int T, int C, int NH) {
  const int hs = C / NH;
  const size_t C3 = static_cast<size_t>(3) * C, TT = static_cast<size_t>(T) * T;
  const size_t sT = T, sC = C, ld = ScratchStride(T);
  const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
  const int query_block = QueryBlockBackward(T);
#pragma omp parallel for collapse(2)
  for (int b = 0; b < B; ++b) {
    for (int h = 0; h < NH; ++h) {
      const size_t qkv = static_cast<size_t>(b) * T * C3 + h * hs;
      const float *q = inp + qkv, *k = q + C, *v = q + 2 * C;
      float *dq = dinp + qkv, *dk = dq + C, *dv = dq + 2 * C;
      const float* dy = dout + static_cast<size_t>(b) * T * C + h * hs;
      const float* prob = att + (static_cast<size_t>(b) * NH + h) * TT;
      float* dprob = AlignedThreadScratch(2 * query_block * ld, kCallerScratch);
      float* dscore = dprob + query_block * ld;

      for (int t0 = 0; t0 < T; t0 += query_block) {
        const int rows = std::min(query_block, T - t0), t1 = t0 + rows;
        const float* block_prob = prob + t0 * sT;  // rows × T, zero past the diagonal
        // dprob[r, :t1] = dout[t0 + r] · Vᵀ; past the diagonal the cells are left unset.
        Gemm(rows, t1, hs, 1.0f, {dy + t0 * sC, sC, 1}, {v, 1, C3}, dprob, ld, OverwriteEpilogue(),
             {Causal::kColumnsAfterRow, static_cast<size_t>(t0)});
        for (int r = 0; r < rows; ++r) {
          CausalSoftmaxBackwardRowVectors(dscore + r * ld, block_prob + r * sT, dprob + r * ld,
                                          t0 + r, t1);
        }
        // dQ[t0..t1) += scale · dscore · K[:t1]
        Gemm(rows, hs, t1, scale, {dscore, ld, 1}, {k, C3, 1}, dq + t0 * C3, C3, {},
             {Causal::kDepthAfterRow, static_cast<size_t>(t0)});
        // dV[:t1] += probᵀ · dout[t0..t1);  dK[:t1] += scale · dscoreᵀ · Q[t0..t1). The keys before
        // the block meet every query of it; the block's own keys only the queries from theirs on.
        const Strided dout_rows{dy + t0 * sC, sC, 1}, q_rows{q + t0 * C3, C3, 1};
        if (t0 > 0) {
          Gemm(t0, hs, rows, 1.0f, {block_prob, 1, sT}, dout_rows, dv, C3);
          Gemm(t0, hs, rows, scale, {dscore, 1, ld}, q_rows, dk, C3);
        }
        const Causal diagonal{Causal::kDepthBeforeRow, 0};
        Gemm(rows, hs, rows, 1.0f, {block_prob + t0, 1, sT}, dout_rows, dv + t0 * C3, C3, {},
             diagonal);
        Gemm(rows, hs, rows, scale, {dscore + t0, 1, ld}, q_rows, dk + t0 * C3, C3, {}, diagonal);
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
HWY_EXPORT(AttentionForward);
HWY_EXPORT(AttentionBackward);

namespace {
void AttentionForwardHighway(float* out, float* preatt, float* att, const float* inp, int B, int T,
                             int C, int NH) {
  HWY_DYNAMIC_DISPATCH(AttentionForward)(out, preatt, att, inp, B, T, C, NH);
}
void AttentionBackwardHighway(float* dinp, float* dpreatt, float* datt, const float* dout,
                              const float* inp, const float* att, int B, int T, int C, int NH) {
  HWY_DYNAMIC_DISPATCH(AttentionBackward)(dinp, dpreatt, datt, dout, inp, att, B, T, C, NH);
}
}  // namespace

void RegisterAttentionHighway(KernelTable& table) {
  table.attention_forward = AttentionForwardHighway;
  table.attention_backward = AttentionBackwardHighway;
}

}  // namespace gpt2
#endif  // HWY_ONCE
