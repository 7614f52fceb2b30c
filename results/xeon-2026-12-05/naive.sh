#!/bin/bash
# Issue 9's "≥ 5× faster than the naive family", side by side: at 1 and 2 threads, auto's step
# (the cached choice from run.sh) then naive's, d12 B=4 T=64. Run alone from the repository root.
set -u
R=results/xeon-2026-12-05
export OMP_PROC_BIND=true OMP_PLACES=cores
for t in 1 2; do
  build/bench_step --threads $t --kernels auto --tune-cache $R/out/tune.txt --steps 6 --warmup 1 \
    --json $R/naive_cmp_auto_${t}t.json > $R/naive_cmp_auto_${t}t.txt 2>&1
  build/bench_step --threads $t --kernels naive --steps 3 --warmup 1 \
    --json $R/naive_cmp_naive_${t}t.json > $R/naive_cmp_naive_${t}t.txt 2>&1
  echo "${t}t: auto $(grep '^step: median' $R/naive_cmp_auto_${t}t.txt) | naive $(grep '^step: median' $R/naive_cmp_naive_${t}t.txt)"
done
