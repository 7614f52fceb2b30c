#!/bin/bash
# Two bench_kernels builds alternated, 1 thread: highway's adamw_update and its AdamW-fused
# weight-gradient GEMMs at B=4 T=64.
# usage: OLD=path NEW=path kernels_ab.sh ROUNDS > log   (lines: round build benchmark ms)
export OMP_PROC_BIND=true OMP_PLACES=cores
# (two runs a build: Google Benchmark's CSV wants the same counters on every row)
FILTERS=("^adamw_update/highway/" "^matmul_backward_adamw/highway/(qkv|attproj|fc|fcproj|lmhead)/B4_T64_")
for i in $(seq "$1"); do
  for b in old new; do
    bin=$NEW; [ $b = old ] && bin=$OLD
    for F in "${FILTERS[@]}"; do
      $bin --threads 1 --skip-errors --benchmark_filter="$F" --benchmark_format=csv 2>/dev/null |
        grep '^"' | awk -F, -v b=$b -v i=$i '{gsub(/"/,"",$1); print i, b, $1, $3}'
    done
  done
done
