// bench_kernels: every registered kernel × every family that implements it (fallbacks are not
// benchmarked twice), at GPT-2 124M shapes for B=4 with T=64 (llm.c's default) and T=1024 (GPT-2's
// full context), through Google Benchmark.
//
// Names are kernel/family/role/shape, e.g. matmul_forward/tiled/fc/B4_T64_C768_OC3072, so
// --benchmark_filter and the plot scripts can split on '/'. Each entry reports:
//   GFLOP/s or GB/s    useful FLOPs or compulsory bytes per call (kernels/kernel_costs.cc) / time
//   flop_per_call, bytes_per_call   the two formulas, for the roofline plot
//   roof_fraction      the roofline model's time / measured time, given --peak-gflops/--peak-gbs
//   fma_fraction       with --paired-peak: GFLOP/s / the FMA peak measured beside every call
//   fma_gflops         that paired FMA peak (bench/fma_peak.cc on every thread)
//   max_rel_err        max|variant − naive in double| / max|naive in double| over every output,
//                      on identical float inputs: speed and accuracy side by side
// Inputs are allocated, filled and touched before timing, and one untimed call (whose outputs give
// the error) warms caches and per-thread scratch. Google Benchmark calls a benchmark's function
// several times while it picks an iteration count; the buffers are kept across those calls, so none
// of that setup is repeated. Backward kernels accumulate into their outputs on every iteration: the
// values grow linearly with the iteration count (a few thousand times at most), far from overflow
// and never denormal, so the timing is unaffected and no reset sits inside the timed loop.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "bench/fma_peak.h"
#include "gpt2/buffer.h"
#include "gpt2/flags.h"
#include "gpt2/main_guard.h"
#include "gpt2/rng.h"
#include "gpt2/run_options.h"
#include "kernels/adamw/adamw_naive.h"
#include "kernels/attention/attention_naive.h"
#include "kernels/crossentropy/crossentropy_naive.h"
#include "kernels/encoder/encoder_naive.h"
#include "kernels/error.h"
#include "kernels/gelu/gelu_naive.h"
#include "kernels/highway_targets.h"
#include "kernels/kernel_costs.h"
#include "kernels/layernorm/layernorm_naive.h"
#include "kernels/matmul/matmul_adamw.h"
#include "kernels/matmul/matmul_naive.h"
#include "kernels/registry.h"
#include "kernels/residual/residual_naive.h"
#include "kernels/threading.h"

#if GPT2_HAVE_OPENBLAS
#include <cblas.h>
#endif

namespace gpt2 {
namespace {

struct Shape {
  std::string role;  // qkv, attproj, fc, fcproj, lmhead, or the kernel's only shape ("-")
  int B, T, C, OC, NH, V, Vp;
  std::string Label() const {
    std::string label =
        "B" + std::to_string(B) + "_T" + std::to_string(T) + "_C" + std::to_string(C);
    if (OC > 0) label += "_OC" + std::to_string(OC);
    return label;
  }
};

constexpr size_t kGpt2Parameters = 124475904;  // AdamW's n: every parameter of GPT-2 124M
constexpr size_t kAdamwErrorN = 1 << 20;       // AdamW is elementwise: its error needs no 124M

// Owns a kernel call's buffers, filled with small random values. Values are drawn as floats and
// then widened, so a Buffers<double> built in the same order holds exactly a Buffers<float>'s
// inputs: the double reference and the float variant see the same numbers.
template <typename Real>
class Buffers {
 public:
  Real* Floats(size_t n, double lo = -1, double hi = 1) {
    // The model's own allocator (huge pages for large blocks), so a kernel here sees the same
    // TLB behaviour as in a training step.
    store_.emplace_back(static_cast<Real*>(AllocateZeroed(n * sizeof(Real), "benchmark inputs")));
    Real* data = store_.back().get();
    const uint64_t seed = static_cast<uint64_t>(store_.size()) << 40;  // disjoint streams
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; ++i) {  // parallel: also first-touches each page on its thread
      Rng rng(seed + i);
      data[i] = static_cast<Real>(static_cast<float>(lo + (hi - lo) * rng.NextUniform()));
    }
    return data;
  }
  int* Tokens(size_t n, int below) {
    tokens_.emplace_back(n);
    Rng rng(tokens_.size() + 1000);
    for (int& t : tokens_.back()) t = static_cast<int>(rng.Below(below));
    return tokens_.back().data();
  }
  // n flags, set at the `count` rows that `rows` names (a batch's tokens' rows of wte).
  const uint8_t* RowFlags(size_t n, const int* rows, size_t count) {
    flags_.emplace_back(n, 0);
    for (size_t i = 0; i < count; ++i) flags_.back()[static_cast<size_t>(rows[i])] = 1;
    return flags_.back().data();
  }

