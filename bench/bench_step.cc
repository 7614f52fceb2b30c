// bench_step: full training steps (forward, backward, AdamW) of GPT-2 with any kernel table,
// after warm-up: median, min and max step time, tokens/s, peak RSS, achieved GFLOP/s, the
// fraction of the roofline's time for the step, and where the time goes.
//
// The breakdown comes from a second run of the same steps with every kernel call timed
// (kernels/kernel_timing.h); "other" is the step time no kernel accounts for (zeroing the
// gradients, the batch copy, the loss mean). The timers' own cost is measured, not assumed: it is
// the difference between the timed and untimed runs' medians, and is printed. The same run adds
// up every call's FLOPs and bytes (kernels/kernel_costs.cc); with the machine's roofs
// (--peak-gflops, --peak-gbs, from bench_roofs) each kernel's roofline time is the slower of its
// FLOPs at peak and its bytes at DRAM bandwidth, and the step's is their sum. On a shared machine
// whose speed drifts, --paired-peak measures the compute roof beside every timed step instead
// (bench/fma_peak.h) and gives each step's time over its own spell's roofline.
//
// A second, whole-step roofline is issue 9's definition: all the step's FLOPs at the compute roof
// plus the bytes of one AdamW pass over every parameter at the DRAM roof, whichever kernels did
// the work. The per-kernel sum credits a fusion for what it saves (AdamW inside a compute-bound
// GEMM costs it nothing); this one does not. It ignores the other kernels' bytes, so a tiny
// model whose activations are memory-bound can sit below the per-kernel one; at GPT-2's sizes,
// where the GEMMs dominate, it is the larger (at d12 AdamW's 4 GB come on top).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/fma_peak.h"
#include "gpt2/auto_tune.h"
#include "gpt2/dataloader.h"
#include "gpt2/file_io.h"
#include "gpt2/flags.h"
#include "gpt2/init.h"
#include "gpt2/json_text.h"
#include "gpt2/main_guard.h"
#include "gpt2/median.h"
#include "gpt2/model.h"
#include "gpt2/run_options.h"
#include "gpt2/synthetic_data.h"
#include "kernels/error.h"
#include "kernels/highway_targets.h"
#include "kernels/kernel_costs.h"
#include "kernels/kernel_timing.h"
#include "kernels/threading.h"

