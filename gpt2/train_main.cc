// gpt2_train: trains GPT-2 with the kernels chosen at start-up and logs every step.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "gpt2/auto_tune.h"
#include "gpt2/checkpoint.h"
#include "gpt2/dataloader.h"
#include "gpt2/file_io.h"
#include "gpt2/finite_check.h"
#include "gpt2/flags.h"
#include "gpt2/init.h"
#include "gpt2/json_text.h"
#include "gpt2/main_guard.h"
#include "gpt2/model.h"
#include "gpt2/rng.h"
#include "gpt2/run_options.h"
#include "gpt2/synthetic_data.h"
#include "gpt2/tokenizer.h"
#include "gpt2/train_state.h"
#include "kernels/error.h"
#include "kernels/highway_targets.h"
#include "kernels/threading.h"

namespace gpt2 {
namespace {

constexpr const char* kProgram = "gpt2_train";

struct TrainOptions {
  std::string init = "random";
  std::string model = "d12";
  std::string checkpoint;
  int seed = 1337;
  std::string train, val, tokenizer;
  int B = 4, T = 64, steps = 10;
  AdamwConfig adamw;
  int val_every = 0, val_steps = 5, sample_every = 0, gen_tokens = 16;
  std::string save, json, resume;
  int save_every = 0, check_finite = 10;
  RunOptions run;
};

struct StepRecord {
  int step;
  float loss;
  double ms;
};

struct ValRecord {
  int step;
  float loss;
};

std::string Mib(size_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", bytes / 1048576.0);
  return text;
}

// Fails at start, not after hours of training, when an output cannot be written: its directory
// is missing or not writable, or the path names a directory.
void CheckOutputPath(const std::string& path, const char* flag) {
  if (path.empty()) return;
  const size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  struct stat info;
  if (stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    throw Error(path + ": directory " + dir + " does not exist (" + flag + ")");
  }
  if (access(dir.c_str(), W_OK) != 0) {
    throw Error(path + ": directory " + dir + " is not writable (" + flag + ")");
  }
  if (slash == path.size() - 1 || (stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode))) {
    throw Error(path + ": is a directory, expected a file name (" + flag + ")");
  }
}

void CheckAdamw(const AdamwConfig& a) {
  auto bad = [](const char* flag, float value, const char* range) {
    return Error("bad value '" + std::to_string(value) + "' for " + flag + ": must be " + range);
  };
  if (a.lr < 0) throw bad("--lr", a.lr, "at least 0");
  if (a.beta1 < 0 || a.beta1 >= 1) throw bad("--beta1", a.beta1, "in [0, 1)");
  if (a.beta2 < 0 || a.beta2 >= 1) throw bad("--beta2", a.beta2, "in [0, 1)");
  if (a.eps <= 0) throw bad("--eps", a.eps, "above 0");
  if (a.weight_decay < 0) throw bad("--weight-decay", a.weight_decay, "at least 0");
}

// Mean loss over `steps` batches from the start of the loader.
float EvaluateLoss(GPT2& model, const KernelSet& kernels, DataLoader& loader, int steps) {
  loader.Reset();
  double sum = 0;
  for (int i = 0; i < steps; ++i) {
    loader.NextBatch();
    model.Forward(kernels, loader.inputs(), loader.targets());
    sum += model.mean_loss();
  }
  return static_cast<float>(sum / steps);
}

// Multinomial sampling over the real vocabulary, from a coin in [0, 1).
int SampleToken(const float* probs, int V, double coin) {
  double cdf = 0;
  for (int i = 0; i < V; ++i) {
    cdf += probs[i];
    if (coin < cdf) return i;
  }
  return V - 1;  // rounding left the cdf just below the coin
}

// Generates `count` tokens after an end-of-text, llm.c style: the whole (B,T) forward runs each
// time and the next token is drawn from sequence 0's last filled position.
void Generate(GPT2& model, const KernelSet& kernels, const TokenDecoder* decoder, int count,
              Rng& rng) {
  const int V = model.config().vocab_size;
  const int eot =
      decoder != nullptr ? decoder->end_of_text() : (V > kGpt2EndOfText ? kGpt2EndOfText : 0);
  std::vector<int> tokens(static_cast<size_t>(model.B()) * model.T(), eot);
  std::string text = decoder != nullptr ? "" : "ids:";
  for (int t = 1; t <= count; ++t) {
    model.Forward(kernels, tokens.data(), nullptr);
    const int next = SampleToken(model.probs_at(0, t - 1), V, rng.NextUniform());
    tokens[t] = next;
    text += decoder != nullptr ? decoder->Decode(next) : " " + std::to_string(next);
  }
  std::printf("generated: %s\n", text.c_str());
}

void WriteJson(const std::string& path, const TrainOptions& options, const GPT2& model,
               const KernelSet& kernels, int threads, const std::vector<StepRecord>& steps,
               const std::vector<ValRecord>& vals) {
  const double tokens = static_cast<double>(options.B) * options.T;
  std::string out = "{\n  \"program\": \"gpt2_train\",\n";
  out += "  \"model\": " + JsonString(DescribeConfig(model.config())) + ",\n";
  out += "  \"num_parameters\": " + std::to_string(model.num_parameters()) + ",\n";
  out += "  \"B\": " + std::to_string(options.B) + ", \"T\": " + std::to_string(options.T) + ",\n";
  out += "  \"threads\": " + std::to_string(threads) + ",\n";
  out += "  \"kernels\": " + JsonString(kernels.Summary()) + ",\n";
  out += "  \"fusions\": " + FusionsJson(options.run) + ",\n  \"steps\": [";
  for (size_t i = 0; i < steps.size(); ++i) {
    out += std::string(i ? "," : "") + "\n    {\"step\": " + std::to_string(steps[i].step) +
           ", \"loss\": " + JsonNumber(steps[i].loss) + ", \"ms\": " + JsonNumber(steps[i].ms) +
           ", \"tokens_per_s\": " + JsonNumber(tokens / (steps[i].ms / 1000.0)) + "}";
  }
  out += "\n  ],\n  \"val\": [";
  for (size_t i = 0; i < vals.size(); ++i) {
    out += std::string(i ? "," : "") + "\n    {\"step\": " + std::to_string(vals[i].step) +
           ", \"loss\": " + JsonNumber(vals[i].loss) + "}";
  }
  out += "\n  ]\n}\n";
  SaveAtomically(path, [&](std::FILE* file) {
    if (std::fputs(out.c_str(), file) < 0) throw Error(path + ": cannot save: write failed");
  });
}

int Run(int argc, char** argv) {
  TrainOptions o;
  Flags flags(kProgram,
              "Trains GPT-2 on the CPU with the kernel families chosen at start-up.\n"
              "With no --train, it trains on deterministic synthetic tokens (the embedded "
              "default).");
  flags.String("--init", &o.init, "random: GPT-2 initialisation of --model (or use --checkpoint)");
  flags.String("--model", &o.model,
               "d12|d24|d36|d48, or L=..,C=..,NH=..,V=..,maxT=.. for --init random");
  flags.String("--checkpoint", &o.checkpoint,
               "start from an llm.c checkpoint file (v3 fp32, v5 bf16)");
  flags.Int("--seed", &o.seed, "seed for initialisation, synthetic data and sampling", 0);
  flags.String("--train", &o.train, "training token shards (a glob)");
  flags.String("--val", &o.val, "validation token shards (a glob)");
  flags.String("--tokenizer", &o.tokenizer, "llm.c tokenizer file, to decode generated text");
  flags.Int("-B", &o.B, "sequences per batch");
  flags.Int("-T", &o.T, "tokens per sequence");
  flags.Int("--steps", &o.steps, "training steps", 0);
  flags.Float("--lr", &o.adamw.lr, "AdamW learning rate");
  flags.Float("--weight-decay", &o.adamw.weight_decay, "AdamW decoupled weight decay");
  flags.Float("--beta1", &o.adamw.beta1, "AdamW beta1");
  flags.Float("--beta2", &o.adamw.beta2, "AdamW beta2");
  flags.Float("--eps", &o.adamw.eps, "AdamW epsilon");
  flags.Int("--val-every", &o.val_every, "validate every N steps and at the end (0: never)", 0);
  flags.Int("--val-steps", &o.val_steps, "batches per validation");
  flags.Int("--sample-every", &o.sample_every,
            "generate text every N steps and at the end (0: never)", 0);
  flags.Int("--gen-tokens", &o.gen_tokens, "tokens to generate per sample (at most T-1)");
  flags.String("--save", &o.save,
               "write a checkpoint here at the end (atomically), and beside it FILE.state "
               "(AdamW state, step, data position) for --resume");
  flags.Int("--save-every", &o.save_every, "also save every N steps (0: only at the end)", 0);
  flags.String("--resume", &o.resume,
               "continue the run saved in this checkpoint and its .state file, up to --steps "
               "in all, exactly as if it had not stopped (same -B, -T, data and flags)");
  flags.Int("--check-finite", &o.check_finite,
            "every N steps check the logits and every gradient for NaN/Inf, and stop naming the "
            "first bad tensor (the loss is checked every step; 0: only the loss); such a step "
            "computes every gradient before AdamW, as with --separate-matmul-adamw",
            0);
  flags.String("--json", &o.json, "write a per-step JSON log here at the end (atomically)");
  AddRunFlags(flags, &o.run);
  if (!flags.Parse(argc, argv)) return 0;
  if (o.run.list_kernels) {
    std::fputs(ListKernels().c_str(), stdout);
    return 0;
  }

  // Validate everything cheap before allocating gigabytes.
  KernelSet kernels = ResolveKernels(o.run);  // checks the flags; auto is resolved below
  if (o.init != "random") throw Error("bad value '" + o.init + "' for --init: expected random");
  if (!o.checkpoint.empty() && (flags.Given("--init") || flags.Given("--model"))) {
    throw Error("--checkpoint cannot be combined with --init or --model");
  }
  if (!o.resume.empty()) {
    if (!o.checkpoint.empty() || flags.Given("--init") || flags.Given("--model")) {
      throw Error("--resume cannot be combined with --checkpoint, --init or --model");
    }
    o.checkpoint = o.resume;  // the parameters come from the resumed checkpoint
  }
  if (o.save_every > 0 && o.save.empty()) throw Error("--save-every needs --save FILE");
  if (o.sample_every > 0 && o.gen_tokens >= o.T) {
    throw Error("bad value '" + std::to_string(o.gen_tokens) +
                "' for --gen-tokens: must be below T=" + std::to_string(o.T));
  }
  CheckAdamw(o.adamw);
  CheckOutputPath(o.save, "--save");
  CheckOutputPath(o.json, "--json");

  CheckpointHeader header;
  if (!o.checkpoint.empty()) {
    header = ReadCheckpointHeader(o.checkpoint);
  } else {
    header.config = ParseModelSpec(o.model, "--model");
  }
  const GPT2Config& config = header.config;
  if (o.T > config.max_seq_len) {
    throw Error("bad value '" + std::to_string(o.T) + "' for -T: the model's maxT is " +
                std::to_string(config.max_seq_len));
  }
  std::unique_ptr<TokenDecoder> decoder;
  if (!o.tokenizer.empty()) {
    decoder = std::make_unique<TokenDecoder>(o.tokenizer);
    // Sampling feeds the end-of-text id to the model and decodes what it draws: both sides must
    // speak the same vocabulary.
    if (decoder->vocab_size() != config.vocab_size || decoder->end_of_text() >= config.vocab_size) {
      throw Error(o.tokenizer + ": tokenizer has " + std::to_string(decoder->vocab_size()) +
                  " tokens (end of text " + std::to_string(decoder->end_of_text()) +
                  ") but the model's vocabulary is " + std::to_string(config.vocab_size) +
                  " (--tokenizer)");
    }
  }

  std::unique_ptr<DataLoader> train, val;
  const size_t synthetic_tokens = std::max<size_t>(static_cast<size_t>(o.B) * o.T + 1, 1 << 20);
  if (!o.train.empty()) {
    train = std::make_unique<DataLoader>(o.train, "--train", o.B, o.T, config.vocab_size);
  } else {
    train = std::make_unique<DataLoader>(
        SyntheticTokens(o.seed, 0, config.vocab_size, synthetic_tokens), "synthetic train stream",
        o.B, o.T);
  }
  if (!o.val.empty()) {
    val = std::make_unique<DataLoader>(o.val, "--val", o.B, o.T, config.vocab_size);
  } else if (o.train.empty()) {
    val = std::make_unique<DataLoader>(
        SyntheticTokens(o.seed, 1, config.vocab_size,
                        static_cast<size_t>(o.B) * o.T * o.val_steps + 1),
        "synthetic validation stream", o.B, o.T);
  }

  if (o.val_every > 0 && !val) {
    throw Error("--val-every needs validation data: give --val with --train");
  }
  const int threads = ApplyRunOptions(o.run);
  GPT2 model(config, o.B, o.T);
  ApplyFusions(o.run, model);
  if (!o.checkpoint.empty()) {
    LoadCheckpointParameters(o.checkpoint, header, model.params_memory());
  } else {
    InitRandom(model, static_cast<uint64_t>(o.seed));
  }
  if (IsAutoKernels(o.run)) {
    const KernelSpec tuned =
        AutoTuneKernels(model, *train, threads, {o.run.tune_cache, o.run.retune});
    kernels = ResolveKernels(o.run, &tuned);
  }

  const MemoryUsage memory = model.memory();
  std::printf("model: GPT-2 %s, %s\n", DescribeConfig(config).c_str(),
              o.checkpoint.empty() ? ("random init, seed " + std::to_string(o.seed)).c_str()
                                   : ("from " + o.checkpoint).c_str());
  std::printf("parameters: %zu\n", model.num_parameters());
  std::printf(
      "memory at B=%d T=%d: parameters %s, gradients %s, AdamW state %s, activations %s, total "
      "%s\n",
      o.B, o.T, Mib(memory.parameter_bytes).c_str(), Mib(memory.gradient_bytes).c_str(),
      Mib(memory.optimizer_bytes).c_str(), Mib(memory.activation_bytes).c_str(),
      Mib(memory.Total()).c_str());
  std::printf("threads: %s\n", DescribeThreading().c_str());
  std::printf("simd: %s\n", DescribeHighway().c_str());
  std::printf("train data: %s\n", train->Describe().c_str());
  std::printf("val data: %s\n", val ? val->Describe().c_str() : "none");
  std::fputs(kernels.Describe().c_str(), stdout);
  std::printf("fusions: %s\n", DescribeFusions(o.run).c_str());
  std::fflush(stdout);

  std::vector<StepRecord> steps;
  std::vector<ValRecord> vals;
  Rng sampler(SplitMix64(static_cast<uint64_t>(o.seed) ^ 0x5A4D504C45ULL));
  int first_step = 0;
  if (!o.resume.empty()) {
    const std::string state_path = TrainStatePath(o.resume);
    const TrainState state =
        LoadTrainState(state_path, model.num_parameters(), model.adamw_m(), model.adamw_v());
    if (state.fingerprint != ParameterFingerprint(model.params_memory(), model.num_parameters())) {
      throw Error(state_path + ": saved with other parameters than " + o.resume +
                  " (was a save interrupted between the two files?)");
    }
    if (state.B != o.B || state.T != o.T) {
      throw Error(state_path + ": saved at B=" + std::to_string(state.B) +
                  " T=" + std::to_string(state.T) + "; resume with the same -B and -T");
    }
    if (state.total_tokens != train->total_tokens()) {
      throw Error(state_path + ": saved while training on " + std::to_string(state.total_tokens) +
                  " tokens, but the training data now has " +
                  std::to_string(train->total_tokens()) + " (--train)");
    }
    if (state.step >= o.steps) {
      throw Error(state_path + ": already at step " + std::to_string(state.step) +
                  "; --steps is the total to reach, give more than that");
    }
    train->Seek(state.data, state_path);
    if (train->Fingerprint() != state.data_fingerprint) {
      throw Error(state_path + ": the training data at the saved position differs from the " +
                  "saved run's (another --train, or --seed for synthetic data?)");
    }
    sampler.set_state(state.sampler_state);
    first_step = state.step;
    std::printf("resumed from %s at step %d\n", o.resume.c_str(), first_step);
  }
  int saved_step = -1;  // the step of the last checkpoint this run saved
  const auto save = [&](int step) {
    const NonFinite bad = FindNonFiniteParameters(model);
    if (bad.found) {
      throw Error("step " + std::to_string(step) + ": " + bad.Describe() +
                  ": not saving a broken checkpoint");
    }
    const size_t n = model.num_parameters();
    TrainState state;
    state.step = step;
    state.B = o.B;
    state.T = o.T;
    state.num_parameters = n;
    state.fingerprint = ParameterFingerprint(model.params_memory(), n);
    state.data = train->position();
    state.total_tokens = train->total_tokens();
    state.sampler_state = sampler.state();
    state.data_fingerprint = train->Fingerprint();
    SaveCheckpoint(o.save, config, model.params_memory());
    SaveTrainState(TrainStatePath(o.save), state, model.adamw_m(), model.adamw_v());
    saved_step = step;
    std::printf("saved checkpoint %s and %s (step %d)\n", o.save.c_str(),
                TrainStatePath(o.save).c_str(), step);
  };
  // A NaN or Inf ends the run: the log so far is written, the last checkpoint is left alone.
  const auto stop_on = [&](const NonFinite& bad, int step) {
    if (!bad.found) return;
    if (!o.json.empty()) WriteJson(o.json, o, model, kernels, threads, steps, vals);
    throw Error("step " + std::to_string(step) + ": " + bad.Describe() + ": training stopped" +
                (saved_step >= 0 ? "; the last checkpoint, " + o.save + " (step " +
                                       std::to_string(saved_step) + "), is intact"
                                 : ""));
  };
  const double tokens_per_step = static_cast<double>(o.B) * o.T;
  for (int step = first_step; step <= o.steps; ++step) {
    const bool last = step == o.steps;
    if (val && o.val_every > 0 && (step % o.val_every == 0 || last)) {
      vals.push_back({step, EvaluateLoss(model, kernels, *val, o.val_steps)});
      std::printf("step %5d | val loss %.6f\n", step, vals.back().loss);
    }
    if (o.sample_every > 0 && step > first_step && (step % o.sample_every == 0 || last)) {
      Generate(model, kernels, decoder.get(), o.gen_tokens, sampler);
    }
    if (last) break;

    const int done = step + 1;
    const bool full_check = o.check_finite > 0 && done % o.check_finite == 0;
    const auto start = std::chrono::steady_clock::now();
    train->NextBatch();
    model.Forward(kernels, train->inputs(), train->targets());
    if (full_check || !std::isfinite(model.mean_loss())) stop_on(FindNonFiniteOutputs(model), done);
    model.ZeroGrad();
    if (full_check) {  // every gradient must exist to be checked: no AdamW inside the backward
      model.Backward(kernels);
      stop_on(FindNonFiniteGradients(model), done);
      model.Update(kernels, o.adamw, done, !o.run.separate_grad_reset);
    } else {
      model.BackwardAndUpdate(kernels, o.adamw, done, !o.run.separate_grad_reset);
    }
    const auto end = std::chrono::steady_clock::now();
    const double ms = std::chrono::duration<double, std::milli>(end - start).count();
    steps.push_back({done, model.mean_loss(), ms});
    std::printf("step %5d/%d | train loss %.6f | %8.1f ms | %8.0f tok/s\n", done, o.steps,
                model.mean_loss(), ms, tokens_per_step / (ms / 1000.0));
    std::fflush(stdout);
    if (o.save_every > 0 && done % o.save_every == 0 && done < o.steps) save(done);
  }

  if (!o.save.empty()) save(o.steps);
  if (!o.json.empty()) {
    WriteJson(o.json, o, model, kernels, threads, steps, vals);
    std::printf("wrote log %s\n", o.json.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace gpt2

int main(int argc, char** argv) { return gpt2::RunGuarded(gpt2::kProgram, gpt2::Run, argc, argv); }