 private:
  struct Free {
    void operator()(Real* p) const { std::free(p); }
  };
  std::vector<std::unique_ptr<Real[], Free>> store_;
  std::vector<std::vector<int>> tokens_;
  std::vector<std::vector<uint8_t>> flags_;
};

template <typename Real>
struct Prepared {
  std::function<void()> run;
  KernelCost cost;                                // set for float calls only
  std::vector<std::pair<Real*, size_t>> outputs;  // what the error compares
};

// Sets p.run to call `kernel` on `args`, and p.cost to the kernel's cost for them when `cost`
// takes these argument types (float calls; the double reference needs none).
template <typename Real, typename Kernel, typename CostFn, typename... Args>
void Bind(Prepared<Real>& p, Kernel kernel, CostFn cost, Args... args) {
  p.run = [=] { kernel(args...); };
  if constexpr (std::is_invocable_v<CostFn, Args...>) p.cost = cost(args...);
}

// The naive kernels in double: the reference every variant's error is measured against.
struct NaiveInDouble {
  decltype(&EncoderForwardNaive<double>) encoder_forward = EncoderForwardNaive<double>;
  decltype(&EncoderBackwardNaive<double>) encoder_backward = EncoderBackwardNaive<double>;
  decltype(&LayernormForwardNaive<double>) layernorm_forward = LayernormForwardNaive<double>;
  decltype(&LayernormBackwardNaive<double>) layernorm_backward = LayernormBackwardNaive<double>;
  decltype(&MatmulForwardNaive<double>) matmul_forward = MatmulForwardNaive<double>;
  decltype(&MatmulBackwardNaive<double>) matmul_backward = MatmulBackwardNaive<double>;
  decltype(&MatmulGeluForwardNaive<double>) matmul_gelu_forward = MatmulGeluForwardNaive<double>;
  decltype(&AttentionForwardNaive<double>) attention_forward = AttentionForwardNaive<double>;
  decltype(&AttentionBackwardNaive<double>) attention_backward = AttentionBackwardNaive<double>;
  decltype(&GeluForwardNaive<double>) gelu_forward = GeluForwardNaive<double>;
  decltype(&GeluBackwardNaive<double>) gelu_backward = GeluBackwardNaive<double>;
  decltype(&ResidualForwardNaive<double>) residual_forward = ResidualForwardNaive<double>;
  decltype(&ResidualBackwardNaive<double>) residual_backward = ResidualBackwardNaive<double>;
  decltype(&ResidualLayernormForwardNaive<double>) residual_layernorm_forward =
      ResidualLayernormForwardNaive<double>;
  decltype(&SoftmaxForwardNaive<double>) softmax_forward = SoftmaxForwardNaive<double>;
  decltype(&CrossentropyForwardNaive<double>) crossentropy_forward =
      CrossentropyForwardNaive<double>;
  decltype(&CrossentropySoftmaxBackwardNaive<double>) crossentropy_softmax_backward =
      CrossentropySoftmaxBackwardNaive<double>;
  decltype(&SoftmaxCrossentropyFusedNaive<double>) softmax_crossentropy_fused =
      SoftmaxCrossentropyFusedNaive<double>;
  decltype(&AdamwUpdateNaive<double>) adamw_update = AdamwUpdateNaive<double>;
  decltype(&MatmulBackwardThenAdamw<double, MatmulBackwardNaive<double>>) matmul_backward_adamw =
      MatmulBackwardThenAdamw<double, MatmulBackwardNaive<double>>;
};

// Buffers for kernel `id` at `s`, and a closure calling `k`'s implementation on them (`k` is a
// KernelTable of float kernels or the NaiveInDouble table). `adamw_n` is AdamW's parameter count.
template <typename Real, typename Table>
Prepared<Real> Prepare(KernelId id, const Table& k, const Shape& s, size_t adamw_n,
                       Buffers<Real>& buf) {
  const size_t BT = static_cast<size_t>(s.B) * s.T, C = s.C, OC = s.OC, Vp = s.Vp;
  const int B = s.B, T = s.T;
  const size_t scores = static_cast<size_t>(s.B) * s.NH * s.T * s.T;
  const CostTable& cost = KernelCosts();
  Prepared<Real> p;
  switch (id) {
    case KernelId::encoder_forward: {
      Real *out = buf.Floats(BT * C), *wte = buf.Floats(Vp * C), *wpe = buf.Floats(T * C);
      int* inp = buf.Tokens(BT, s.V);
      Bind(p, k.encoder_forward, cost.encoder_forward, out, inp, wte, wpe, B, T, s.C);
      p.outputs = {{out, BT * C}};
      break;
    }
    case KernelId::encoder_backward: {
      Real *dwte = buf.Floats(Vp * C), *dwpe = buf.Floats(T * C), *dout = buf.Floats(BT * C);
      int* inp = buf.Tokens(BT, s.V);
      Bind(p, k.encoder_backward, cost.encoder_backward, dwte, dwpe, dout, inp, B, T, s.C);
      p.outputs = {{dwte, Vp * C}, {dwpe, T * C}};
      break;
    }
    case KernelId::layernorm_forward: {
      Real *out = buf.Floats(BT * C), *mean = buf.Floats(BT), *rstd = buf.Floats(BT);
      Real *inp = buf.Floats(BT * C), *w = buf.Floats(C), *b = buf.Floats(C);
      Bind(p, k.layernorm_forward, cost.layernorm_forward, out, mean, rstd, inp, w, b, B, T, s.C);
      p.outputs = {{out, BT * C}, {mean, BT}, {rstd, BT}};
      break;
    }
    case KernelId::layernorm_backward: {
      Real *dinp = buf.Floats(BT * C), *dw = buf.Floats(C), *db = buf.Floats(C);
      Real *dout = buf.Floats(BT * C), *inp = buf.Floats(BT * C), *w = buf.Floats(C);
      Real *mean = buf.Floats(BT), *rstd = buf.Floats(BT, 0.5, 2);
      Bind(p, k.layernorm_backward, cost.layernorm_backward, dinp, dw, db, dout, inp, w, mean, rstd,
           B, T, s.C);
      p.outputs = {{dinp, BT * C}, {dw, C}, {db, C}};
      break;
    }
    case KernelId::matmul_forward: {
      Real *out = buf.Floats(BT * OC), *inp = buf.Floats(BT * C), *w = buf.Floats(OC * C);
      Real* bias = s.role == "lmhead" ? nullptr : buf.Floats(OC);
      Bind(p, k.matmul_forward, cost.matmul_forward, out, inp, w, bias, B, T, s.C, s.OC);
      p.outputs = {{out, BT * OC}};
      break;
    }
    case KernelId::matmul_backward: {
      Real *dinp = buf.Floats(BT * C), *dw = buf.Floats(OC * C);
      Real* db = s.role == "lmhead" ? nullptr : buf.Floats(OC);
      Real *dout = buf.Floats(BT * OC), *inp = buf.Floats(BT * C), *w = buf.Floats(OC * C);
      Bind(p, k.matmul_backward, cost.matmul_backward, dinp, dw, db, dout, inp, w, B, T, s.C, s.OC);
      p.outputs = {{dinp, BT * C}, {dw, OC * C}};
      if (db) p.outputs.push_back({db, OC});
      break;
    }
    case KernelId::matmul_gelu_forward: {
      Real *out = buf.Floats(BT * OC), *gelu_out = buf.Floats(BT * OC);
      Real *inp = buf.Floats(BT * C), *w = buf.Floats(OC * C), *bias = buf.Floats(OC);
      Bind(p, k.matmul_gelu_forward, cost.matmul_gelu_forward, out, gelu_out, inp, w, bias, B, T,
           s.C, s.OC);
      p.outputs = {{out, BT * OC}, {gelu_out, BT * OC}};
      break;
    }
    case KernelId::attention_forward: {
      Real *out = buf.Floats(BT * C), *preatt = buf.Floats(scores), *att = buf.Floats(scores);
      Real* inp = buf.Floats(BT * 3 * C);
      Bind(p, k.attention_forward, cost.attention_forward, out, preatt, att, inp, B, T, s.C, s.NH);
      p.outputs = {{out, BT * C}};  // preatt and att are scratch: variants may skip the masked half
      break;
    }
    case KernelId::attention_backward: {
      // dpreatt and datt are scratch (ops.h): a kernel that sums into them zeroes them itself.
      Real *dinp = buf.Floats(BT * 3 * C), *dpreatt = buf.Floats(scores, 0, 0);
      Real *datt = buf.Floats(scores, 0, 0), *dout = buf.Floats(BT * C);
      Real* inp = buf.Floats(BT * 3 * C);
      Real* att = buf.Floats(scores, 0, 1.0 / s.T);
      // A real att is causal: zero above the diagonal, which variants may skip reading.
      for (size_t row = 0; row < scores / s.T; ++row) {
        const int t = static_cast<int>(row % s.T);
        for (int t2 = t + 1; t2 < s.T; ++t2) att[row * s.T + t2] = 0;
      }
      Bind(p, k.attention_backward, cost.attention_backward, dinp, dpreatt, datt, dout, inp, att, B,
           T, s.C, s.NH);
      p.outputs = {{dinp, BT * 3 * C}};  // dpreatt and datt are scratch, as above
      break;
    }
    case KernelId::gelu_forward: {
      const int N = static_cast<int>(BT * 4 * C);
      Real *out = buf.Floats(N), *inp = buf.Floats(N, -4, 4);
      Bind(p, k.gelu_forward, cost.gelu_forward, out, inp, N);
      p.outputs = {{out, static_cast<size_t>(N)}};
      break;
    }
    case KernelId::gelu_backward: {
      const int N = static_cast<int>(BT * 4 * C);
      Real *dinp = buf.Floats(N), *inp = buf.Floats(N, -4, 4), *dout = buf.Floats(N);
      Bind(p, k.gelu_backward, cost.gelu_backward, dinp, inp, dout, N);
      p.outputs = {{dinp, static_cast<size_t>(N)}};
      break;
    }
    case KernelId::residual_forward: {
      const int N = static_cast<int>(BT * C);
      Real *out = buf.Floats(N), *a = buf.Floats(N), *b = buf.Floats(N);
      Bind(p, k.residual_forward, cost.residual_forward, out, a, b, N);
      p.outputs = {{out, static_cast<size_t>(N)}};
      break;
    }
    case KernelId::residual_layernorm_forward: {
      Real *residual = buf.Floats(BT * C), *out = buf.Floats(BT * C);
      Real *mean = buf.Floats(BT), *rstd = buf.Floats(BT);
      Real *a = buf.Floats(BT * C), *b = buf.Floats(BT * C), *w = buf.Floats(C),
           *bias = buf.Floats(C);
      Bind(p, k.residual_layernorm_forward, cost.residual_layernorm_forward, residual, out, mean,
           rstd, a, b, w, bias, B, T, s.C);
      p.outputs = {{residual, BT * C}, {out, BT * C}, {mean, BT}, {rstd, BT}};
      break;
    }
    case KernelId::residual_backward: {
      const int N = static_cast<int>(BT * C);
      Real *d1 = buf.Floats(N), *d2 = buf.Floats(N), *dout = buf.Floats(N);
      Bind(p, k.residual_backward, cost.residual_backward, d1, d2, dout, N);
      p.outputs = {{d1, static_cast<size_t>(N)}, {d2, static_cast<size_t>(N)}};
      break;
    }
    case KernelId::softmax_forward: {
      Real *probs = buf.Floats(BT * Vp), *logits = buf.Floats(BT * Vp, -5, 5);
      Bind(p, k.softmax_forward, cost.softmax_forward, probs, logits, B, T, s.V, s.Vp);
      p.outputs = {{probs, BT * Vp}};
      break;
    }
    case KernelId::crossentropy_forward: {
      Real *losses = buf.Floats(BT), *probs = buf.Floats(BT * Vp, 0.01, 1);
      int* targets = buf.Tokens(BT, s.V);
      Bind(p, k.crossentropy_forward, cost.crossentropy_forward, losses, probs, targets, B, T,
           s.Vp);
      p.outputs = {{losses, BT}};
      break;
    }
    case KernelId::crossentropy_softmax_backward: {
      Real *dlogits = buf.Floats(BT * Vp), *dlosses = buf.Floats(BT);
      Real* probs = buf.Floats(BT * Vp, 0, 1e-4);
      int* targets = buf.Tokens(BT, s.V);
      Bind(p, k.crossentropy_softmax_backward, cost.crossentropy_softmax_backward, dlogits, dlosses,
           probs, targets, B, T, s.V, s.Vp);
      p.outputs = {{dlogits, BT * Vp}};
      break;
    }
    case KernelId::softmax_crossentropy_fused: {
      Real *losses = buf.Floats(BT), *dlogits = buf.Floats(BT * Vp);
      Real* logits = buf.Floats(BT * Vp, -5, 5);
      int* targets = buf.Tokens(BT, s.V);
      const Real dloss = Real{1} / static_cast<Real>(BT);
      Bind(p, k.softmax_crossentropy_fused, cost.softmax_crossentropy_fused, losses, dlogits,
           logits, targets, dloss, B, T, s.V, s.Vp);
      p.outputs = {{losses, BT}, {dlogits, BT * Vp}};
      break;
    }
    case KernelId::matmul_backward_adamw: {
      // The weight and bias take an AdamW step from gradients that arrive zeroed, as ZeroGrad
      // leaves them; each timed call steps them again from the same inputs. The tied LM head is
      // called as the model calls it, last in the backward: no dinp (taken earlier), no bias, and
      // a gradient whose batch tokens' rows are flagged as holding encoder_backward's sums (zero
      // here; in a step all other rows are zero too).
      const bool lm_head = s.role == "lmhead";
      Real *dinp = lm_head ? nullptr : buf.Floats(BT * C), *dout = buf.Floats(BT * OC);
      Real* inp = buf.Floats(BT * C);
      const AdamwTensorOf<Real> weight{buf.Floats(OC * C), buf.Floats(OC * C, 0, 0),
                                       buf.Floats(OC * C, 0, 0), buf.Floats(OC * C, 0, 0)};
      const AdamwTensorOf<Real> bias{lm_head ? nullptr : buf.Floats(OC), buf.Floats(OC, 0, 0),
                                     buf.Floats(OC, 0, 0), buf.Floats(OC, 0, 0)};
      const AdamwStep step{1e-4f, 0.9f, 0.999f, 1e-8f, 0.0f, 1};
      const uint8_t* rows_with_sums = lm_head ? buf.RowFlags(OC, buf.Tokens(BT, s.V), BT) : nullptr;
      Bind(p, k.matmul_backward_adamw, cost.matmul_backward_adamw, dinp, weight, bias, dout, inp, B,
           T, s.C, s.OC, step, rows_with_sums);
      p.outputs = {{weight.param, OC * C}, {weight.m, OC * C}, {weight.v, OC * C}};
      if (!lm_head) p.outputs.insert(p.outputs.end(), {{dinp, BT * C}, {bias.param, OC}});
      break;
    }
    case KernelId::adamw_update: {
      const size_t n = adamw_n;
      Real *params = buf.Floats(n), *grads = buf.Floats(n, -1e-3, 1e-3);
      Real *m = buf.Floats(n, 0, 0), *v = buf.Floats(n, 0, 0);
      Bind(p, k.adamw_update, cost.adamw_update, params, grads, m, v, n, 1e-4f, 0.9f, 0.999f, 1e-8f,
           0.0f, 1, false);
      p.outputs = {{params, n}, {m, n}, {v, n}};
      break;
    }
  }
  return p;
}

// Where the error is measured: every kernel at T=64, and attention at T=1024 too, the only kernel
// whose reductions grow with T. Every other kernel's rounding depends on C, OC or V, which the
// long context leaves unchanged, so its T=64 figure holds (and its double reference would cost
// minutes for the long matmuls).
bool MeasuresError(KernelId id, const Shape& s) {
  return s.T == 64 || id == KernelId::attention_forward || id == KernelId::attention_backward;
}

// The double reference's outputs for (kernel, shape), computed once and shared by all families.
const std::vector<std::vector<double>>& Reference(KernelId id, const Shape& s) {
  static std::map<std::string, std::vector<std::vector<double>>> cache;
  const std::string key =
      std::string(kKernelInfo[static_cast<int>(id)].name) + "/" + s.role + "/" + s.Label();
  auto found = cache.find(key);
  if (found != cache.end()) return found->second;
  Buffers<double> buffers;
  const Prepared<double> p = Prepare(id, NaiveInDouble{}, s, kAdamwErrorN, buffers);
  p.run();
  std::vector<std::vector<double>> outputs;
  for (const auto& [data, n] : p.outputs) outputs.emplace_back(data, data + n);
  return cache.emplace(key, std::move(outputs)).first->second;
}

// Runs the prepared call once (it doubles as the warm-up call) and returns max over outputs of
// max|variant − reference| / max|reference|: relative to each tensor's largest magnitude, so
// near-zero entries do not dominate. Buffers are filled element by element from (buffer, index)
// alone, so AdamW's smaller reference holds exactly the first elements of the benchmark's arrays;
// an elementwise kernel's error is measured on that prefix.
double FirstCallError(KernelId id, const Shape& s, const Prepared<float>& p) {
  const auto& reference = Reference(id, s);
  p.run();
  double worst = 0;
  for (size_t o = 0; o < p.outputs.size(); ++o) {
    const float* data = p.outputs[o].first;
    const std::vector<double>& expected = reference[o];
    double error = 0, magnitude = 0;
    bool nan = false;
    for (size_t i = 0; i < expected.size(); ++i) {
      const double difference = std::fabs(data[i] - expected[i]);
      nan |= std::isnan(difference);
      error = std::fmax(error, difference);
      magnitude = std::fmax(magnitude, std::fabs(expected[i]));
    }
    if (nan) {  // JSON has no NaN: report it loudly and as an absurd error
      std::fprintf(stderr, "bench_kernels: %s/%s gave NaN\n", kKernelInfo[int(id)].name,
                   s.Label().c_str());
      return 1e30;
    }
    worst = std::fmax(worst, magnitude > 0 ? error / magnitude : error);
  }
  return worst;
}

// The shapes each kernel runs at in a d12 training step, for B=4 at T=64 and at T=1024.
std::vector<Shape> ShapesFor(KernelId id) {
  const int B = 4, C = 768, NH = 12, V = 50257, Vp = 50304;
  std::vector<Shape> shapes;
  for (int T : {64, 1024}) {
    if (id == KernelId::matmul_forward || id == KernelId::matmul_backward) {
      shapes.push_back({"qkv", B, T, C, 3 * C, NH, V, Vp});
      shapes.push_back({"attproj", B, T, C, C, NH, V, Vp});
      shapes.push_back({"fc", B, T, C, 4 * C, NH, V, Vp});
      shapes.push_back({"fcproj", B, T, 4 * C, C, NH, V, Vp});
      shapes.push_back({"lmhead", B, T, C, Vp, NH, V, Vp});
    } else if (id == KernelId::matmul_backward_adamw) {
      shapes.push_back({"qkv", B, T, C, 3 * C, NH, V, Vp});
      shapes.push_back({"attproj", B, T, C, C, NH, V, Vp});
      shapes.push_back({"fc", B, T, C, 4 * C, NH, V, Vp});
      shapes.push_back({"fcproj", B, T, 4 * C, C, NH, V, Vp});
      shapes.push_back({"lmhead", B, T, C, Vp, NH, V, Vp});  // weight gradient and AdamW only
    } else if (id == KernelId::matmul_gelu_forward) {
      shapes.push_back({"fc", B, T, C, 4 * C, NH, V, Vp});  // the MLP's first layer only
    } else if (id == KernelId::adamw_update) {
      if (T == 64) shapes.push_back({"-", B, T, C, 0, NH, V, Vp});  // no T in AdamW
    } else {
      shapes.push_back({"-", B, T, C, 0, NH, V, Vp});
    }
  }
  return shapes;
}

struct Roofs {
  float peak_gflops = 0, peak_gbs = 0;  // 0: not given, no roof_fraction
  bool paired_peak = false;             // time an FMA burst after every call
};

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// `burst` is the paired FMA peak and `call_seconds` the calls' total time (--paired-peak only).
void SetCounters(benchmark::State& state, KernelId id, const KernelCost& cost, const Roofs& roofs,
                 double max_rel_err, const FmaBurst* burst, double call_seconds) {
  using benchmark::Counter;
  const double calls = static_cast<double>(state.iterations());
  if (IsComputeKernel(id)) {
    state.counters["GFLOP/s"] = Counter(cost.flops * calls * 1e-9, Counter::kIsRate);
  } else {
    state.counters["GB/s"] = Counter(cost.bytes * calls * 1e-9, Counter::kIsRate);
  }
  state.counters["flop_per_call"] = cost.flops;
  state.counters["bytes_per_call"] = cost.bytes;
  if (roofs.peak_gflops > 0 && roofs.peak_gbs > 0) {
    // seconds the roofline allows for all calls / seconds they took
    state.counters["roof_fraction"] =
        Counter(RooflineSeconds(cost, roofs.peak_gflops, roofs.peak_gbs) * calls, Counter::kIsRate);
  }
  if (max_rel_err >= 0) state.counters["max_rel_err"] = max_rel_err;
  if (burst && call_seconds > 0 && burst->Gflops() > 0) {
    state.counters["fma_gflops"] = burst->Gflops();
    if (IsComputeKernel(id)) {
      state.counters["fma_fraction"] = cost.flops * calls / call_seconds * 1e-9 / burst->Gflops();
    }
  }
}

// The benchmark being run and its buffers, kept while Google Benchmark calls it repeatedly.
struct Current {
  std::string name;
  std::unique_ptr<Buffers<float>> buffers;
  Prepared<float> prepared;
  double max_rel_err = -1;  // < 0: not measured
};

using Preparer = std::function<Prepared<float>(Buffers<float>&)>;

// Registers `name`: its buffers are prepared once, then one untimed call warms caches and
// per-thread scratch; when `error_shape` is given that call's outputs also give max_rel_err.
void RegisterTimed(const std::string& name, KernelId id, Preparer prepare, const Roofs& roofs,
                   std::optional<Shape> error_shape) {
  benchmark::internal::Benchmark* benchmark =
      benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& state) {
        static Current current;
        if (current.name != name) {
          current = Current{};  // frees the previous benchmark's buffers first
          current.name = name;
          current.buffers = std::make_unique<Buffers<float>>();
          current.prepared = prepare(*current.buffers);
          if (error_shape) {
            current.max_rel_err = FirstCallError(id, *error_shape, current.prepared);
          } else {
            current.prepared.run();
          }
        }
        const Prepared<float>& p = current.prepared;
        if (!roofs.paired_peak) {
          for (auto _ : state) {
            p.run();
            benchmark::ClobberMemory();
          }
          SetCounters(state, id, p.cost, roofs, current.max_rel_err, nullptr, 0);
          return;
        }
        FmaBurst burst;
        double call_seconds = 0;
        for (auto _ : state) {
          const auto start = Clock::now();
          p.run();
          benchmark::ClobberMemory();
          const double seconds = SecondsSince(start);
          state.SetIterationTime(seconds);
          call_seconds += seconds;
          burst.RunAsLongAs(seconds);
        }
        SetCounters(state, id, p.cost, roofs, current.max_rel_err, &burst, call_seconds);
      });
  benchmark->Unit(benchmark::kMillisecond);
  if (roofs.paired_peak) {
    benchmark->UseManualTime();  // the calls alone, not the bursts between them
  } else {
    benchmark->UseRealTime();
  }
}

