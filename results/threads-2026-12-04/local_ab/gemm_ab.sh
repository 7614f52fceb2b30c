#!/bin/bash
# Two bench_kernels builds alternated, highway GEMMs at B=4 and T=$T (64 or 1024), 1 thread.
# usage: OLD=path NEW=path T=64 gemm_ab.sh ROUNDS > log   (lines: round build benchmark ms)
export OMP_PROC_BIND=true OMP_PLACES=cores
F="^matmul_(forward|backward|backward_adamw)/highway/(qkv|attproj|fc|fcproj)/B4_T${T:-64}_"
for i in $(seq "$1"); do
  for b in old new; do
    bin=$NEW; [ $b = old ] && bin=$OLD
    $bin --threads 1 --skip-errors --benchmark_filter="$F" --benchmark_format=csv 2>/dev/null |
      grep '^"' | awk -F, -v b=$b -v i=$i '{gsub(/"/,"",$1); print i, b, $1, $3}'
  done
done
