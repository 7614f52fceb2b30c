#!/bin/bash
# The L1 kernel's ratio to the FMA peak on one core of the lent 16-core machine, pinned down by
# repetition (the first device run, run_device.sh, met a noisy spell): bench_roofs at 1 thread
# eight times, built at 8fd77d5 and carried as in run_device.sh. Then one core's GEMM shapes
# beside FMA bursts once more.
set -u
O=/tmp/o
mkdir -p "$O" "${OUT:=out}"
B=/tmp/bundle
mkdir -p $B && tar -C $B -xJf .devbundle/bundle.tar.xz
run() { "$B/lib/ld-linux-x86-64.so.2" --library-path "$B/lib" "$@"; }
{ lscpu; echo; uname -a; } > "$O/machine.txt" 2>&1
export OMP_PROC_BIND=true OMP_PLACES=cores
log() { tar -C "$O" -czf "$OUT/out.tar.gz" . ; echo "$(date +%T) $*"; }
for r in 1 2 3 4 5 6 7 8; do
  log "roofs 1 thread, run $r"
  run $B/bin/bench_roofs --threads 1 --reps 5 --gemm-n 1024 --dram-mib 256 > "$O/roofs_t1_$r.txt" 2>&1
done
log "gemms"
run $B/bin/bench_kernels --threads 1 --paired-peak \
  --benchmark_filter='^matmul_(forward|backward)/highway/(qkv|attproj|fc|fcproj)/B4_T64_' \
  > "$O/gemm_paired.txt" 2>&1
log done
