// bench_kernels: every registered kernel × every family that implements it (fallbacks are not
// benchmarked twice), at GPT-2 124M shapes for B=4, T=64, through Google Benchmark.
//
// Names are kernel/family/role/shape, e.g. matmul_forward/tiled/fc/B4_T64_C768_OC3072, so
// --benchmark_filter and the plot scripts can split on '/'. Inputs are allocated, filled and
// touched before timing; one untimed call warms caches and per-thread scratch. Backward kernels
// accumulate into their outputs on every iteration: the values grow linearly with the iteration
// count (a few thousand times at most), far from overflow and never denormal, so the timing is
// unaffected and no reset sits inside the timed loop.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gpt2/flags.h"
#include "gpt2/main_guard.h"
#include "gpt2/rng.h"
#include "gpt2/run_options.h"
#include "kernels/error.h"
#include "kernels/highway_targets.h"
#include "kernels/registry.h"
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

// Owns a kernel call's buffers, filled with small random values.
class Buffers {
 public:
  float* Floats(size_t n, double lo = -1, double hi = 1) {
    store_.emplace_back(n);
    Rng rng(store_.size());
    for (float& x : store_.back()) x = static_cast<float>(lo + (hi - lo) * rng.NextUniform());
    return store_.back().data();
  }
  int* Tokens(size_t n, int below) {
    tokens_.emplace_back(n);
    Rng rng(tokens_.size() + 1000);
    for (int& t : tokens_.back()) t = static_cast<int>(rng.Below(below));
    return tokens_.back().data();
  }

 private:
  std::vector<std::vector<float>> store_;
  std::vector<std::vector<int>> tokens_;
};

struct Prepared {
  std::function<void()> run;
  double flops = 0;  // useful floating-point operations per call (0: memory-bound kernel)
  double bytes = 0;  // bytes a call must move at least (0: compute-bound kernel)
};

