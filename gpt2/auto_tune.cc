#include "gpt2/auto_tune.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <vector>

#include "gpt2/file_io.h"
#include "gpt2/median.h"
#include "kernels/error.h"
#include "kernels/highway_targets.h"
#include "kernels/kernel_timing.h"
#include "kernels/registry.h"

namespace gpt2 {
namespace {

// Variants slower than this multiple of the best at screening are not timed further.
constexpr double kScreenRatio = 2.0;
constexpr double kNotTimed = std::numeric_limits<double>::infinity();

std::string CpuModel() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown CPU";
}

std::string CacheKey(const GPT2& model, int threads) {
  const GPT2Config& c = model.config();
  std::string families;
  for (const KernelFamily& f : Registry::Get().families()) {
    families += (families.empty() ? "" : ",") + f.name;
  }
  return "cpu=" + CpuModel() + "; simd=" + DescribeHighway() +
         "; threads=" + std::to_string(threads) + "; B=" + std::to_string(model.B()) +
         "; T=" + std::to_string(model.T()) + "; model=L" + std::to_string(c.num_layers) + ",C" +
         std::to_string(c.channels) + ",NH" + std::to_string(c.num_heads) + ",V" +
         std::to_string(c.vocab_size) + "; families=" + families +
         // the fused and the unfused forward call different kernels, so each is tuned apart
         (model.fuse_residual_layernorm() ? "; residual_layernorm=fused" : "") +
         (model.fuse_matmul_gelu() ? "; matmul_gelu=fused" : "") +
         (model.fuse_softmax_crossentropy() ? "; softmax_crossentropy=fused" : "") +
         (model.fuse_matmul_adamw() ? "; matmul_adamw=fused" : "");
}

// The cache file's lines, "KEY\tkernel=family,kernel=family,...".
std::vector<std::string> ReadCacheLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// The cached spec for `key`, or false if absent or naming a kernel or family this build lacks.
bool FindCachedSpec(const std::vector<std::string>& lines, const std::string& key,
                    KernelSpec* spec) {
  for (const std::string& line : lines) {
    if (line.size() <= key.size() || line.compare(0, key.size(), key) != 0 ||
        line[key.size()] != '\t') {
      continue;
    }
    KernelSpec found{"naive", {}};
    std::stringstream choices(line.substr(key.size() + 1));
    for (std::string item; std::getline(choices, item, ',');) {
      const size_t eq = item.find('=');
      if (eq == std::string::npos || FindKernel(item.substr(0, eq)) < 0 ||
          Registry::Get().Find(item.substr(eq + 1)) == nullptr) {
        return false;
      }
      found.overrides.push_back(item);
    }
    if (found.overrides.size() != static_cast<size_t>(kNumKernels)) return false;
    *spec = found;
    return true;
  }
  return false;
}

void MakeParentDirectories(const std::string& path) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    mkdir(path.substr(0, slash).c_str(), 0755);  // failures surface when the file is saved
  }
}

void SaveCachedSpec(const std::string& path, const std::string& key, const KernelSpec& spec) {
  std::vector<std::string> lines;
  for (const std::string& line : ReadCacheLines(path)) {
    if (line.compare(0, key.size() + 1, key + "\t") != 0) lines.push_back(line);
  }
  std::string choices;
  for (const std::string& item : spec.overrides) choices += (choices.empty() ? "" : ",") + item;
  lines.push_back(key + "\t" + choices);
  try {
    MakeParentDirectories(path);
    SaveAtomically(path, [&](std::FILE* file) {
      for (const std::string& line : lines) {
        if (std::fprintf(file, "%s\n", line.c_str()) < 0) throw Error(path + ": write failed");
      }
    });
    std::printf("auto: saved the choice to %s\n", path.c_str());
  } catch (const Error& e) {
    std::fprintf(stderr, "warning: cannot cache the auto kernel choice: %s\n", e.what());
  }
}

// One instrumented training step at learning rate 0; returns each kernel's seconds in it.
KernelTimes TimedStep(GPT2& model, DataLoader& data, const KernelSet& kernels) {
  static const AdamwConfig kNoChange = [] {
    AdamwConfig config;
    config.lr = 0.0f;
    return config;
  }();
  const KernelSet timed = Instrument(kernels);
  ResetKernelTimes();
  data.NextBatch();
  model.Forward(timed, data.inputs(), data.targets());
  model.ZeroGrad();
  model.BackwardAndUpdate(timed, kNoChange, 1);
  return KernelSeconds();
}

}  // namespace

std::string DefaultAutoTuneCachePath() {
  if (const char* path = std::getenv("GPT2_TUNE_CACHE"); path != nullptr && *path != '\0') {
    return path;
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg == '/') {
    return std::string(xdg) + "/gpt2-kernels/auto_kernels.txt";
  }
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr && *home != '\0' ? home : "/tmp") +
         "/.cache/gpt2-kernels/auto_kernels.txt";
}

