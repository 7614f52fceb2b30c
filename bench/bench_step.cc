// bench_step: full training steps (forward, backward, AdamW) of GPT-2 with any kernel table,
// after warm-up: median, min and max step time, tokens/s, peak RSS, and where the time goes.
//
// The breakdown comes from a second run of the same steps with every kernel call timed
// (kernels/kernel_timing.h); "other" is the step time no kernel accounts for (zeroing the
// gradients, the batch copy, the loss mean). The timers' own cost is measured, not assumed: it is
// the difference between the timed and untimed runs' medians, and is printed.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "gpt2/dataloader.h"
#include "gpt2/file_io.h"
#include "gpt2/flags.h"
#include "gpt2/init.h"
#include "gpt2/main_guard.h"
#include "gpt2/model.h"
#include "gpt2/run_options.h"
#include "gpt2/synthetic_data.h"
#include "kernels/error.h"
#include "kernels/highway_targets.h"
#include "kernels/kernel_timing.h"
#include "kernels/threading.h"

namespace gpt2 {
namespace {

struct Stats {
  double median, min, max;
};

Stats Summarise(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  const size_t n = ms.size();
  const double median = n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
  return {median, ms.front(), ms.back()};
}

// Runs `steps` training steps and returns each one's milliseconds.
std::vector<double> TimeSteps(GPT2& model, const KernelSet& kernels, DataLoader& data, int steps,
                              int* step_counter) {
  std::vector<double> ms;
  for (int i = 0; i < steps; ++i) {
    const auto start = std::chrono::steady_clock::now();
    data.NextBatch();
    model.Forward(kernels, data.inputs(), data.targets());
    model.ZeroGrad();
    model.Backward(kernels);
    model.Update(kernels, AdamwConfig{}, ++*step_counter);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  return ms;
}

double PeakRssMib() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;  // Linux reports KiB
}

int Run(int argc, char** argv) {
  std::string model_spec = "d12", json;
  int B = 4, T = 64, steps = 10, warmup = 2;
  RunOptions run;
  Flags flags("bench_step",
              "Times full GPT-2 training steps (forward, backward, AdamW) on synthetic tokens and\n"
              "breaks the step down by kernel.");
  flags.String("--model", &model_spec, "d12|d24|d36|d48 or L=..,C=..,NH=..,V=..,maxT=..");
  flags.Int("-B", &B, "sequences per batch");
  flags.Int("-T", &T, "tokens per sequence");
  flags.Int("--steps", &steps, "timed steps (each run: untimed kernels, then timed kernels)");
  flags.Int("--warmup", &warmup, "untimed steps first (first-touch, caches, scratch)", 0);
  flags.String("--json", &json, "write the results here (atomically)");
  AddRunFlags(flags, &run);
  if (!flags.Parse(argc, argv)) return 0;
  if (run.list_kernels) {
    std::fputs(ListKernels().c_str(), stdout);
    return 0;
  }
  const KernelSet kernels = ResolveKernels(run);
  const GPT2Config config = ParseModelSpec(model_spec, "--model");
  if (T > config.max_seq_len) {
    throw Error("bad value '" + std::to_string(T) + "' for -T: the model's maxT is " +
                std::to_string(config.max_seq_len));
  }
  const int threads = ApplyRunOptions(run);
  GPT2 model(config, B, T);
  InitRandom(model, 1337);
  DataLoader data(SyntheticTokens(1337, 0, config.vocab_size, static_cast<size_t>(B) * T * 64 + 1),
                  "synthetic", B, T);
  std::printf("model: GPT-2 %s, B=%d T=%d\nthreads: %s\nsimd: %s\n%s",
              DescribeConfig(config).c_str(), B, T, DescribeThreading().c_str(),
              DescribeHighway().c_str(), kernels.Describe().c_str());
  std::fflush(stdout);

  int step = 0;
  std::printf("warm-up: %d steps\n", warmup);
  TimeSteps(model, kernels, data, warmup, &step);
  std::printf("timing: %d steps\n", steps);
  std::fflush(stdout);
  const Stats plain = Summarise(TimeSteps(model, kernels, data, steps, &step));
  ResetKernelTimes();
  std::printf("breakdown: %d steps with every kernel call timed\n", steps);
  std::fflush(stdout);
  const Stats timed = Summarise(TimeSteps(model, Instrument(kernels), data, steps, &step));
  const KernelTimes seconds = KernelSeconds();
  const auto calls = KernelCalls();

  const double tokens = static_cast<double>(B) * T;
  const MemoryUsage memory = model.memory();
  std::printf("\nstep: median %.1f ms (min %.1f, max %.1f), %.0f tokens/s, %d threads\n",
              plain.median, plain.min, plain.max, tokens / plain.median * 1000, threads);
  std::printf("peak RSS %.1f MiB; parameters + gradients + AdamW state + activations %.1f MiB\n",
              PeakRssMib(), memory.Total() / 1048576.0);
  std::printf(
      "timer overhead: %.1f ms a step (%.1f%%), the timed run's median minus the plain one\n",
      timed.median - plain.median, 100 * (timed.median - plain.median) / plain.median);
  std::printf("\n%-30s %-9s %10s %7s %6s\n", "kernel", "family", "ms/step", "share", "calls");
  double accounted = 0;
  std::string json_kernels;
  for (int id = 0; id < kNumKernels; ++id) {
    const double ms = seconds[id] * 1000 / steps;
    accounted += ms;
    std::printf("%-30s %-9s %10.2f %6.1f%% %6ld\n", kKernelInfo[id].name,
                kernels.fallback[id] ? "naive" : kernels.family[id].c_str(), ms,
                100 * ms / timed.median, calls[id] / steps);
    json_kernels += std::string(id ? "," : "") + "\n    {\"kernel\": \"" + kKernelInfo[id].name +
                    "\", \"ms_per_step\": " + std::to_string(ms) + "}";
  }
  std::printf("%-30s %-9s %10.2f %6.1f%%\n", "other", "", timed.median - accounted,
              100 * (timed.median - accounted) / timed.median);

  if (!json.empty()) {
    const std::string out =
        "{\n  \"program\": \"bench_step\",\n  \"model\": \"" + DescribeConfig(config) +
        "\",\n  \"B\": " + std::to_string(B) + ", \"T\": " + std::to_string(T) +
        ",\n  \"threads\": " + std::to_string(threads) + ",\n  \"kernels\": \"" +
        kernels.Summary() + "\",\n  \"step_ms\": {\"median\": " + std::to_string(plain.median) +
        ", \"min\": " + std::to_string(plain.min) + ", \"max\": " + std::to_string(plain.max) +
        "},\n  \"tokens_per_s\": " + std::to_string(tokens / plain.median * 1000) +
        ",\n  \"peak_rss_mib\": " + std::to_string(PeakRssMib()) +
        ",\n  \"timed_step_ms_median\": " + std::to_string(timed.median) + ",\n  \"breakdown\": [" +
        json_kernels + "\n  ]\n}\n";
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
