#!/usr/bin/env bash
# The main job: installs dependencies, builds, and measures full training steps of GPT-2 124M
# (d12, B=4, T=64, random init, synthetic tokens) with the naive kernels, writing the per-step log
# to results/<host>-<date>/. The per-kernel benchmark suite and plots will extend this script.
#
#   scripts/run_benchmarks.sh [--steps N] [--threads N]
set -euo pipefail
cd "$(dirname "$0")/.."
steps=10
threads=$(nproc)
while [ $# -gt 0 ]; do
  case "$1" in
    --steps) steps=${2:?--steps needs a value}; shift 2 ;;
    --threads) threads=${2:?--threads needs a value}; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "run_benchmarks.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

echo "== [1/3] dependencies"
scripts/install-deps.sh
echo "== [2/3] build"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build -j2
out="results/$(hostname -s)-$(date +%Y-%m-%d)"
mkdir -p "$out"
echo "== [3/3] training d12 B=4 T=64, $steps steps, naive kernels, $threads threads"
build/gpt2_train --model d12 -B 4 -T 64 --steps "$steps" --threads "$threads" --kernels naive \
  --json "$out/train_d12_naive.json" | tee "$out/train_d12_naive.log"
/usr/bin/python3 - "$out/train_d12_naive.json" <<'PY'
import json, statistics, sys
log = json.load(open(sys.argv[1]))
ms = [s["ms"] for s in log["steps"]]
losses = [s["loss"] for s in log["steps"]]
print(f"summary: median step {statistics.median(ms):.1f} ms "
      f"({log['B'] * log['T'] / statistics.median(ms) * 1000:.0f} tokens/s), "
      f"loss {losses[0]:.4f} -> {losses[-1]:.4f}, {log['threads']} threads")
print(f"results in {sys.argv[1]}")
PY
