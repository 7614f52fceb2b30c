#!/bin/bash
# The final build (3632e3c and later) on this Zen 5 machine, run alone from the repository root:
#   results/zen5-2026-12-05/final.sh
# 1. Issue 9's comparison (compare.sh: bench_roofs, d12 B=4 T=64 in two rounds at 1 and 2
#    threads, T=1024 B=1, d24; each auto step paired with PyTorch's tuned step) into final/.
# 2. "≥ 5× faster than naive", side by side at 1 and 2 threads, auto from final/tune.txt.
# 3. The highway GEMMs' fractions of a paired FMA burst at 1 thread, B=4 T=64.
set -u
R=results/zen5-2026-12-05
F=${F:-$R/final}  # the folder it writes to (results/zen5-2026-12-06/run.sh sets it)
O=$F results/xeon-2026-12-04-step/compare.sh
export OMP_PROC_BIND=true OMP_PLACES=cores
for t in 1 2; do
  build/bench_step --threads $t --kernels auto --tune-cache $F/tune.txt --steps 6 --warmup 1 \
    --json $F/naive_cmp_auto_${t}t.json > $F/naive_cmp_auto_${t}t.txt 2>&1
  build/bench_step --threads $t --kernels naive --steps 3 --warmup 1 \
    --json $F/naive_cmp_naive_${t}t.json > $F/naive_cmp_naive_${t}t.txt 2>&1
  echo "naive ${t}t: auto $(grep '^step: median' $F/naive_cmp_auto_${t}t.txt) | naive $(grep '^step: median' $F/naive_cmp_naive_${t}t.txt)"
done
build/bench_kernels --threads 1 --paired-peak --skip-errors --benchmark_repetitions=3 \
  --benchmark_filter='^matmul_(forward|backward|backward_adamw)/highway/.*/B4_T64_' \
  > $F/gemm_t1_T64.txt 2>&1
grep median $F/gemm_t1_T64.txt | awk '{print "gemm", $1, $NF, $(NF-1)}'
