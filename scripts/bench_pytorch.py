#!/usr/bin/python3
"""PyTorch baseline for the benchmark suite: one GPT-2 124M (d12) training step in fp32.

Times the step bench_step times in C++ (forward, mean cross-entropy, backward, AdamW with
llm.c's defaults, then zero_grad(set_to_none=True)) on random-init weights and synthetic tokens,
in one of two environments:

  default  PyTorch as installed; only torch.set_num_threads(--threads) is called.
  tuned    the best environment found for it: OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and
           MKL_NUM_THREADS set to --threads; glibc's MALLOC_MMAP_THRESHOLD_ and
           MALLOC_TRIM_THRESHOLD_ at 4 GiB; Debian's OpenMP build of OpenBLAS instead of the
           pthread one; and on a CPU with AVX-512, OPENBLAS_CORETYPE=SkylakeX (why: TUNED and
           tuned_environment in the source). They are read when the process and its libraries
           load, so the script re-executes itself with them set.

Needs Debian's python3-torch, so run it with /usr/bin/python3. Without PyTorch it prints
"PyTorch: not installed (...)" and exits 0, still writing --json with "installed": false.
The JSON format is described in results/README.md (pytorch_<env>.json).
"""
import argparse
import glob
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time

# GPT-2 124M, as llm.c's d12: the vocabulary is padded to Vp = 50304 (a multiple of 128) like
# our C++ code, so wte and the LM head have the same shapes and cost; the padded logit columns
# are dropped before the loss, so the padded rows of wte get zero gradient and stay zero.
# --model picks L, C and NH (llm.c's d12 and d24); the vocabulary and context are the same.
MODELS = {"d12": (12, 768, 12), "d24": (24, 1024, 16)}
L, C, NH = MODELS["d12"]
V, VP, MAX_T = 50257, 50304, 1024
LR, BETAS, EPS, WEIGHT_DECAY = 1e-4, (0.9, 0.999), 1e-8, 0.0  # llm.c's and gpt2_train's AdamW
SEED = 1337

# The tuned environment's fixed part; the thread counts are added from --threads.
# - MALLOC_MMAP_THRESHOLD_: glibc serves blocks above the threshold (128 KiB, adapting up to
#   32 MiB) with a fresh mmap and returns them with munmap on free, so every step's large
#   tensors (the 51 MB logits, the 154 MB wte gradient that set_to_none frees every step)
#   page-fault again from zeroed pages. 4 GiB keeps them on the heap (checked with glibc 2.36,
#   Debian 12: after warm-up, no step maps or unmaps large blocks any more).
# - MALLOC_TRIM_THRESHOLD_: freed memory at the top of the heap is handed back to the OS once
#   it exceeds 128 KiB; 4 GiB keeps it for the next step.
# MALLOC_TOP_PAD_ is left alone: once warm-up has grown the heap it no longer grows.
# OMP_PROC_BIND/OMP_PLACES are left out on purpose: libgomp then pins the main thread to the
# first core while torch loads, before OpenBLAS (Debian's pthread build, which torch reaches
# through libblas.so.3) counts the CPUs it may use, so every GEMM would run on one thread.
TUNED = {"MALLOC_MMAP_THRESHOLD_": str(4 << 30), "MALLOC_TRIM_THRESHOLD_": str(4 << 30)}
# Variables that change how this benchmark runs; the JSON records those in effect.
RELEVANT_PREFIXES = ("OMP_", "GOMP_", "KMP_", "OPENBLAS_", "GOTO_", "MKL_", "MALLOC_",
                     "GLIBC_TUNABLES", "LD_PRELOAD", "LD_LIBRARY_PATH")


def int_in(lo, hi=None):
    """argparse type: an int in [lo, hi]."""
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}")
        if value < lo or (hi is not None and value > hi):
            bound = f">= {lo}" if hi is None else f"in [{lo}, {hi}]"
            raise argparse.ArgumentTypeError(f"must be {bound}, got {value}")
        return value
    return parse


def parse_args():
    try:
        cores = len(os.sched_getaffinity(0))  # like omp_get_num_procs() in the C++ trainer
    except AttributeError:
        cores = os.cpu_count() or 1
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int_in(1), default=cores,
                    help=f"intra-op threads (default: the usable cores, {cores})")
    ap.add_argument("--steps", type=int_in(1), default=10, help="timed steps (default 10)")
    ap.add_argument("--warmup", type=int_in(0), default=2,
                    help="untimed steps first (default 2)")
    ap.add_argument("--env", choices=("default", "tuned"), default="default",
                    help="environment to run in (default: default)")
    ap.add_argument("--json", metavar="FILE", help="write the results here (atomically)")
    ap.add_argument("--model", choices=sorted(MODELS), default="d12",
                    help="GPT-2 size (default d12, 124M; d24 is 350M)")
    ap.add_argument("-B", type=int_in(1), default=4, help="batch size (default 4)")
    ap.add_argument("-T", type=int_in(1, MAX_T), default=64, help="sequence length (default 64)")
    args = ap.parse_args()
    if args.json and not os.path.isdir(os.path.dirname(os.path.abspath(args.json))):
        ap.error(f"--json: no such directory for {args.json}")  # fail before the long run
    return args


