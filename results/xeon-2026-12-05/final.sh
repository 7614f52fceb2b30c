#!/bin/bash
# The final build (with the panel prefetch) against the whole-step roofline, d12 B=4 T=64, two
# rounds alternating 1 and 2 threads, the bandwidth roofs from run.sh's bench_roofs (out/roofs.json)
# and auto's cached choice (out/tune.txt). Run alone from the repository root.
set -u
R=results/xeon-2026-12-05
export OMP_PROC_BIND=true OMP_PLACES=cores
read D1 D2 < <(/usr/bin/python3 -c "
import json
r = {x['threads']: x for x in json.load(open('$R/out/roofs.json'))['roofs']}
print(r[1]['dram_gbs'], r[2]['dram_gbs'])")
for r in a b; do
  for t in 1 2; do
    D=$D1; [ $t = 2 ] && D=$D2
    f=$R/final_auto_${r}_${t}t
    build/bench_step --threads $t --paired-peak --peak-gbs $D --kernels auto \
      --tune-cache $R/out/tune.txt --steps 6 --warmup 1 --json $f.json > $f.txt 2>&1
    echo "$r ${t}t: $(grep '^step: median' $f.txt) | $(grep -o 'whole-step roofline: median [0-9.]*x (min [0-9.]*, max [0-9.]*)' $f.txt) | paired peak $(grep -o 'paired peak: median [0-9.]*' $f.txt)"
  done
done