#if GPT2_HAVE_OPENBLAS
// The yardstick for the openblas family's wrapper: one bare cblas_sgemm, no bias.
Prepared<float> PrepareBareSgemm(const Shape& shape, Buffers<float>& buf) {
  const int M = shape.B * shape.T, K = shape.C, N = shape.OC;
  float* out = buf.Floats(static_cast<size_t>(M) * N);
  float* inp = buf.Floats(static_cast<size_t>(M) * K);
  float* w = buf.Floats(static_cast<size_t>(N) * K);
  Prepared<float> p;
  p.run = [=] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0f, inp, K, w, K, 0.0f, out, N);
  };
  p.cost = KernelCosts().matmul_forward(out, inp, w, nullptr, shape.B, shape.T, K, N);
  return p;
}
#endif

void RegisterAll(const Roofs& roofs, bool errors) {
  for (const KernelFamily& family : Registry::Get().families()) {
    for (int i = 0; i < kNumKernels; ++i) {
      if (!HasKernel(family.kernels, i)) continue;
      const KernelId id = static_cast<KernelId>(i);
      const KernelTable* table = &family.kernels;
      for (const Shape& shape : ShapesFor(id)) {
        RegisterTimed(
            std::string(kKernelInfo[i].name) + "/" + family.name + "/" + shape.role + "/" +
                shape.Label(),
            id,
            [=](Buffers<float>& buf) { return Prepare(id, *table, shape, kGpt2Parameters, buf); },
            roofs, errors && MeasuresError(id, shape) ? std::optional<Shape>(shape) : std::nullopt);
      }
    }
  }
#if GPT2_HAVE_OPENBLAS
  for (const Shape& shape : ShapesFor(KernelId::matmul_forward)) {
    RegisterTimed(
        "matmul_forward/sgemm_bare/" + shape.role + "/" + shape.Label(), KernelId::matmul_forward,
        [=](Buffers<float>& buf) { return PrepareBareSgemm(shape, buf); }, roofs, std::nullopt);
  }
#endif
}

