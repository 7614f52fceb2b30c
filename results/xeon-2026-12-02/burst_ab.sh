#!/bin/bash
# Does the --paired-peak burst slow the steps after it? bench_step at 2 threads without and with
# it, alternated three times, on run.sh's cached tuning: O=outdir burst_ab.sh (repository root).
set -u
O=${O:?set O to the output folder of run.sh}
mkdir -p $O/burst_ab
export OMP_PROC_BIND=true OMP_PLACES=cores
D=$(/usr/bin/python3 -c "
import json
print({x['threads']: x for x in json.load(open('$O/roofs.json'))['roofs']}[2]['dram_gbs'])")
for r in 1 2 3; do
  for m in plain paired; do
    X=(); [ $m = paired ] && X=(--paired-peak --peak-gbs $D)
    OPENBLAS_CORETYPE=SkylakeX build/bench_step --threads 2 --kernels auto \
        --tune-cache $O/tune_d12.txt --steps 6 --warmup 1 "${X[@]}" > $O/burst_ab/${m}_$r.txt 2>&1
    echo "$r $m $(grep -o 'step: median [0-9.]* ms (min [0-9.]*, max [0-9.]*)' $O/burst_ab/${m}_$r.txt)"
  done
done
