#!/bin/bash
# The weight gradient's dout-slice prefetch in bench_kernels, alternated with the build before
# it, 1 thread, --paired-peak, medians of 3 (run from the repository root, one at a time):
# /tmp/build-base is a76fe94 (before), build/ the change. In base.N / new.N the change asked for
# the next slice on every shape; in rbase/rnew and tbase/tnew only where dout is at least 8 MB
# (as committed in a943c36).
set -u
O=results/zen5-2026-12-06-slices/ab_bench_kernels
run() {  # run <prefix> <round> <filter>
  for v in base new; do
    B=build/bench_kernels
    [ $v = base ] && B=/tmp/build-base/bench_kernels
    $B --threads 1 --paired-peak --skip-errors --benchmark_repetitions=3 \
      --benchmark_filter="$3" > $O/$1$v.$2.txt 2>&1
  done
}
for i in 1 2; do run "" $i '^matmul_(backward|backward_adamw)/highway/.*/B4_T64_'; done
for i in 1 2 3; do run r $i '^matmul_(backward|backward_adamw)/highway/(lmhead|fcproj|attproj)/B4_T64_'; done
for i in 1 2; do run t $i '^matmul_(backward|backward_adamw)/highway/(qkv|fc)/B4_T1024_'; done