// Buffers for kernel `id` at `s`, and a closure calling `k`'s implementation on them. The FLOP
// and byte formulas are the work the kernel must do, not what a variant happens to do (the
// openblas attention computes the masked half too; it is not credited for it).
Prepared Prepare(KernelId id, const KernelTable& k, const Shape& s, Buffers& buf) {
  const size_t BT = static_cast<size_t>(s.B) * s.T, C = s.C, OC = s.OC, Vp = s.Vp;
  const int B = s.B, T = s.T;
  const size_t scores = static_cast<size_t>(s.B) * s.NH * s.T * s.T;
  const double causal = static_cast<double>(s.B) * s.C * s.T * (s.T + 1);  // B·NH·hs·T(T+1)
  Prepared p;
  switch (id) {
    case KernelId::encoder_forward: {
      float *out = buf.Floats(BT * C), *wte = buf.Floats(Vp * C), *wpe = buf.Floats(T * C);
      int* inp = buf.Tokens(BT, s.V);
      p.run = [=] { k.encoder_forward(out, inp, wte, wpe, B, T, s.C); };
      p.bytes = 12.0 * BT * C;
      break;
    }
    case KernelId::encoder_backward: {
      float *dwte = buf.Floats(Vp * C), *dwpe = buf.Floats(T * C), *dout = buf.Floats(BT * C);
      int* inp = buf.Tokens(BT, s.V);
      p.run = [=] { k.encoder_backward(dwte, dwpe, dout, inp, B, T, s.C); };
      p.bytes = 20.0 * BT * C;
      break;
    }
    case KernelId::layernorm_forward: {
      float *out = buf.Floats(BT * C), *mean = buf.Floats(BT), *rstd = buf.Floats(BT);
      float *inp = buf.Floats(BT * C), *w = buf.Floats(C), *b = buf.Floats(C);
      p.run = [=] { k.layernorm_forward(out, mean, rstd, inp, w, b, B, T, s.C); };
      p.bytes = 8.0 * BT * C;
      break;
    }
    case KernelId::layernorm_backward: {
      float *dinp = buf.Floats(BT * C), *dw = buf.Floats(C), *db = buf.Floats(C);
      float *dout = buf.Floats(BT * C), *inp = buf.Floats(BT * C), *w = buf.Floats(C);
      float *mean = buf.Floats(BT), *rstd = buf.Floats(BT, 0.5, 2);
      p.run = [=] { k.layernorm_backward(dinp, dw, db, dout, inp, w, mean, rstd, B, T, s.C); };
      p.bytes = 16.0 * BT * C;
      break;
    }
    case KernelId::matmul_forward: {
      float *out = buf.Floats(BT * OC), *inp = buf.Floats(BT * C), *w = buf.Floats(OC * C);
      float* bias = s.role == "lmhead" ? nullptr : buf.Floats(OC);
      p.run = [=] { k.matmul_forward(out, inp, w, bias, B, T, s.C, s.OC); };
      p.flops = 2.0 * BT * C * OC;
      break;
    }
    case KernelId::matmul_backward: {
      float *dinp = buf.Floats(BT * C), *dw = buf.Floats(OC * C);
      float* db = s.role == "lmhead" ? nullptr : buf.Floats(OC);
      float *dout = buf.Floats(BT * OC), *inp = buf.Floats(BT * C), *w = buf.Floats(OC * C);
      p.run = [=] { k.matmul_backward(dinp, dw, db, dout, inp, w, B, T, s.C, s.OC); };
      p.flops = 4.0 * BT * C * OC;
      break;
    }
    case KernelId::attention_forward: {
      float *out = buf.Floats(BT * C), *preatt = buf.Floats(scores), *att = buf.Floats(scores);
      float* inp = buf.Floats(BT * 3 * C);
      p.run = [=] { k.attention_forward(out, preatt, att, inp, B, T, s.C, s.NH); };
      p.flops = 2.0 * causal;
      break;
    }
    case KernelId::attention_backward: {
      float *dinp = buf.Floats(BT * 3 * C), *dpreatt = buf.Floats(scores);
      float *datt = buf.Floats(scores), *dout = buf.Floats(BT * C), *inp = buf.Floats(BT * 3 * C);
      float* att = buf.Floats(scores, 0, 1.0 / s.T);
      p.run = [=] { k.attention_backward(dinp, dpreatt, datt, dout, inp, att, B, T, s.C, s.NH); };
      p.flops = 4.0 * causal;
      break;
    }
    case KernelId::gelu_forward: {
      const int N = static_cast<int>(BT * 4 * C);
      float *out = buf.Floats(N), *inp = buf.Floats(N);
      p.run = [=] { k.gelu_forward(out, inp, N); };
      p.bytes = 8.0 * N;
      break;
    }
    case KernelId::gelu_backward: {
      const int N = static_cast<int>(BT * 4 * C);
      float *dinp = buf.Floats(N), *inp = buf.Floats(N), *dout = buf.Floats(N);
      p.run = [=] { k.gelu_backward(dinp, inp, dout, N); };
      p.bytes = 16.0 * N;
      break;
    }
    case KernelId::residual_forward: {
      const int N = static_cast<int>(BT * C);
      float *out = buf.Floats(N), *a = buf.Floats(N), *b = buf.Floats(N);
      p.run = [=] { k.residual_forward(out, a, b, N); };
      p.bytes = 12.0 * N;
      break;
    }
    case KernelId::residual_backward: {
      const int N = static_cast<int>(BT * C);
      float *d1 = buf.Floats(N), *d2 = buf.Floats(N), *dout = buf.Floats(N);
      p.run = [=] { k.residual_backward(d1, d2, dout, N); };
      p.bytes = 20.0 * N;
      break;
    }
    case KernelId::softmax_forward: {
      float *probs = buf.Floats(BT * Vp), *logits = buf.Floats(BT * Vp, -5, 5);
      p.run = [=] { k.softmax_forward(probs, logits, B, T, s.V, s.Vp); };
      p.bytes = 8.0 * BT * Vp;
      break;
    }
    case KernelId::crossentropy_forward: {
      float *losses = buf.Floats(BT), *probs = buf.Floats(BT * Vp, 0.01, 1);
      int* targets = buf.Tokens(BT, s.V);
      p.run = [=] { k.crossentropy_forward(losses, probs, targets, B, T, s.Vp); };
      p.bytes = 12.0 * BT;
      break;
    }
    case KernelId::crossentropy_softmax_backward: {
      float *dlogits = buf.Floats(BT * Vp), *dlosses = buf.Floats(BT);
      float* probs = buf.Floats(BT * Vp, 0, 1e-4);
      int* targets = buf.Tokens(BT, s.V);
      p.run = [=] {
        k.crossentropy_softmax_backward(dlogits, dlosses, probs, targets, B, T, s.V, s.Vp);
      };
      p.bytes = 12.0 * BT * s.V;
      break;
    }
    case KernelId::adamw_update: {
      const size_t n = 124475904;  // GPT-2 124M's parameters
      float *params = buf.Floats(n), *grads = buf.Floats(n, -1e-3, 1e-3);
      float *m = buf.Floats(n, 0, 0), *v = buf.Floats(n, 0, 0);
      p.run = [=] { k.adamw_update(params, grads, m, v, n, 1e-4f, 0.9f, 0.999f, 1e-8f, 0.0f, 1); };
      p.bytes = 28.0 * n;  // read p, g, m, v; write p, m, v
      break;
    }
  }
  return p;
}

