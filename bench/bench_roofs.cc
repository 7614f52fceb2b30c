// bench_roofs: the machine's measured roofs, against which every kernel and step is judged.
//
//   peak GFLOP/s   the best of OpenBLAS's sgemm and the highway family's matmul on an n×n×n
//                  problem (n = 2048 by default: large enough that packing and edges cost little),
//                  best of several calls, at each thread count from 1 to --threads
//   DRAM GB/s      a STREAM-style triad a[i] = b[i] + s·c[i] over three arrays each several times
//                  the last-level cache, counting 12 bytes per element as STREAM does (the write
//                  allocate's extra read is real traffic, but not the program's)
//   cache GB/s     the same triad over arrays that fit in each thread's share of L2
//   FMA GFLOP/s    independent register-only FMAs on every thread (bench/fma_peak.cc): the
//                  arithmetic ceiling; the peak above is what a real GEMM reaches of it
//   L1 kernel      the highway GEMM's register kernel on a strip and panel that stay in L1, on
//                  every thread (bench/l1_kernel_peak.cc): what the core itself leaves of the FMA
//                  peak once the FMAs are fed by loads and broadcasts; the highway GEMM's
//                  fraction of the FMA peak cannot pass this one's
// plus the cache sizes and the Highway target. Every array is written before the first timed pass
// (and one untimed call precedes the timed ones), so no first-touch page fault is timed.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <omp.h>

#include "bench/fma_peak.h"
#include "bench/l1_kernel_peak.h"

#include "gpt2/buffer.h"
#include "gpt2/file_io.h"
#include "gpt2/flags.h"
#include "gpt2/json_text.h"
#include "gpt2/main_guard.h"
#include "gpt2/rng.h"
#include "kernels/error.h"
#include "kernels/highway_targets.h"
#include "kernels/registry.h"
#include "kernels/threading.h"

#if GPT2_HAVE_OPENBLAS
#include <cblas.h>
#endif

namespace gpt2 {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The fastest of `reps` calls of `run`, after one untimed call.
template <typename Fn>
double BestSeconds(int reps, Fn run) {
  run();
  double best = 1e30;
  for (int i = 0; i < reps; ++i) {
    const auto start = Clock::now();
    run();
    best = std::min(best, Seconds(start));
  }
  return best;
}

struct Caches {
  long l1d = 0, l2 = 0, l3 = 0;  // bytes; 0 where the system does not say
};

Caches ReadCaches() {
  Caches c;
  c.l1d = std::max(0L, sysconf(_SC_LEVEL1_DCACHE_SIZE));
  c.l2 = std::max(0L, sysconf(_SC_LEVEL2_CACHE_SIZE));
  c.l3 = std::max(0L, sysconf(_SC_LEVEL3_CACHE_SIZE));
  return c;
}

// n×n×n GEMM GFLOP/s, as our matmul_forward computes it: out = inp · weightᵀ.
class SquareGemm {
 public:
  explicit SquareGemm(int n) : n_(n), a_(Fill(n)), b_(Fill(n)), out_(size_t(n) * n) {}

  double SgemmGflops(int reps) {
#if GPT2_HAVE_OPENBLAS
    return Gflops(BestSeconds(reps, [&] {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n_, n_, n_, 1.0f, a_.data(), n_,
                  b_.data(), n_, 0.0f, out_.data(), n_);
    }));
#else
    (void)reps;
    return 0;
#endif
  }

  double HighwayGflops(int reps) {
    const KernelFamily* highway = Registry::Get().Find("highway");
    if (!highway || !highway->kernels.matmul_forward) return 0;
    const MatmulForwardFn matmul = highway->kernels.matmul_forward;
    return Gflops(BestSeconds(
        reps, [&] { matmul(out_.data(), a_.data(), b_.data(), nullptr, 1, n_, n_, n_); }));
  }

 private:
  static std::vector<float> Fill(int n) {
    std::vector<float> v(size_t(n) * n);
    Rng rng(v.size());
    for (float& x : v) x = static_cast<float>(rng.NextUniform() - 0.5);
    return v;
  }
  double Gflops(double seconds) const { return 2.0 * n_ * n_ * n_ / seconds * 1e-9; }

  int n_;
  std::vector<float> a_, b_, out_;
};

// Triad GB/s over three arrays of `n` floats each, `passes` passes a timing (enough passes that
// a timing lasts milliseconds even when the arrays sit in cache).
double TriadGbs(size_t n, int passes, int reps) {
  FloatBuffer a(n, "triad array a"), b(n, "triad array b"), c(n, "triad array c");
  float* pa = a.data();
  float *pb = b.data(), *pc = c.data();
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; ++i) {
    pa[i] = 0;
    pb[i] = 1;
    pc[i] = 2;
  }
  const float s = 0.5f;
  const double seconds = BestSeconds(reps, [&] {
    for (int pass = 0; pass < passes; ++pass) {
#pragma omp parallel for schedule(static)
      for (size_t i = 0; i < n; ++i) pa[i] = pb[i] + s * pc[i];
    }
  });
  if (pa[n / 2] != 2.0f) throw Error("bench_roofs: the triad computed a wrong value");
  return 12.0 * n * passes / seconds * 1e-9;
}

