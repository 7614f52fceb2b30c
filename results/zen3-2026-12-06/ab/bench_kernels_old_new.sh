#!/bin/bash
# alternate old/new bench_kernels builds, 1 thread, highway GEMMs at B4 T64
export OMP_PROC_BIND=true OMP_PLACES=cores
for r in 1 2 3; do for b in old new; do
  /tmp/z3/bench_kernels_$b --threads 1 --paired-peak --skip-errors --benchmark_repetitions=3 \
    --benchmark_filter='^matmul_(forward|backward)/highway/.*/B4_T64_' 2>&1 | grep median | \
    awk -v b=$b -v r=$r '{n=split($1,a,"/"); match($0,/fma_fraction=[0-9.]+/); printf "%s r%s %s/%s %s\n", b, r, a[1], a[3], substr($0,RSTART+13,RLENGTH-13)}'
done; done
