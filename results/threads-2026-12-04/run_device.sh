#!/bin/bash
# Thread scaling of the training step on a 16-core machine (the project's lent device machine,
# whose own GPU is not used): the build from this machine, carried as a bundle with its Debian 12
# libraries and dynamic loader (that machine runs another distribution), run through the
# bundle's loader. Writes into /tmp/o, most important first, and after each run packs it into
# $OUT/out.tar.gz (the device tool brings back at most 8 files), so a run cut short still
# brings back what finished.
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

# 1. The step, d12 B=4 T=64, highway family (what auto picks on both machines measured so far).
for t in 1 2 4 8 16; do
  log "step T=64 threads $t"
  run $B/bin/bench_step --kernels highway --threads $t --steps 5 --json "$O/step_t$t.json" \
    > "$O/step_t$t.txt" 2>&1
done
# 2. PyTorch as installed there (pip, not Debian's 1.13: a harder baseline, said so in the README).
for t in 1 2 16; do
  log "pytorch threads $t"
  CUDA_VISIBLE_DEVICES= PYTHONUNBUFFERED=1 timeout 120 python3 scripts/bench_pytorch.py \
    --env default --threads $t --steps 5 --json "$O/pytorch_t$t.json" > "$O/pytorch_t$t.txt" 2>&1
done
# 3. Roofs at 1..16 threads (FMA peak, GEMM, DRAM and L2 triads).
log roofs
run $B/bin/bench_roofs --threads 16 --reps 2 --dram-mib 512 > "$O/roofs.txt" 2>&1
# 4. Four times the tokens, d12 B=4 T=256, for scaling with more work a step.
for t in 1 4 16; do
  log "step T=256 threads $t"
  run $B/bin/bench_step --kernels highway --threads $t -T 256 --steps 3 --warmup 1 \
    > "$O/step_T256_t$t.txt" 2>&1
done
log done
