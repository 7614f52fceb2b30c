#!/bin/bash
# Two bench_kernels builds alternated, 1 thread, on the benchmarks each FILTER selects (one run
# a filter and build: Google Benchmark's CSV wants the same counters on every row).
# usage: OLD=path NEW=path kernels_ab.sh ROUNDS FILTER... > log   (lines: round build benchmark ms)
#    or: EV=NAME BIN=path kernels_ab.sh ROUNDS FILTER... > log: one binary alternated without
#        ("old") and with ("new") the environment variable NAME=1, the experiments' switches
#        (each a few lines in kernels/highway_gemm-inl.h, never committed).
# As run here:
#   kernels_ab_T64.txt: 3 '^adamw_update/highway/' \
#     '^matmul_backward_adamw/highway/(qkv|attproj|fc|fcproj|lmhead)/B4_T64_'
#   gelu_ab_T64.txt:    5 '^gelu_(forward|backward)/highway/' '^matmul_gelu_forward/highway/fc/B4_T64_'
#   the EV runs: the filter is in each log's benchmark names, the rounds in its first column.
export OMP_PROC_BIND=true OMP_PLACES=cores
rounds=$1
shift
for i in $(seq "$rounds"); do
  for b in old new; do
    if [ -n "${EV:-}" ]; then
      bin=$BIN
      if [ $b = new ]; then export "$EV=1"; else unset "$EV"; fi
    else
      bin=$NEW; [ $b = old ] && bin=$OLD
    fi
    for F in "$@"; do
      $bin --threads 1 --skip-errors --benchmark_filter="$F" --benchmark_format=csv 2>/dev/null |
        grep '^"' | awk -F, -v b=$b -v i=$i '{gsub(/"/,"",$1); print i, b, $1, $3}'
    done
  done
done
