#!/bin/bash
# Issue 9's d12 comparison after this session's changes, on the session's 2-core machine, run
# alone from the repository root: O=outdir compare.sh. Two rounds, each alternating 1 and 2
# threads: auto's step (bench_step --paired-peak, every step over the roofline at an FMA peak
# measured right after it, with bench_roofs' DRAM triad) then PyTorch's tuned step.
# (The eighth session's results/xeon-2026-12-02/run.sh, without its T=1024 and d24 runs.)
set -u
O=${O:?set O to an output folder}
mkdir -p "$O"
export OMP_PROC_BIND=true OMP_PLACES=cores
build/bench_roofs --threads 2 --json $O/roofs.json > $O/roofs.txt 2>&1
read D1 D2 < <(/usr/bin/python3 -c "
import json
r = {x['threads']: x for x in json.load(open('$O/roofs.json'))['roofs']}
print(r[1]['dram_gbs'], r[2]['dram_gbs'])")
for r in a b; do
  for t in 1 2; do
    D=$D1; [ $t = 2 ] && D=$D2
    retune=(); [ $r = a ] && retune=(--retune)
    ours=$O/step_auto_${r}_${t}t pt=$O/pytorch_${r}_${t}t
    build/bench_step --threads $t --paired-peak --peak-gbs $D --kernels auto \
      --tune-cache $O/tune.txt "${retune[@]}" --steps 6 --warmup 1 --json $ours.json > $ours.txt 2>&1
    env -u OMP_PROC_BIND -u OMP_PLACES /usr/bin/python3 scripts/bench_pytorch.py --env tuned \
      --threads $t --steps 6 --warmup 1 --json $pt.json > $pt.txt 2>&1
    echo "$r ${t}t: $(grep '^step: median' $ours.txt) | $(grep -i 'median' $pt.txt | tail -1)"
  done
done
