#include "gpt2/run_options.h"

#include <omp.h>

#include <cstdlib>

#include "gpt2/auto_tune.h"
#include "kernels/error.h"
#include "kernels/highway_targets.h"
#include "kernels/threading.h"

namespace gpt2 {

void AddRunFlags(Flags& flags, RunOptions* options) {
  flags.String("--kernels", &options->family,
               "kernel family for every kernel, or auto: the fastest of each kernel, timed on "
               "this run's shapes and cached (default: the build's, " +
                   BuildDefaultSpec().family + ")");
  flags.Strings("--kernel", &options->overrides,
                "NAME=FAMILY: run one kernel from another family (repeatable)");
  flags.Bool("--list-kernels", &options->list_kernels,
             "print every kernel and the families that implement it, then exit");
  flags.Bool("--retune", &options->retune,
             "with --kernels auto: time the kernels again instead of using the cached choice");
  flags.String("--tune-cache", &options->tune_cache,
               "with --kernels auto: the cache file (default: $GPT2_TUNE_CACHE, else "
               "~/.cache/gpt2-kernels/auto_kernels.txt)");
  flags.Bool("--separate-grad-reset", &options->separate_grad_reset,
             "zero the parameter gradients in a pass of their own, as llm.c does, instead of "
             "inside AdamW's pass (the unfused path, to measure what fusing buys)");
  flags.Bool("--fuse-residual-layernorm", &options->fuse_residual_layernorm,
             "call the fused residual_layernorm_forward for each residual sum and the layernorm "
             "that reads it, instead of residual_forward and then layernorm_forward as llm.c "
             "does (off by default: slower on the machine it was measured on, see README)");
  flags.Bool("--fuse-matmul-gelu", &options->fuse_matmul_gelu,
             "call the fused matmul_gelu_forward for the MLP's first matmul and its GELU, "
             "instead of matmul_forward and then gelu_forward as llm.c does");
  flags.Bool("--separate-softmax-crossentropy", &options->separate_softmax_crossentropy,
             "run softmax_forward and crossentropy_forward in the forward pass and "
             "crossentropy_softmax_backward in the backward, as llm.c does, instead of the fused "
             "softmax_crossentropy_fused (the unfused path, to measure what fusing buys)");
  flags.Bool("--separate-matmul-adamw", &options->separate_matmul_adamw,
             "compute every gradient in the backward pass and then run AdamW over all parameters, "
             "as llm.c does, instead of stepping the layer matmuls' weights and biases and the "
             "tied wte inside their weight-gradient GEMM with matmul_backward_adamw (the unfused "
             "path, to measure what fusing buys)");
  options->threads = omp_get_num_procs();
  flags.Int("--threads", &options->threads, "OpenMP and OpenBLAS threads", 1);
  flags.String(
      "--hwy-target",
      &options->hwy_target, "run the highway family on this Highway target only (" + [] {
        std::string names;
        for (const std::string& n : HighwayTargetNames()) names += (names.empty() ? "" : ", ") + n;
        return names.empty() ? std::string("not built") : names;
      }() + "; default: $GPT2_HWY_TARGET, else the best)");
}

std::string DescribeFusions(const RunOptions& options) {
  std::string text = options.separate_grad_reset
                         ? "gradient reset in a pass of its own (--separate-grad-reset)"
                         : "gradient reset inside adamw_update";
  text += options.fuse_residual_layernorm
              ? "; residual + layernorm in residual_layernorm_forward (--fuse-residual-layernorm)"
              : "; residual_forward, then layernorm_forward";
  text += options.fuse_matmul_gelu ? "; GELU in the matmul epilogue, matmul_gelu_forward "
                                     "(--fuse-matmul-gelu)"
                                   : "; matmul_forward, then gelu_forward";
  text += options.separate_softmax_crossentropy
              ? "; softmax_forward, crossentropy_forward, crossentropy_softmax_backward "
                "(--separate-softmax-crossentropy)"
              : "; softmax + cross-entropy + backward in softmax_crossentropy_fused";
  text += options.separate_matmul_adamw
              ? "; backward, then AdamW over all parameters (--separate-matmul-adamw)"
              : "; layer matmuls' and wte's AdamW inside their backward, matmul_backward_adamw";
  return text;
}

std::string FusionsJson(const RunOptions& options) {
  const auto state = [](bool separate) { return separate ? "\"separate\"" : "\"fused\""; };
  return std::string("{\"grad_reset\": ") + state(options.separate_grad_reset) +
         ", \"residual_layernorm\": " + state(!options.fuse_residual_layernorm) +
         ", \"matmul_gelu\": " + state(!options.fuse_matmul_gelu) +
         ", \"softmax_crossentropy\": " + state(options.separate_softmax_crossentropy) +
         ", \"matmul_adamw\": " + state(options.separate_matmul_adamw) + "}";
}

void ApplyFusions(const RunOptions& options, GPT2& model) {
  model.set_fuse_residual_layernorm(options.fuse_residual_layernorm);
  model.set_fuse_matmul_gelu(options.fuse_matmul_gelu);
  model.set_fuse_softmax_crossentropy(!options.separate_softmax_crossentropy);
  model.set_fuse_matmul_adamw(!options.separate_matmul_adamw);
}

bool IsAutoKernels(const RunOptions& options) { return options.family == kAutoFamily; }

KernelSet ResolveKernels(const RunOptions& options, const KernelSpec* tuned) {
  if (!IsAutoKernels(options) && (options.retune || !options.tune_cache.empty())) {
    throw Error(std::string(options.retune ? "--retune" : "--tune-cache") +
                " only applies with --kernels auto");
  }
  KernelSpec spec = BuildDefaultSpec();
  if (IsAutoKernels(options)) {
    spec = tuned != nullptr ? *tuned : KernelSpec{"naive", {}};
  } else if (!options.family.empty()) {
    spec.family = options.family;
    spec.overrides.clear();
  }
  spec.overrides.insert(spec.overrides.end(), options.overrides.begin(), options.overrides.end());
  return KernelSet::Resolve(spec);
}

int ApplyRunOptions(const RunOptions& options) {
  SetThreads(options.threads);
  if (!options.hwy_target.empty()) {
    SelectHighwayTarget(options.hwy_target, "--hwy-target");
  } else if (const char* env = std::getenv("GPT2_HWY_TARGET"); env != nullptr && *env != '\0') {
    SelectHighwayTarget(env, "GPT2_HWY_TARGET");
  }
  return options.threads;
}

}  // namespace gpt2
