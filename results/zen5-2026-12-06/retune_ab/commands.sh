#!/bin/bash
# Does tuning in the same process (--retune) slow the steps after it? d12 B=4 T=64, 1 thread,
# alternated twice: auto with --retune into a scratch cache, then auto from run/tune.txt.
# D1 is run/roofs.json's 1-thread DRAM triad (24.1 GB/s).
export OMP_PROC_BIND=true OMP_PLACES=cores
for r in 1 2; do
  build/bench_step --threads 1 --kernels auto --retune --tune-cache /tmp/tA.txt --steps 6 \
    --warmup 1 --paired-peak --peak-gbs 24.0957195 > ab_retune_$r.txt 2>&1
  build/bench_step --threads 1 --kernels auto --tune-cache results/zen5-2026-12-06/run/tune.txt \
    --steps 6 --warmup 1 --paired-peak --peak-gbs 24.0957195 > ab_cached_$r.txt 2>&1
done