namespace gpt2 {
namespace {

struct Stats {
  double median, min, max;
};

Stats Summarise(const std::vector<double>& ms) {
  return {Median(ms), *std::min_element(ms.begin(), ms.end()),
          *std::max_element(ms.begin(), ms.end())};
}

std::string StatsJson(const Stats& s) {
  return "{\"median\": " + JsonNumber(s.median) + ", \"min\": " + JsonNumber(s.min) +
         ", \"max\": " + JsonNumber(s.max) + "}";
}

// Runs `steps` training steps and returns each one's milliseconds; appends each loss to `losses`.
// With `paired_gflops`, an FMA burst as long as each step follows it, untimed, and its GFLOP/s
// is appended there.
std::vector<double> TimeSteps(GPT2& model, const KernelSet& kernels, DataLoader& data, int steps,
                              bool fuse_grad_reset, int* step_counter, std::vector<float>* losses,
                              std::vector<double>* paired_gflops = nullptr) {
  std::vector<double> ms;
  FmaBurst burst;
  for (int i = 0; i < steps; ++i) {
    const auto start = std::chrono::steady_clock::now();
    data.NextBatch();
    model.Forward(kernels, data.inputs(), data.targets());
    model.ZeroGrad();
    model.BackwardAndUpdate(kernels, AdamwConfig{}, ++*step_counter, fuse_grad_reset);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
    losses->push_back(model.mean_loss());
    if (paired_gflops) paired_gflops->push_back(burst.RunAsLongAs(ms.back() / 1000));
  }
  return ms;
}

// The step's roofline in ms at `peak_gflops`: each kernel's slower of FLOPs and bytes, summed.
double RooflineMs(const KernelCost (&work)[kNumKernels], double peak_gflops, double peak_gbs) {
  double ms = 0;
  for (const KernelCost& w : work) ms += 1000 * RooflineSeconds(w, peak_gflops, peak_gbs);
  return ms;
}

// The bytes one AdamW pass with the gradient reset moves over `params` parameters.
double AdamwPassBytes(size_t params) {
  return KernelCosts()
      .adamw_update(nullptr, nullptr, nullptr, nullptr, params, 0, 0, 0, 0, 0, 0, true)
      .bytes;
}

// The whole step's roofline in ms: its FLOPs at `peak_gflops` plus AdamW's bytes at `peak_gbs`.
double WholeStepRooflineMs(double flops, double adamw_bytes, double peak_gflops, double peak_gbs) {
  return 1000 * (flops / (peak_gflops * 1e9) + adamw_bytes / (peak_gbs * 1e9));
}

double PeakRssMib() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;  // Linux reports KiB
}

struct Breakdown {
  double ms[kNumKernels];  // per step
  long calls[kNumKernels];
  KernelCost work[kNumKernels];
  double roofline_ms[kNumKernels];  // 0 without roofs
  double kernel_ms = 0, flops = 0, roofline_total_ms = 0;
};

Breakdown PerStep(int steps, float peak_gflops, float peak_gbs) {
  Breakdown b{};
  const KernelTimes seconds = KernelSeconds();
  const auto calls = KernelCalls();
  const auto work = KernelWork();
  for (int id = 0; id < kNumKernels; ++id) {
    b.ms[id] = seconds[id] * 1000 / steps;
    b.calls[id] = calls[id] / steps;
    b.work[id] = {work[id].flops / steps, work[id].bytes / steps};
    b.roofline_ms[id] =
        peak_gflops > 0 ? 1000 * RooflineSeconds(b.work[id], peak_gflops, peak_gbs) : 0;
    b.kernel_ms += b.ms[id];
    b.flops += b.work[id].flops;
    b.roofline_total_ms += b.roofline_ms[id];
  }
  return b;
}

int Run(int argc, char** argv) {
  std::string model_spec = "d12", json, label;
  int B = 4, T = 64, steps = 10, warmup = 2;
  float peak_gflops = 0, peak_gbs = 0;
  bool paired_peak = false;
  RunOptions run;
  Flags flags("bench_step",
              "Times full GPT-2 training steps (forward, backward, AdamW) on synthetic tokens and\n"
              "breaks the step down by kernel.");
  flags.String("--model", &model_spec, "d12|d24|d36|d48 or L=..,C=..,NH=..,V=..,maxT=..");
  flags.Int("-B", &B, "sequences per batch");
  flags.Int("-T", &T, "tokens per sequence");
  flags.Int("--steps", &steps, "timed steps (each run: untimed kernels, then timed kernels)");
  flags.Int("--warmup", &warmup, "untimed steps first (first-touch, caches, scratch)", 0);
  flags.Float("--peak-gflops", &peak_gflops, "the machine's peak GFLOP/s at these threads");
  flags.Float("--peak-gbs", &peak_gbs, "its DRAM bandwidth, GB/s (with --peak-gflops: roofline)");
  flags.Bool("--paired-peak", &paired_peak,
             "instead of --peak-gflops, measure the FMA peak in an untimed burst after every timed "
             "step, as long as the step, and give each step's time over the roofline at its own "
             "burst's peak (needs --peak-gbs; doubles the timed run)");
  flags.String("--json", &json, "write the results here (atomically)");
  flags.String("--label", &label, "the run's name in --json (default: the --kernels value)");
  AddRunFlags(flags, &run);
  if (!flags.Parse(argc, argv)) return 0;
  if (run.list_kernels) {
    std::fputs(ListKernels().c_str(), stdout);
    return 0;
  }
  if (paired_peak) {
    if (peak_gflops != 0) throw Error("--paired-peak measures the peak: drop --peak-gflops");
    if (peak_gbs <= 0) throw Error("--paired-peak needs --peak-gbs (bench_roofs' DRAM triad)");
  } else if (peak_gflops < 0 || peak_gbs < 0 || (peak_gflops > 0) != (peak_gbs > 0)) {
    throw Error("--peak-gflops and --peak-gbs go together and must be positive");
  }
  KernelSet kernels = ResolveKernels(run);  // checks the flags; auto is resolved below
  const GPT2Config config = ParseModelSpec(model_spec, "--model");
  if (T > config.max_seq_len) {
    throw Error("bad value '" + std::to_string(T) + "' for -T: the model's maxT is " +
                std::to_string(config.max_seq_len));
  }
  const int threads = ApplyRunOptions(run);
  GPT2 model(config, B, T);
  ApplyFusions(run, model);
  InitRandom(model, 1337);
  DataLoader data(SyntheticTokens(1337, 0, config.vocab_size, static_cast<size_t>(B) * T * 64 + 1),
                  "synthetic", B, T);
  if (IsAutoKernels(run)) {
    const KernelSpec tuned = AutoTuneKernels(model, data, threads, {run.tune_cache, run.retune});
    kernels = ResolveKernels(run, &tuned);
  }
  const bool fuse_grad_reset = !run.separate_grad_reset;
  std::printf("model: GPT-2 %s, B=%d T=%d\nthreads: %s\npinning: %s\nsimd: %s\n%s",
              DescribeConfig(config).c_str(), B, T, DescribeThreading().c_str(),
              DescribePinning().c_str(), DescribeHighway().c_str(), kernels.Describe().c_str());
  std::printf("fusions: %s\n", DescribeFusions(run).c_str());
  std::fflush(stdout);

  int step = 0;
  std::vector<float> losses;
  std::printf("warm-up: %d steps\n", warmup);
  std::fflush(stdout);
  TimeSteps(model, kernels, data, warmup, fuse_grad_reset, &step, &losses);
  std::printf("timing: %d steps\n", steps);
  std::fflush(stdout);
  std::vector<double> paired_gflops;
  const std::vector<double> plain_ms =
      TimeSteps(model, kernels, data, steps, fuse_grad_reset, &step, &losses,
                paired_peak ? &paired_gflops : nullptr);
  const Stats plain = Summarise(plain_ms);
  // With --paired-peak the breakdown's rooflines use the bursts' median peak.
  const Stats paired = paired_peak ? Summarise(paired_gflops) : Stats{};
  if (paired_peak) peak_gflops = static_cast<float>(paired.median);
  ResetKernelTimes();
  std::printf("breakdown: %d steps with every kernel call timed\n", steps);
  std::fflush(stdout);
  const Stats timed = Summarise(
      TimeSteps(model, Instrument(kernels), data, steps, fuse_grad_reset, &step, &losses));
  const Breakdown b = PerStep(steps, peak_gflops, peak_gbs);

  const double tokens = static_cast<double>(B) * T;
  const double gflops = b.flops / (plain.median * 1e6);
  const double overhead_ms = timed.median - plain.median, other_ms = timed.median - b.kernel_ms;
  const bool roofs = peak_gflops > 0;
  std::printf("\nstep: median %.1f ms (min %.1f, max %.1f), %.0f tokens/s, %d threads\n",
              plain.median, plain.min, plain.max, tokens / plain.median * 1000, threads);
  std::printf("work: %.1f GFLOP a step, %.1f GFLOP/s achieved\n", b.flops * 1e-9, gflops);
  if (roofs) {
    std::printf(
        "roofline: %.1f ms a step at %.1f GFLOP/s and %.1f GB/s; the step takes %.1fx that "
        "(%.0f%% of the roofline's speed)\n",
        b.roofline_total_ms, peak_gflops, peak_gbs, plain.median / b.roofline_total_ms,
        100 * b.roofline_total_ms / plain.median);
  }
  const double adamw_bytes = AdamwPassBytes(model.num_parameters());
  const double step_roofline_ms =
      roofs ? WholeStepRooflineMs(b.flops, adamw_bytes, peak_gflops, peak_gbs) : 0;
  if (roofs) {
    std::printf(
        "roofline, whole step: %.1f ms a step, its %.2f GFLOP at %.1f GFLOP/s plus one AdamW "
        "pass's %.2f GB at %.1f GB/s; the step takes %.2fx that\n",
        step_roofline_ms, b.flops * 1e-9, peak_gflops, adamw_bytes * 1e-9, peak_gbs,
        plain.median / step_roofline_ms);
  }
  Stats paired_ratio{}, paired_step_ratio{};
  if (paired_peak) {
    std::vector<double> ratios, step_ratios;
    for (size_t i = 0; i < plain_ms.size(); ++i) {
      ratios.push_back(plain_ms[i] / RooflineMs(b.work, paired_gflops[i], peak_gbs));
      step_ratios.push_back(plain_ms[i] /
                            WholeStepRooflineMs(b.flops, adamw_bytes, paired_gflops[i], peak_gbs));
    }
    paired_ratio = Summarise(ratios);
    paired_step_ratio = Summarise(step_ratios);
    std::printf(
        "paired peak: median %.1f GFLOP/s (min %.1f, max %.1f) in the bursts after the steps "
        "(the roofline lines use the median); each step over the roofline at its own burst's "
        "peak: median %.2fx (min %.2f, max %.2f); over the whole-step roofline: median %.2fx "
        "(min %.2f, max %.2f)\n",
        paired.median, paired.min, paired.max, paired_ratio.median, paired_ratio.min,
        paired_ratio.max, paired_step_ratio.median, paired_step_ratio.min, paired_step_ratio.max);
  }
  if (roofs && plain.median < b.roofline_total_ms) {
    std::printf(
        "warning: the step ran faster than its roofline: the roofs were measured in a slower "
        "spell than this run, or its data sat in cache (run bench_roofs again, or give "
        "--paired-peak)\n");
  }
  const double model_mib = model.memory().Total() / 1048576.0;
  std::printf(
      "peak RSS %.1f MiB; parameters + gradients + AdamW state + activations %.1f MiB (%+.1f%%)\n",
      PeakRssMib(), model_mib, 100 * (PeakRssMib() / model_mib - 1));
  std::printf(
      "timer overhead: %.1f ms a step (%.1f%%), the timed run's median minus the plain one\n",
      overhead_ms, 100 * overhead_ms / plain.median);
  std::printf("\n%-30s %-9s %10s %7s %6s %9s %11s\n", "kernel", "family", "ms/step", "share",
              "calls", "GFLOP/s", "roofline ms");
  std::string json_kernels;
  for (int id = 0; id < kNumKernels; ++id) {
    const std::string family = kernels.fallback[id] ? "naive" : kernels.family[id];
    std::printf("%-30s %-9s %10.2f %6.1f%% %6ld %9.1f %11.2f\n", kKernelInfo[id].name,
                family.c_str(), b.ms[id], 100 * b.ms[id] / timed.median, b.calls[id],
                b.ms[id] > 0 ? b.work[id].flops / (b.ms[id] * 1e6) : 0.0, b.roofline_ms[id]);
    json_kernels += std::string(id ? "," : "") + "\n    {\"kernel\": \"" + kKernelInfo[id].name +
                    "\", \"family\": " + JsonString(family) +
                    ", \"ms_per_step\": " + JsonNumber(b.ms[id]) +
                    ", \"calls_per_step\": " + std::to_string(b.calls[id]) +
                    ", \"gflop_per_step\": " + JsonNumber(b.work[id].flops * 1e-9) +
                    ", \"gb_per_step\": " + JsonNumber(b.work[id].bytes * 1e-9) +
                    ", \"roofline_ms\": " + (roofs ? JsonNumber(b.roofline_ms[id]) : "null") + "}";
  }
  std::printf("%-30s %-9s %10.2f %6.1f%%\n", "other", "", other_ms, 100 * other_ms / timed.median);

  if (!json.empty()) {
    std::string losses_text;
    for (size_t i = 0; i < losses.size(); ++i) {
      losses_text += (i ? ", " : "") + JsonNumber(losses[i]);
    }
    std::string family = label;
    if (family.empty())
      family = run.family.empty() || !run.overrides.empty() ? kernels.Summary() : run.family;
    const std::string out =
        "{\n  \"program\": \"bench_step\",\n  \"model\": " + JsonString(DescribeConfig(config)) +
        ",\n  \"B\": " + std::to_string(B) + ", \"T\": " + std::to_string(T) +
        ",\n  \"family\": " + JsonString(family) +
        ",\n  \"kernels\": " + JsonString(kernels.Summary()) +
        ",\n  \"fusions\": " + FusionsJson(run) + ",\n  \"threads\": " + std::to_string(threads) +
        ",\n  \"pinning\": " + JsonString(DescribePinning()) +
        ",\n  \"simd\": " + JsonString(DescribeHighway()) +
        ",\n  \"steps\": " + std::to_string(steps) + ",\n  \"step_ms\": " + StatsJson(plain) +
        ",\n  \"tokens_per_s\": " + JsonNumber(tokens / plain.median * 1000) +
        ",\n  \"peak_rss_mib\": " + JsonNumber(PeakRssMib()) +
        ",\n  \"gflop_per_step\": " + JsonNumber(b.flops * 1e-9) +
        ",\n  \"gflops\": " + JsonNumber(gflops) +
        ",\n  \"roofline_ms\": " + (roofs ? JsonNumber(b.roofline_total_ms) : "null") +
        ",\n  \"roofline_fraction\": " +
        (roofs ? JsonNumber(b.roofline_total_ms / plain.median) : "null") +
        ",\n  \"paired_fma_gflops\": " + (paired_peak ? StatsJson(paired) : "null") +
        ",\n  \"paired_roofline_ratio\": " + (paired_peak ? StatsJson(paired_ratio) : "null") +
        ",\n  \"adamw_pass_gb\": " + JsonNumber(adamw_bytes * 1e-9) +
        ",\n  \"step_roofline_ms\": " + (roofs ? JsonNumber(step_roofline_ms) : "null") +
        ",\n  \"step_roofline_fraction\": " +
        (roofs ? JsonNumber(step_roofline_ms / plain.median) : "null") +
        ",\n  \"paired_step_roofline_ratio\": " +
        (paired_peak ? StatsJson(paired_step_ratio) : "null") +
        ",\n  \"timed_step_ms_median\": " + JsonNumber(timed.median) +
        ",\n  \"timer_overhead_ms\": " + JsonNumber(overhead_ms) +
        ",\n  \"other_ms\": " + JsonNumber(other_ms) + ",\n  \"losses\": [" + losses_text +
        "],\n  \"breakdown\": [" + json_kernels + "\n  ]\n}\n";
    SaveAtomically(json, [&](std::FILE* file) {
      if (std::fputs(out.c_str(), file) < 0) throw Error(json + ": cannot save: write failed");
    });
    std::printf("\nwrote %s\n", json.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace gpt2

int main(int argc, char** argv) { return gpt2::RunGuarded("bench_step", gpt2::Run, argc, argv); }
