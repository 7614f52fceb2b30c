#!/bin/bash
# Two more rounds (c, d) of issue 9's d12 B=4 T=64 pairs after run.sh, alternating 1 and 2
# threads, with run.sh's cached auto choice (run/tune.txt) and its DRAM roofs (run/roofs.json):
# each bench_step --kernels auto --paired-peak step, then PyTorch's tuned step, as compare.sh.
# Run alone from the repository root: results/zen5-2026-12-06/rounds.sh
set -u
R=${R:-results/zen5-2026-12-06}  # the folder it writes to (the fifteenth session's run.sh sets it)
O=$R/rounds
mkdir -p $O
export OMP_PROC_BIND=true OMP_PLACES=cores
read D1 D2 < <(/usr/bin/python3 -c "
import json
r = {x['threads']: x for x in json.load(open('$R/run/roofs.json'))['roofs']}
print(r[1]['dram_gbs'], r[2]['dram_gbs'])")
for r in ${ROUNDS:-c d}; do  # ROUNDS: the round labels (results/zen5-2026-12-07/rounds2.sh)
  for t in 1 2; do
    D=$D1; [ $t = 2 ] && D=$D2
    ours=$O/step_auto_d12_${r}_${t}t pt=$O/pytorch_d12_${r}_${t}t
    build/bench_step --threads $t --paired-peak --peak-gbs $D --kernels auto \
      --tune-cache $R/run/tune.txt --steps 6 --warmup 1 --json $ours.json > $ours.txt 2>&1
    env -u OMP_PROC_BIND -u OMP_PLACES /usr/bin/python3 scripts/bench_pytorch.py --env tuned \
      --threads $t --steps 6 --warmup 1 --json $pt.json > $pt.txt 2>&1
    echo "d12_$r ${t}t: $(grep '^step: median' $ours.txt) | $(grep -o 'whole-step roofline: median [0-9.]*x' $ours.txt) | PyTorch $(grep -i 'median' $pt.txt | tail -1)"
  done
done