// The shapes each kernel runs at in a d12, B=4, T=64 training step.
std::vector<Shape> ShapesFor(KernelId id) {
  const int B = 4, T = 64, C = 768, NH = 12, V = 50257, Vp = 50304;
  if (id == KernelId::matmul_forward || id == KernelId::matmul_backward) {
    return {{"qkv", B, T, C, 3 * C, NH, V, Vp},
            {"attproj", B, T, C, C, NH, V, Vp},
            {"fc", B, T, C, 4 * C, NH, V, Vp},
            {"fcproj", B, T, 4 * C, C, NH, V, Vp},
            {"lmhead", B, T, C, Vp, NH, V, Vp}};
  }
  return {{"-", B, T, C, 0, NH, V, Vp}};
}

void SetCounters(benchmark::State& state, const Prepared& p) {
  const double calls = static_cast<double>(state.iterations());
  if (p.flops > 0) {
    state.counters["GFLOP/s"] =
        benchmark::Counter(p.flops * calls * 1e-9, benchmark::Counter::kIsRate);
  }
  if (p.bytes > 0) {
    state.counters["GB/s"] =
        benchmark::Counter(p.bytes * calls * 1e-9, benchmark::Counter::kIsRate);
  }
}

void RegisterAll() {
  for (const KernelFamily& family : Registry::Get().families()) {
    for (int i = 0; i < kNumKernels; ++i) {
      if (!HasKernel(family.kernels, i)) continue;
      const KernelId id = static_cast<KernelId>(i);
      for (const Shape& shape : ShapesFor(id)) {
        const std::string name = std::string(kKernelInfo[i].name) + "/" + family.name + "/" +
                                 shape.role + "/" + shape.Label();
        const KernelTable* table = &family.kernels;
        benchmark::RegisterBenchmark(
            name.c_str(),
            [=](benchmark::State& state) {
              Buffers buffers;
              const Prepared p = Prepare(id, *table, shape, buffers);
              p.run();  // warm caches and per-thread scratch outside the timed loop
              for (auto _ : state) {
                p.run();
                benchmark::ClobberMemory();
              }
              SetCounters(state, p);
            })
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);
      }
    }
  }
#if GPT2_HAVE_OPENBLAS
  // The yardstick for the openblas family's wrapper: one bare cblas_sgemm, no bias.
  for (const Shape& shape : ShapesFor(KernelId::matmul_forward)) {
    const std::string name = "matmul_forward/sgemm_bare/" + shape.role + "/" + shape.Label();
    benchmark::RegisterBenchmark(name.c_str(),
                                 [=](benchmark::State& state) {
                                   Buffers buffers;
                                   const int M = shape.B * shape.T, K = shape.C, N = shape.OC;
                                   float* out = buffers.Floats(static_cast<size_t>(M) * N);
                                   float* inp = buffers.Floats(static_cast<size_t>(M) * K);
                                   float* w = buffers.Floats(static_cast<size_t>(N) * K);
                                   Prepared p;
                                   p.run = [=] {
                                     cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K,
                                                 1.0f, inp, K, w, K, 0.0f, out, N);
                                   };
                                   p.flops = 2.0 * M * K * N;
                                   p.run();
                                   for (auto _ : state) {
                                     p.run();
                                     benchmark::ClobberMemory();
                                   }
                                   SetCounters(state, p);
                                 })
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
#endif
}

int Run(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::printf(
          "usage: bench_kernels [--threads N] [Google Benchmark flags]\n"
          "Times every kernel of every family at GPT-2 124M shapes (B=4, T=64).\n"
          "Names are kernel/family/role/shape; select with --benchmark_filter=REGEX, write JSON\n"
          "with --benchmark_out=FILE --benchmark_out_format=json, repeat with\n"
          "--benchmark_repetitions=N. `bench_kernels --benchmark_list_tests` lists them.\n\n"
          "  --threads N        OpenMP and OpenBLAS threads (default: all cores)\n"
          "  --hwy-target NAME  run the highway family on one Highway target (AVX3, AVX2, SSE4,\n"
          "                     SSSE3, SCALAR, as compiled and supported); or set "
          "GPT2_HWY_TARGET\n");
      return 0;
    }
  }
  benchmark::Initialize(&argc, argv);
  RunOptions options;
  Flags flags("bench_kernels", "Times every kernel of every family at GPT-2 124M shapes.");
  AddRunFlags(flags, &options);
  if (!flags.Parse(argc, argv)) return 0;
  ApplyRunOptions(options);
  benchmark::AddCustomContext("threads", DescribeThreading());
  benchmark::AddCustomContext("simd", DescribeHighway());
  RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace
}  // namespace gpt2

int main(int argc, char** argv) { return gpt2::RunGuarded("bench_kernels", gpt2::Run, argc, argv); }