int Run(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::printf(
          "usage: bench_kernels [flags] [Google Benchmark flags]\n"
          "Times every kernel of every family at GPT-2 124M shapes (B=4; T=64 and T=1024), with\n"
          "GFLOP/s or GB/s, the fraction of the roofline and the error against naive in double.\n"
          "Names are kernel/family/role/shape; select with --benchmark_filter=REGEX, write JSON\n"
          "with --benchmark_out=FILE --benchmark_out_format=json, repeat with\n"
          "--benchmark_repetitions=N. `bench_kernels --benchmark_list_tests` lists them.\n\n"
          "  --threads N          OpenMP and OpenBLAS threads (default: all cores)\n"
          "  --hwy-target NAME    run the highway family on one Highway target (AVX3, AVX2,\n"
          "                       SSE4, SSSE3, SCALAR, as compiled and supported); or set\n"
          "                       GPT2_HWY_TARGET\n"
          "  --peak-gflops X      the machine's peak GFLOP/s at these threads (bench_roofs)\n"
          "  --peak-gbs X         its memory bandwidth in GB/s (bench_roofs' DRAM triad);\n"
          "                       with both, each entry reports roof_fraction\n"
          "  --paired-peak        after every timed call, run an FMA burst as long as the call\n"
          "                       and report fma_fraction = GFLOP/s / that paired FMA peak:\n"
          "                       the peak is met in the same spell of a noisy machine as the\n"
          "                       kernel (the bursts double the run time; they are not timed)\n"
          "  --skip-errors        do not measure max_rel_err (saves the double references)\n");
      return 0;
    }
  }
  benchmark::Initialize(&argc, argv);
  RunOptions options;
  Roofs roofs;
  bool skip_errors = false;
  Flags flags("bench_kernels", "Times every kernel of every family at GPT-2 124M shapes.");
  AddRunFlags(flags, &options);
  flags.Float("--peak-gflops", &roofs.peak_gflops, "peak GFLOP/s (bench_roofs)");
  flags.Float("--peak-gbs", &roofs.peak_gbs, "memory bandwidth, GB/s (bench_roofs)");
  flags.Bool("--paired-peak", &roofs.paired_peak, "time an FMA burst beside every call");
  flags.Bool("--skip-errors", &skip_errors, "do not measure max_rel_err");
  if (!flags.Parse(argc, argv)) return 0;
  if (roofs.peak_gflops < 0 || roofs.peak_gbs < 0 ||
      (roofs.peak_gflops > 0) != (roofs.peak_gbs > 0)) {
    throw Error("--peak-gflops and --peak-gbs go together and must be positive");
  }
  ApplyRunOptions(options);
  benchmark::AddCustomContext("threads", DescribeThreading());
  benchmark::AddCustomContext("pinning", DescribePinning());
  benchmark::AddCustomContext("simd", DescribeHighway());
  if (roofs.peak_gflops > 0) {
    benchmark::AddCustomContext("roofs", std::to_string(roofs.peak_gflops) + " GFLOP/s, " +
                                             std::to_string(roofs.peak_gbs) + " GB/s");
  }
  RegisterAll(roofs, !skip_errors);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace
}  // namespace gpt2

int main(int argc, char** argv) { return gpt2::RunGuarded("bench_kernels", gpt2::Run, argc, argv); }
