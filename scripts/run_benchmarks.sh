#!/usr/bin/env bash
# The main job: installs dependencies, builds, and measures on this CPU
#   1. every kernel of every family at GPT-2 124M shapes, and the openblas family again under
#      OpenBLAS's best core type for this CPU;
#   2. full training steps of GPT-2 124M (d12, B=4, T=64, random init, synthetic tokens) for each
#      family (naive is skipped with --quick: it takes about 20 s a step on 2 cores).
# Results go to results/<host>-<date>/. The full benchmark suite and plots will extend this script.
#
#   scripts/run_benchmarks.sh [--quick] [--steps N] [--threads N]
set -euo pipefail
cd "$(dirname "$0")/.."
steps=6
threads=$(nproc)
quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --steps) steps=${2:?--steps needs a value}; shift 2 ;;
    --threads) threads=${2:?--threads needs a value}; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "run_benchmarks.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

echo "== [1/4] dependencies"
scripts/install-deps.sh
echo "== [2/4] build"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build -j2
out="results/$(hostname -s)-$(date +%Y-%m-%d)"
mkdir -p "$out"

# OpenBLAS 0.3.21 picks its kernels from the CPUs it knows and falls back to older ones on newer
# CPUs (AVX2 "Haswell" kernels on AMD Zen 5, for one); OPENBLAS_CORETYPE forces a choice.
if grep -qw avx512f /proc/cpuinfo; then best_core=SkylakeX; else best_core=Haswell; fi

echo "== [3/4] kernels at $threads threads"
filter='.'
# --quick skips naive's matmul and attention, which take most of the time (13 s a call for the
# LM head).
[ "$quick" = 1 ] && filter='/(tiled|highway|openblas|sgemm_bare)/|^(encoder|layernorm|gelu|residual|softmax|crossentropy|adamw)[a-z_]*/naive/'
build/bench_kernels --threads "$threads" --benchmark_filter="$filter" \
  --benchmark_out="$out/kernels.json" --benchmark_out_format=json
echo "   openblas again with OPENBLAS_CORETYPE=$best_core"
OPENBLAS_CORETYPE=$best_core build/bench_kernels --threads "$threads" \
  --benchmark_filter='/(openblas|sgemm_bare)/' \
  --benchmark_out="$out/kernels_openblas_$best_core.json" --benchmark_out_format=json

echo "== [4/4] training steps, d12 B=4 T=64, $steps steps, $threads threads"
families="tiled highway openblas"
[ "$quick" = 1 ] || families="naive $families"
for family in $families; do
  echo "   --kernels $family"
  build/gpt2_train --model d12 -B 4 -T 64 --steps "$steps" --threads "$threads" \
    --kernels "$family" --json "$out/train_d12_$family.json" > "$out/train_d12_$family.log"
done

/usr/bin/python3 - "$out" $families <<'PY'
import json, statistics, sys
out, families = sys.argv[1], sys.argv[2:]
print(f"\nfull step, d12 B=4 T=64 (median of steps 2..N; results in {out}/)")
base = None
for family in families:
    log = json.load(open(f"{out}/train_d12_{family}.json"))
    ms = statistics.median(s["ms"] for s in log["steps"][1:] or log["steps"])
    base = base or (ms if family == "naive" else None)
    speedup = f"{base / ms:6.1f}x naive" if base else ""
    print(f"  {family:10s} {ms:10.1f} ms {log['B'] * log['T'] / ms * 1000:8.0f} tokens/s  {speedup}")
PY
