#!/bin/bash
# Highway GEMMs at 1 thread, each bench_kernels run beside a fresh FMA peak, three times.
set -u
cd /work/main
O=${O:-/tmp/m17/out}
export OMP_PROC_BIND=true OMP_PLACES=cores
for r in 1 2 3; do
  build/bench_roofs --threads 1 --reps 3 > $O/gemm_peak_$r.txt 2>&1
  read P D < <(awk '$1=="1"{print $NF, $5}' $O/gemm_peak_$r.txt)
  build/bench_kernels --threads 1 --skip-errors --peak-gflops $P --peak-gbs $D \
    --benchmark_filter='^matmul_(forward|backward|backward_adamw)/highway/(qkv|attproj|fc|fcproj|lmhead)/B4_T(64|1024)_' \
    > $O/gemm_fractions_$r.txt 2>&1
  echo "gemm round $r: peak $P triad $D"
done
