#!/bin/bash
# More d12 rounds after run.sh, with its roofs and cached tuning: O=outdir run_more.sh NAME...
# (from the repository root; e.g. O=out run_more.sh d e f). Each round: 1 thread, then 2.
set -u
O=${O:?set O to an output folder}
export OMP_PROC_BIND=true OMP_PLACES=cores
for r in "$@"; do
  for t in 1 2; do
    D=$(/usr/bin/python3 -c "
import json
print({x['threads']: x for x in json.load(open('$O/roofs.json'))['roofs']}[$t]['dram_gbs'])")
    ours=$O/step_d12auto_${r}_${t}t pt=$O/pytorch_d12_${r}_${t}t
    OPENBLAS_CORETYPE=SkylakeX build/bench_step --threads $t --paired-peak --peak-gbs $D \
        --kernels auto --tune-cache $O/tune_d12.txt --steps 6 --warmup 1 \
        --json $ours.json > $ours.txt 2>&1
    env -u OMP_PROC_BIND -u OMP_PLACES /usr/bin/python3 scripts/bench_pytorch.py --env tuned \
        --threads $t --steps 6 --warmup 1 --json $pt.json > $pt.txt 2>&1
    echo "d12 $r ${t}t: $(grep '^step: median' $ours.txt) | $(grep '^paired peak' $ours.txt | sed 's/.*peak: median/paired ratio/') | $(grep -i 'median' $pt.txt | tail -1)"
  done
done
echo ALL DONE