KernelSpec AutoTuneKernels(GPT2& model, DataLoader& data, int threads,
                           const AutoTuneOptions& options) {
  const std::string path =
      options.cache_path.empty() ? DefaultAutoTuneCachePath() : options.cache_path;
  const std::string key = CacheKey(model, threads);
  KernelSpec spec;
  if (!options.retune && FindCachedSpec(ReadCacheLines(path), key, &spec)) {
    std::printf("auto: kernel choice from %s (give --retune to time again)\n", path.c_str());
    return spec;
  }

  const auto& families = Registry::Get().families();
  const size_t F = families.size();
  std::printf("auto: timing %zu families' kernels in training steps at B=%d T=%d, %d thread%s\n", F,
              model.B(), model.T(), threads, threads == 1 ? "" : "s");
  // seconds[f][k]: family f's kernel k per step; screen at one step, then the median of reps.
  std::vector<std::array<double, kNumKernels>> screen(F), timed(F);
  std::vector<KernelSet> sets(F);
  std::array<long, kNumKernels> calls{};  // per step; the same whatever the family
  for (size_t f = 0; f < F; ++f) {
    sets[f] = KernelSet::Resolve({families[f].name, {}});
    const auto start = std::chrono::steady_clock::now();
    const KernelTimes seconds = TimedStep(model, data, sets[f]);
    calls = KernelCalls();
    for (int k = 0; k < kNumKernels; ++k) {
      screen[f][k] = sets[f].fallback[k] ? kNotTimed : seconds[k];
      timed[f][k] = kNotTimed;
    }
    std::printf("auto: screened %-9s one step, %.2f s\n", families[f].name.c_str(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    std::fflush(stdout);
  }

  // contenders[k]: the families worth timing for kernel k, fastest at screening first.
  std::array<std::vector<size_t>, kNumKernels> contenders;
  size_t rounds = 0;
  for (int k = 0; k < kNumKernels; ++k) {
    double best = kNotTimed;
    for (size_t f = 0; f < F; ++f) best = std::min(best, screen[f][k]);
    for (size_t f = 0; f < F; ++f) {
      if (screen[f][k] <= kScreenRatio * best) contenders[k].push_back(f);
    }
    std::sort(contenders[k].begin(), contenders[k].end(),
              [&](size_t a, size_t b) { return screen[a][k] < screen[b][k]; });
    rounds = std::max(rounds, contenders[k].size());
  }
  // Round r runs every kernel's r-th contender (or its last), so each contender is timed in
  // `reps` steps while the rest of the step runs fast kernels.
  for (size_t r = 0; r < rounds; ++r) {
    KernelSpec round_spec{"naive", {}};
    for (int k = 0; k < kNumKernels; ++k) {
      const size_t f = contenders[k][std::min(r, contenders[k].size() - 1)];
      round_spec.overrides.push_back(std::string(kKernelInfo[k].name) + "=" + families[f].name);
    }
    const KernelSet set = KernelSet::Resolve(round_spec);
    std::vector<std::array<double, kNumKernels>> samples;
    for (int rep = 0; rep < options.reps; ++rep) samples.push_back(TimedStep(model, data, set));
    for (int k = 0; k < kNumKernels; ++k) {
      if (r >= contenders[k].size()) continue;
      std::vector<double> per_step;
      for (const auto& s : samples) per_step.push_back(s[k]);
      timed[contenders[k][r]][k] = Median(per_step);
    }
  }
  std::printf("auto: timed %zu round%s of %d steps\n", rounds, rounds == 1 ? "" : "s",
              options.reps);

  // The choice and the table: ms per step; "-" not in the family, ">" screened out.
  std::printf(
      "\nauto kernel choice (ms per step: median of %d timed steps; '>x': screened out at "
      "x ms; '-': not in the family; 'not called': the step does not run it)\n%-30s",
      options.reps, "kernel");
  for (const KernelFamily& family : families) std::printf(" %10s", family.name.c_str());
  std::printf("   choice\n");
  // The fastest timed family of each kernel the step calls, and how many kernels each family won.
  std::array<size_t, kNumKernels> choice{};
  std::vector<int> wins(F, 0);
  for (int k = 0; k < kNumKernels; ++k) {
    choice[k] = contenders[k].front();
    for (size_t f : contenders[k]) {
      if (timed[f][k] < timed[choice[k]][k]) choice[k] = f;
    }
    if (calls[k] > 0) ++wins[choice[k]];
  }
  spec = {"naive", {}};
  for (int k = 0; k < kNumKernels; ++k) {
    size_t best = choice[k];
    // A kernel the step does not call (the unfused side of a fusion; the softmax that only
    // sampling runs) has nothing to time: it goes to the family that won the most kernels if
    // that family implements it, else to the last registered one that does.
    const bool called = calls[k] > 0;
    if (!called) {
      for (size_t f : contenders[k]) best = std::max(best, f);
      for (size_t f : contenders[k]) {
        if (wins[f] > wins[best]) best = f;
      }
    }
    spec.overrides.push_back(std::string(kKernelInfo[k].name) + "=" + families[best].name);
    std::printf("%-30s", kKernelInfo[k].name);
    for (size_t f = 0; f < F; ++f) {
      char cell[32];
      if (!called && screen[f][k] != kNotTimed) {
        std::snprintf(cell, sizeof cell, "not called");
      } else if (screen[f][k] == kNotTimed) {
        std::snprintf(cell, sizeof cell, "-");
      } else if (timed[f][k] == kNotTimed) {
        std::snprintf(cell, sizeof cell, ">%.3g", screen[f][k] * 1e3);
      } else {
        std::snprintf(cell, sizeof cell, "%.3g", timed[f][k] * 1e3);
      }
      std::printf(" %10s", cell);
    }
    std::printf("   %s\n", families[best].name.c_str());
  }
  std::printf("\n");

  model.ResetOptimizerState();
  data.Reset();
  SaveCachedSpec(path, key, spec);
  std::fflush(stdout);
  return spec;
}

}  // namespace gpt2