// GFLOP/s of `loop` (iterations, &flops) → sink on every thread at once, best of `reps`.
template <typename Loop>
double BestLoopGflops(int reps, long iterations, Loop loop) {
  double best = 0;
  float sink = 0;
  for (int r = 0; r <= reps; ++r) {  // the first pass warms up (clocks, dispatch)
    double flops = 0;
    const auto start = Clock::now();
    sink += loop(iterations, &flops);
    const double seconds = Seconds(start);
    if (r > 0) best = std::max(best, flops / seconds * 1e-9);
  }
  if (sink == 12345.0f) std::printf(" ");  // keeps the loop's result alive
  return best;
}

// The FMA peak: about 0.1 s a pass at 250 GFLOP/s a thread on AVX-512.
double FmaPeakGflops(int reps) { return BestLoopGflops(reps, 50000000, RunFmaLoopOnAllThreads); }

// The L1 kernel: a pass is about as many FLOPs as the FMA peak's on AVX-512 (64 steps of 24
// FMAs an iteration against 16 FMAs).
double L1KernelGflops(int reps) {
  return BestLoopGflops(reps, 500000, RunL1KernelLoopOnAllThreads);
}

struct Roof {
  int threads;
  double sgemm_gflops, highway_gflops, dram_gbs, cache_gbs, fma_gflops, l1_kernel_gflops;
  double peak_gflops() const { return std::max(sgemm_gflops, highway_gflops); }
  const char* peak_source() const {
    return sgemm_gflops >= highway_gflops ? "openblas sgemm" : "highway matmul";
  }
};

std::string ToJson(const std::vector<Roof>& roofs, const Caches& caches, int gemm_n,
                   size_t dram_floats, size_t cache_floats) {
  const std::vector<std::string> names = HighwayTargetNames();
  std::string targets;
  for (const std::string& t : names) targets += (targets.empty() ? "" : ", ") + JsonString(t);
  std::string out = "{\n  \"program\": \"bench_roofs\",\n";
  out += "  \"highway\": {\"supported\": [" + targets +
         "], \"chosen\": " + (names.empty() ? "null" : JsonString(names.front())) + "},\n";
#if GPT2_HAVE_OPENBLAS
  out +=
      "  \"openblas\": " +
      JsonString(std::string(openblas_get_config()) + " (core " + openblas_get_corename() + ")") +
      ",\n";
#endif
  out += "  \"threading\": " + JsonString(DescribeThreading()) + ",\n";
  out += "  \"pinning\": " + JsonString(DescribePinning()) + ",\n";
  out += "  \"caches_bytes\": {\"L1d\": " + std::to_string(caches.l1d) +
         ", \"L2\": " + std::to_string(caches.l2) + ", \"L3\": " + std::to_string(caches.l3) +
         "},\n  \"roofs\": [";
  for (size_t i = 0; i < roofs.size(); ++i) {
    const Roof& r = roofs[i];
    out += std::string(i ? "," : "") + "\n    {\"threads\": " + std::to_string(r.threads) +
           ", \"peak_gflops\": " + JsonNumber(r.peak_gflops()) +
           ", \"fma_peak_gflops\": " + JsonNumber(r.fma_gflops) +
           ", \"l1_kernel_gflops\": " + JsonNumber(r.l1_kernel_gflops) +
           ", \"peak_source\": " + JsonString(r.peak_source()) +
           ", \"sgemm_gflops\": " + JsonNumber(r.sgemm_gflops) +
           ", \"highway_gflops\": " + JsonNumber(r.highway_gflops) +
           ", \"gemm_n\": " + std::to_string(gemm_n) + ", \"dram_gbs\": " + JsonNumber(r.dram_gbs) +
           ", \"dram_array_mib\": " + JsonNumber(dram_floats * 4 / 1048576.0) +
           ", \"cache_gbs\": " + JsonNumber(r.cache_gbs) +
           ", \"cache_array_kib\": " + JsonNumber(cache_floats * 4 / 1024.0) + "}";
  }
  return out + "\n  ]\n}\n";
}

std::string ToCsv(const std::vector<Roof>& roofs) {
  std::string out =
      "threads,peak_gflops,peak_source,sgemm_gflops,highway_gflops,dram_gbs,cache_gbs,"
      "fma_peak_gflops,l1_kernel_gflops\n";
  for (const Roof& r : roofs) {
    out += std::to_string(r.threads) + "," + JsonNumber(r.peak_gflops()) + "," + r.peak_source() +
           "," + JsonNumber(r.sgemm_gflops) + "," + JsonNumber(r.highway_gflops) + "," +
           JsonNumber(r.dram_gbs) + "," + JsonNumber(r.cache_gbs) + "," + JsonNumber(r.fma_gflops) +
           "," + JsonNumber(r.l1_kernel_gflops) + "\n";
  }
  return out;
}

void Save(const std::string& path, const std::string& text) {
  SaveAtomically(path, [&](std::FILE* file) {
    if (std::fputs(text.c_str(), file) < 0) throw Error(path + ": cannot save: write failed");
  });
  std::printf("wrote %s\n", path.c_str());
}

