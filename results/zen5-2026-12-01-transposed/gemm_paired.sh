#!/bin/bash
# Highway GEMMs at 1 thread, each call's GFLOP/s over an FMA burst run right after it
# (bench_kernels --paired-peak), every GPT-2 matmul shape at B=4, T=64 and T=1024; ROUNDS rounds.
# usage: O=outdir [ROUNDS=3] [BIN=build/bench_kernels] gemm_paired.sh   (from the repository root)
set -eu
O=${O:?set O to an output folder}
mkdir -p "$O"
export OMP_PROC_BIND=true OMP_PLACES=cores
for r in $(seq "${ROUNDS:-3}"); do
  "${BIN:-build/bench_kernels}" --threads 1 --skip-errors --paired-peak \
    --benchmark_filter='^matmul_(forward|gelu_forward|backward|backward_adamw)/highway/(qkv|attproj|fc|fcproj|lmhead)/B4_T(64|1024)_' \
    > "$O/gemm_paired_$r.txt" 2>&1
  echo "gemm_paired round $r done"
done
