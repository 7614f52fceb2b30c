#!/bin/bash
# The d12 step (B=4 T=64, highway family, THREADS threads, default 1) with the GEMM micro-kernel's
# prefetches switched by environment (GPT2_EXP_V) in one temporary build: c4f6b8d plus
# ab/experiments.patch, configured Release in a separate build folder (this session's was a git
# worktree at /work/exp, built in build-exp/; BIN points at its bench_step), the settings
# alternated run by run, ROUNDS rounds (default 3). SETTINGS: the GPT2_EXP_V values (default
# "0 1 2 3 4"; results/xeon-2026-12-07/README.md says what each one does).
# Prints each run's step median and bench_step's breakdown lines for the three matmul kernels.
set -u
T=${THREADS:-1}
BIN=${BIN:-/work/exp/build-exp/bench_step}
export OMP_PROC_BIND=true OMP_PLACES=cores
for round in $(seq ${ROUNDS:-3}); do
  for v in ${SETTINGS:-0 1 2 3 4}; do
    out=$(GPT2_EXP_V=$v $BIN --threads $T --kernels highway --steps 5 --warmup 1 2>&1)
    step=$(echo "$out" | grep '^step: median' | awk '{print $3}')
    mm=$(echo "$out" | awk '/^matmul_(forward|backward|backward_adamw) /{printf "%s %s  ", $1, $3}')
    echo "round $round v=$v step $step | $mm"
  done
done
