#!/bin/bash
# The L1 kernel ceiling (bench_roofs' new column) on the lent 16-core machine (an Intel Xeon
# under KVM, its GPU unused), beside the highway GEMMs' share of the FMA peak at 1 thread: the
# build from this machine, carried as a bundle with its Debian 12 libraries and dynamic loader
# (run through the bundle's loader, as in results/threads-2026-12-04/run_device.sh). Writes into
# /tmp/o and after each part packs it into $OUT/out.tar.gz, so a run cut short still brings back
# what finished.
#   bundle: tar -cJf .devbundle/bundle.tar.xz of bin/{bench_step,bench_roofs,bench_kernels} and
#   lib/ (every library `ldd` lists for them, plus ld-linux-x86-64.so.2)
set -u
O=/tmp/o
mkdir -p "$O" "${OUT:=out}"
B=/tmp/bundle
mkdir -p $B && tar -C $B -xJf .devbundle/bundle.tar.xz
run() { "$B/lib/ld-linux-x86-64.so.2" --library-path "$B/lib" "$@"; }
{ lscpu; echo; free -g; echo; uname -a; } > "$O/machine.txt" 2>&1
export OMP_PROC_BIND=true OMP_PLACES=cores
log() { tar -C "$O" -czf "$OUT/out.tar.gz" . ; echo "$(date +%T) $*"; }

# 1. One core: the roofs three times (FMA peak, L1 kernel, GEMM n=2048, triads).
for r in a b c; do
  log "roofs 1 thread $r"
  run $B/bin/bench_roofs --threads 1 --reps 3 --dram-mib 256 > "$O/roofs_t1_$r.txt" 2>&1
done
# 2. The highway GEMMs at B=4 T=64, 1 thread, each call beside an FMA burst (fma_fraction).
log "gemms"
run $B/bin/bench_kernels --threads 1 --paired-peak --benchmark_filter='^matmul_(forward|backward)/highway/(qkv|attproj|fc|fcproj|lmhead)/B4_T64_' \
  --benchmark_out="$O/gemm_paired.json" --benchmark_out_format=json > "$O/gemm_paired.txt" 2>&1
run $B/bin/bench_roofs --threads 1 --reps 3 --dram-mib 256 > "$O/roofs_t1_d.txt" 2>&1
# 3. Every thread count up to 16.
log "roofs 1..16 threads"
run $B/bin/bench_roofs --threads 16 --reps 2 --dram-mib 256 > "$O/roofs_t16.txt" 2>&1
log done