def cpu_has_avx512():
    try:
        with open("/proc/cpuinfo") as f:
            return any(line.startswith("flags") and " avx512f" in line for line in f)
    except OSError:
        return False


def tuned_environment(threads):
    """TUNED plus the thread counts, and two settings measured on a 2-core Zen 5 (d12, B=4,
    T=64, median of 6 steps; the losses are the same to the printed digits):
    - LD_LIBRARY_PATH to Debian's OpenMP build of OpenBLAS, which then serves torch's
      libblas.so.3: its threads are libgomp's, the same pool as torch's own, where the pthread
      build's threads and libgomp's spin against each other on the same cores (2 threads: 1361
      -> 669 ms; OMP_WAIT_POLICY=passive alone gave 800 ms).
    - OPENBLAS_CORETYPE=SkylakeX where the CPU has AVX-512: OpenBLAS 0.3.21 does not recognise
      Zen 4/5 and would run its AVX2 (Haswell) kernels (1 thread: 1955 -> 1126 ms). On CPUs it
      does recognise, SkylakeX is what it picks anyway."""
    n = str(threads)
    env = {"OMP_NUM_THREADS": n, "OPENBLAS_NUM_THREADS": n, "MKL_NUM_THREADS": n, **TUNED}
    openmp_blas = sorted(glob.glob("/usr/lib/*/openblas-openmp/libblas.so.3"))
    if openmp_blas:
        folder = os.path.dirname(openmp_blas[0])
        rest = os.environ.get("LD_LIBRARY_PATH", "")
        if rest.split(":")[0] != folder:
            env["LD_LIBRARY_PATH"] = folder + (":" + rest if rest else "")
        else:
            env["LD_LIBRARY_PATH"] = rest
    if cpu_has_avx512():
        env["OPENBLAS_CORETYPE"] = "SkylakeX"
    return env


