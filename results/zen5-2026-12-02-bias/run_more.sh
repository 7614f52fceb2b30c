#!/bin/bash
# More d12 pairs after run.sh, with its cached tuning and roofs: O=outdir run_more.sh T NAME...
# (from the repository root; e.g. O=out run_more.sh 2 e f g h)
set -u
O=${O:?set O to an output folder}
t=$1; shift
export OMP_PROC_BIND=true OMP_PLACES=cores
read F D < <(/usr/bin/python3 -c "
import json
r = {x['threads']: x for x in json.load(open('$O/roofs.json'))['roofs']}
print(r[$t]['fma_peak_gflops'], r[$t]['dram_gbs'])")
for r in "$@"; do
  OPENBLAS_CORETYPE=SkylakeX build/bench_step --threads $t --peak-gflops $F --peak-gbs $D \
      --kernels auto --tune-cache $O/tune_SkylakeX.txt --steps 6 --warmup 2 \
      --json $O/step_d12auto_${r}_SkylakeX_${t}t.json > $O/step_d12auto_${r}_SkylakeX_${t}t.txt 2>&1
  env -u OMP_PROC_BIND -u OMP_PLACES /usr/bin/python3 scripts/bench_pytorch.py --env tuned \
      --threads $t --steps 6 --warmup 2 --json $O/pytorch_d12_${r}_${t}t.json > $O/pytorch_d12_${r}_${t}t.txt 2>&1
  echo "$r ${t}t: $(grep '^step: median' $O/step_d12auto_${r}_SkylakeX_${t}t.txt) | $(grep -i 'median' $O/pytorch_d12_${r}_${t}t.txt | tail -1)"
done
