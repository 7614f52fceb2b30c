#!/bin/bash
# Issue 9 measurements, seventh session (the bias gradient inside the weight gradient, 192-row
# weight-gradient blocks): run alone, from the repository root: O=outdir run.sh
# The d12 pairs (auto then PyTorch, alternated) at 1 and 2 threads, then one T=1024 run each.
set -u

O=${O:?set O to an output folder}
mkdir -p "$O"
export OMP_PROC_BIND=true OMP_PLACES=cores
build/bench_roofs --threads 2 --json $O/roofs.json > $O/roofs.txt 2>&1
read F1 D1 F2 D2 < <(/usr/bin/python3 -c "
import json
r = {x['threads']: x for x in json.load(open('$O/roofs.json'))['roofs']}
print(r[1]['fma_peak_gflops'], r[1]['dram_gbs'], r[2]['fma_peak_gflops'], r[2]['dram_gbs'])")
echo "roofs: $F1 $D1 $F2 $D2"
pair() {  # pair NAME THREADS EXTRA...
  local r=$1 t=$2; shift 2
  if [ $t = 1 ]; then F=$F1 D=$D1; else F=$F2 D=$D2; fi
  OPENBLAS_CORETYPE=SkylakeX build/bench_step --threads $t --peak-gflops $F --peak-gbs $D \
      --kernels auto --tune-cache $O/tune_SkylakeX.txt --steps 6 --warmup 2 "$@" \
      --json $O/step_d12auto_${r}_SkylakeX_${t}t.json > $O/step_d12auto_${r}_SkylakeX_${t}t.txt 2>&1
  env -u OMP_PROC_BIND -u OMP_PLACES /usr/bin/python3 scripts/bench_pytorch.py --env tuned \
      --threads $t --steps 6 --warmup 2 --json $O/pytorch_d12_${r}_${t}t.json > $O/pytorch_d12_${r}_${t}t.txt 2>&1
  echo "$r ${t}t: $(grep '^step: median' $O/step_d12auto_${r}_SkylakeX_${t}t.txt) | $(grep -i 'median' $O/pytorch_d12_${r}_${t}t.txt | tail -1)"
}
for t in 1 2; do
  pair a $t --retune
  for r in b c d; do pair $r $t; done
done
for t in 1 2; do
  OPENBLAS_CORETYPE=SkylakeX build/bench_step --threads $t --kernels auto --retune --tune-cache $O/tune_t1024_SkylakeX.txt \
    -B 1 -T 1024 --steps 4 --warmup 1 --json $O/step_t1024auto_SkylakeX_${t}t.json > $O/step_t1024auto_SkylakeX_${t}t.txt 2>&1
  env -u OMP_PROC_BIND -u OMP_PLACES /usr/bin/python3 scripts/bench_pytorch.py --env tuned --threads $t -B 1 -T 1024 \
    --steps 4 --warmup 1 --json $O/pytorch_t1024_${t}t.json > $O/pytorch_t1024_${t}t.txt 2>&1
  echo "t1024 ${t}t: $(grep '^step: median' $O/step_t1024auto_SkylakeX_${t}t.txt) | $(grep -i 'median' $O/pytorch_t1024_${t}t.txt | tail -1)"
done
echo ALL DONE
