#!/bin/bash
# The twelfth session's measurements on the 2-core Xeon, run alone from the repository root:
#   results/xeon-2026-12-05/run.sh
# 1. bench_roofs three times at 1 and 2 threads (FMA peak, L1 kernel, GEMMs, triad);
# 2. the highway GEMMs at B=4 T=64, 1 thread, each call against a paired FMA burst
#    (bench_kernels --paired-peak, 3 repetitions: issue 9's "≥ 85% of the FMA peak");
# 3. issue 9's table (results/xeon-2026-12-04-step/compare.sh) into out/.
set -u
R=results/xeon-2026-12-05
export OMP_PROC_BIND=true OMP_PLACES=cores
for i in a b c; do build/bench_roofs --threads 2 > $R/roofs_$i.txt 2>&1; done
build/bench_kernels --threads 1 --paired-peak --skip-errors --benchmark_repetitions=3 \
  --benchmark_filter='^matmul_(forward|backward|backward_adamw)/highway/(qkv|attproj|fc|fcproj|lmhead)/B4_T64_' \
  --benchmark_out=$R/gemm_t1_T64.json --benchmark_out_format=json > $R/gemm_t1_T64.txt 2>&1
O=$R/out results/xeon-2026-12-04-step/compare.sh
