#!/bin/bash
# Is the current build slower on this Intel Xeon than the twelfth session's last Xeon build?
# 5612232 (its final build, results/xeon-2026-12-05/) built in a worktree at /tmp/old, against
# this build (build/), the d12 step (B=4 T=64, highway, THREADS threads, 6 steps), alternated
# run by run, ROUNDS rounds. The lines: the step's median and the breakdown's GEMM rows.
set -u
T=${THREADS:-1}
export OMP_PROC_BIND=true OMP_PLACES=cores
for round in $(seq ${ROUNDS:-4}); do
  for b in /tmp/old/build build; do
    out=$($b/bench_step --threads $T --kernels highway --steps 6 --warmup 1 2>&1)
    echo "round $round $b | $(echo "$out" | grep '^step: median' | cut -d, -f1)" \
      "| $(echo "$out" | grep -E '^matmul_(forward|backward|backward_adamw) ' | awk '{printf "%s %s; ", $1, $3}')"
  done
done