def loaded_blas():
    """The BLAS library files this process has mapped (which build torch really uses)."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "blas" in line and "/" in line}
        return sorted(paths)
    except OSError:
        return []


def relevant_environment():
    return {k: v for k, v in sorted(os.environ.items()) if k.startswith(RELEVANT_PREFIXES)}


def write_json(path, obj):
    """Write to a temp file beside path, then rename it over path: readers never see half."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".tmp_")
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp's 0600 is needlessly private
        with os.fdopen(fd, "w") as f:
            json.dump(obj, f, indent=2)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def exit_not_installed(args, error):
    reason = str(error)
    if (os.path.exists("/usr/bin/python3")
            and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3")):
        reason += f"; this is {sys.executable}, run it with /usr/bin/python3 (python3-torch)"
    else:
        reason += "; apt-get install python3-torch"
    print(f"PyTorch: not installed ({reason})")
    if args.json:
        write_json(args.json, {"program": "bench_pytorch", "env": args.env,
                               "installed": False, "reason": reason})
    sys.exit(0)


# ------------------------------------------------ start-up, before torch is loaded

ARGS = parse_args()
L, C, NH = MODELS[ARGS.model]
if ARGS.env == "tuned":
    wanted = tuned_environment(ARGS.threads)
    if any(os.environ.get(k) != v for k, v in wanted.items()):
        # glibc reads MALLOC_* when the process starts: re-execute with them set. The child
        # finds them all in place and goes on.
        argv = getattr(sys, "orig_argv", [sys.executable] + sys.argv)  # keeps python's flags
        os.execve(sys.executable, argv, {**os.environ, **wanted})

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except (ImportError, OSError) as e:
    exit_not_installed(ARGS, e)


# ----------------------------------------------------------------------- model

class CausalSelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_attn = nn.Linear(C, 3 * C)  # q, k, v in one matmul, as GPT-2
        self.c_proj = nn.Linear(C, C)
        # torch 1.13 has no scaled_dot_product_attention: mask and softmax by hand.
        future = torch.ones(MAX_T, MAX_T, dtype=torch.bool).triu(diagonal=1)
        self.register_buffer("future", future, persistent=False)

    def forward(self, x):
        B, T, _ = x.shape
        # (B, T, C) -> (B, NH, T, hs) for each of q, k, v
        q, k, v = (t.view(B, T, NH, C // NH).transpose(1, 2)
                   for t in self.c_attn(x).split(C, dim=2))
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(C // NH))
        att = att.masked_fill(self.future[:T, :T], float("-inf")).softmax(dim=-1)
        return self.c_proj((att @ v).transpose(1, 2).reshape(B, T, C))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(C)  # eps 1e-5, as llm.c
        self.attn = CausalSelfAttention()
        self.ln_2 = nn.LayerNorm(C)
        self.c_fc = nn.Linear(C, 4 * C)
        self.c_proj = nn.Linear(4 * C, C)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.c_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT2(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(VP, C)
        self.wpe = nn.Embedding(MAX_T, C)
        self.h = nn.ModuleList(Block() for _ in range(L))
        self.ln_f = nn.LayerNorm(C)
        self.lm_head = nn.Linear(C, VP, bias=False)
        self.lm_head.weight = self.wte.weight  # tied, as GPT-2
        # GPT-2's init: weights N(0, 0.02), the two projections into the residual stream scaled
        # by 1/sqrt(2L), biases 0, layernorms 1 and 0 (their default); padded wte rows 0.
        with torch.no_grad():
            for name, p in self.named_parameters():
                if p.dim() == 2:
                    std = 0.02 / math.sqrt(2 * L) if name.endswith("c_proj.weight") else 0.02
                    p.normal_(0.0, std)
                elif name.endswith(".bias"):
                    p.zero_()
            self.wte.weight[V:].zero_()

    def forward(self, idx, targets):
        """Mean cross-entropy of the next-token predictions; idx and targets are (B, T)."""
        T = idx.size(1)
        x = self.wte(idx) + self.wpe(torch.arange(T))
        for block in self.h:
            x = block(x)
        logits = self.lm_head(self.ln_f(x))[..., :V]  # padded vocab columns dropped
        return F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))


# ------------------------------------------------------------------------ data

def synthetic_tokens(count, seed):
    """A random walk over 256 words drawn from the vocabulary, each with 4 possible successors:
    learnable, so the loss falls. Mirrors gpt2/synthetic_data.cc, not its exact tokens."""
    rng = random.Random(seed)
    words = [rng.randrange(V) for _ in range(256)]
    successors = [[rng.randrange(256) for _ in range(4)] for _ in range(256)]
    word, tokens = rng.randrange(256), []
    for _ in range(count):
        tokens.append(words[word])
        word = rng.choice(successors[word])
    return torch.tensor(tokens)


# ------------------------------------------------------------------------ main

def main(args):
    torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()
    environment = relevant_environment()
    B, T, n = args.B, args.T, args.warmup + args.steps
    print(f"pytorch {args.env}: GPT-2 {args.model} (L={L} C={C} NH={NH} V={V} Vp={VP}), B={B} T={T}, "
          f"{threads} threads, torch {torch.__version__}, environment {environment}, "
          f"BLAS {loaded_blas()}", flush=True)

    torch.manual_seed(SEED)
    model = GPT2()
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR, betas=BETAS, eps=EPS,
                                  weight_decay=WEIGHT_DECAY)
    # All batches prepared in advance, out of the timing: step s takes the next B*T+1 tokens.
    tokens = synthetic_tokens(n * B * T + 1, SEED)
    batches = [(tokens[s * B * T:(s + 1) * B * T].view(B, T),
                tokens[s * B * T + 1:(s + 1) * B * T + 1].view(B, T)) for s in range(n)]

    losses, times_ms = [], []
    for s, (inputs, targets) in enumerate(batches):
        start = time.perf_counter()
        loss = model(inputs, targets)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        ms = (time.perf_counter() - start) * 1e3  # CPU tensors: the work is done on return
        losses.append(loss.item())
        warm = s < args.warmup
        if not warm:
            times_ms.append(ms)
        print(f"step {s + 1:3d}/{n}{' (warm-up)' if warm else ''}: loss {losses[-1]:.6f}, "
              f"{ms:.1f} ms", flush=True)

    median = statistics.median(times_ms)
    tokens_per_s = B * T / (median / 1e3)
    print(f"pytorch {args.env}: median {median:.1f} ms (min {min(times_ms):.1f}, "
          f"max {max(times_ms):.1f}), {tokens_per_s:.0f} tokens/s, {threads} threads, "
          f"torch {torch.__version__}")
    if args.json:
        write_json(args.json, {
            "program": "bench_pytorch", "env": args.env, "installed": True,
            "torch_version": torch.__version__, "threads": threads,
            "environment": environment, "blas_libraries": loaded_blas(),
            "model": args.model, "B": B, "T": T,
            "steps": args.steps,
            "step_ms": {"median": round(median, 3), "min": round(min(times_ms), 3),
                        "max": round(max(times_ms), 3)},
            "tokens_per_s": round(tokens_per_s, 1), "losses": losses})


if __name__ == "__main__":
    main(ARGS)
