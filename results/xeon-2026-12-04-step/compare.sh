#!/bin/bash
# Issue 9's comparison with bench_step's whole-step roofline (the issue's definition, printed by
# bench_step since d37b5be), on the session's 2-core machine, run alone from the repository root:
#   O=outdir results/xeon-2026-12-04-step/compare.sh
# bench_roofs first (its DRAM triad is the bandwidth roof); then d12 B=4 T=64 in two rounds, each
# alternating 1 and 2 threads: auto's step (bench_step --paired-peak: each step over both
# rooflines at an FMA peak measured right after it) then PyTorch's tuned step; then T=1024 (B=1)
# and d24 (B=4, T=64), one round each, the same way.
set -u
O=${O:?set O to an output folder}
mkdir -p "$O"
export OMP_PROC_BIND=true OMP_PLACES=cores
build/bench_roofs --threads 2 --json $O/roofs.json > $O/roofs.txt 2>&1
read D1 D2 < <(/usr/bin/python3 -c "
import json
r = {x['threads']: x for x in json.load(open('$O/roofs.json'))['roofs']}
print(r[1]['dram_gbs'], r[2]['dram_gbs'])")
pair() {  # name threads retune(0/1) model B T
  local name=$1 t=$2 retune=() D=$D1
  [ $t = 2 ] && D=$D2
  [ $3 = 1 ] && retune=(--retune)
  local ours=$O/step_auto_${name}_${t}t pt=$O/pytorch_${name}_${t}t
  build/bench_step --threads $t --model $4 -B $5 -T $6 --paired-peak --peak-gbs $D \
    --kernels auto --tune-cache $O/tune.txt "${retune[@]}" --steps 6 --warmup 1 \
    --json $ours.json > $ours.txt 2>&1
  env -u OMP_PROC_BIND -u OMP_PLACES /usr/bin/python3 scripts/bench_pytorch.py --env tuned \
    --threads $t --model $4 -B $5 -T $6 --steps 6 --warmup 1 --json $pt.json > $pt.txt 2>&1
  echo "$name ${t}t: $(grep '^step: median' $ours.txt) | $(grep -o 'whole-step roofline: median [0-9.]*x' $ours.txt) | PyTorch $(grep -i 'median' $pt.txt | tail -1)"
}
for r in a b; do
  for t in 1 2; do
    retune=0; [ $r = a ] && retune=1
    pair d12_$r $t $retune d12 4 64
  done
done
for t in 1 2; do pair t1024 $t 1 d12 1 1024; done
for t in 1 2; do pair d24 $t 1 d24 4 64; done