int Run(int argc, char** argv) {
  int max_threads = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  int gemm_n = 2048, reps = 5, dram_mib = 0;
  std::string json, csv;
  Flags flags("bench_roofs",
              "Measures the machine's roofs at 1..--threads threads: peak fp32 GFLOP/s (best of\n"
              "OpenBLAS sgemm and the highway matmul on an n×n×n problem), STREAM-triad\n"
              "bandwidth from DRAM and from L2, the FMA peak, and the L1 kernel: the highway\n"
              "GEMM's register kernel on operands that stay in L1, the ceiling of any GEMM built\n"
              "on it.");
  flags.Int("--threads", &max_threads, "measure at 1, 2, ... up to this many threads");
  flags.Int("--gemm-n", &gemm_n, "the GEMM's size n", 64);
  flags.Int("--reps", &reps, "timed repetitions of each measurement (the best is kept)");
  flags.Int("--dram-mib", &dram_mib,
            "MiB per triad array (default: 4x the last-level cache, 256 MiB to 1 GiB)", 0);
  flags.String("--json", &json, "write the roofs here as JSON (atomically)");
  flags.String("--csv", &csv, "write the roofs here as CSV (atomically)");
  if (!flags.Parse(argc, argv)) return 0;
  if (const char* env = std::getenv("GPT2_HWY_TARGET"); env && *env) {
    SelectHighwayTarget(env, "GPT2_HWY_TARGET");
  }

  const Caches caches = ReadCaches();
  const long llc = caches.l3 > 0 ? caches.l3 : caches.l2;
  const size_t dram_bytes =
      dram_mib > 0 ? size_t(dram_mib) << 20
                   : std::clamp<size_t>(4 * size_t(std::max(llc, 0L)), 256u << 20, 1u << 30);
  const size_t dram_floats = dram_bytes / 4;
  std::printf("caches: L1d %ld KiB, L2 %ld KiB, L3 %ld KiB\nsimd: %s\npinning: %s\n",
              caches.l1d >> 10, caches.l2 >> 10, caches.l3 >> 10, DescribeHighway().c_str(),
              DescribePinning().c_str());
  std::printf(
      "GEMM %d×%d×%d; triad over 3 arrays of %.0f MiB (DRAM) and of a quarter of L2 per "
      "thread (cache); best of %d\n\n",
      gemm_n, gemm_n, gemm_n, dram_bytes / 1048576.0, reps);
  std::printf("%7s %12s %12s %12s %12s %12s %12s %12s\n", "threads", "peak GFLOP/s", "sgemm",
              "highway", "DRAM GB/s", "L2 GB/s", "FMA GFLOP/s", "L1 kernel");
  std::fflush(stdout);

  SquareGemm gemm(gemm_n);
  std::vector<Roof> roofs;
  size_t cache_floats = 0;
  for (int t = 1; t <= max_threads; ++t) {
    SetThreads(t);
    Roof r{t, gemm.SgemmGflops(reps), gemm.HighwayGflops(reps), 0, 0, 0, 0};
    r.dram_gbs = TriadGbs(dram_floats, 1, reps);
    // Three arrays in a quarter of each thread's L2 each (3/4 of L2 in all): they stay in L2.
    const long l2 = caches.l2 > 0 ? caches.l2 : 256 << 10;
    cache_floats = size_t(t) * (l2 / 4) / 4;
    r.cache_gbs = TriadGbs(cache_floats, 200, reps);
    r.fma_gflops = FmaPeakGflops(reps);
    r.l1_kernel_gflops = L1KernelGflops(reps);
    roofs.push_back(r);
    std::printf("%7d %12.1f %12.1f %12.1f %12.1f %12.1f %12.1f %12.1f\n", t, r.peak_gflops(),
                r.sgemm_gflops, r.highway_gflops, r.dram_gbs, r.cache_gbs, r.fma_gflops,
                r.l1_kernel_gflops);
    // Nothing can outrun the FMA units: a GEMM above the burst means the burst is not measuring
    // them on this CPU (as when its accumulators spilled to the stack on 16-register targets),
    // and every fraction of it would read too high.
    const double fastest = std::max({r.sgemm_gflops, r.highway_gflops, r.l1_kernel_gflops});
    if (fastest > 1.03 * r.fma_gflops) {
      std::printf(
          "warning: with %d thread(s) a GEMM ran %.1f GFLOP/s, above the FMA burst's %.1f: "
          "the FMA peak reads low on this CPU (bench/fma_peak.cc)\n",
          t, fastest, r.fma_gflops);
    }
    std::fflush(stdout);
  }
  SetThreads(max_threads);  // the JSON's threading line describes the largest count
  if (!json.empty()) Save(json, ToJson(roofs, caches, gemm_n, dram_floats, cache_floats));
  if (!csv.empty()) Save(csv, ToCsv(roofs));
  return 0;
}

}  // namespace
}  // namespace gpt2

int main(int argc, char** argv) { return gpt2::RunGuarded("bench_roofs", gpt2::Run, argc, argv); }
