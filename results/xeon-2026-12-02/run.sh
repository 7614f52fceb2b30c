#!/bin/bash
# Issue 9's comparison on an Intel Xeon (Emerald Rapids under KVM, 2 cores), eighth session:
# run alone, from the repository root: O=outdir run.sh
# Rounds a-c alternate 1 and 2 threads; each round is auto's step (bench_step --paired-peak:
# every step over the roofline at an FMA peak measured right after it) then PyTorch's tuned
# step. Then one T=1024 (B=1) and one d24 run of each at 1 and 2 threads.
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
pair() {  # pair NAME THREADS SHAPE STEPS EXTRA...
  local r=$1 t=$2 shape=$3 steps=$4; shift 4
  if [ $t = 1 ]; then D=$D1; else D=$D2; fi
  local ours=$O/step_${shape}auto_${r}_${t}t pt=$O/pytorch_${shape}_${r}_${t}t
  OPENBLAS_CORETYPE=SkylakeX build/bench_step --threads $t --paired-peak --peak-gbs $D \
      --kernels auto --tune-cache $O/tune_${shape}.txt --steps $steps --warmup 1 "$@" \
      --json $ours.json > $ours.txt 2>&1
  local model=d12; [ $shape = d24 ] && model=d24
  local bt=(-B 4 -T 64); [ $shape = t1024 ] && bt=(-B 1 -T 1024)
  env -u OMP_PROC_BIND -u OMP_PLACES /usr/bin/python3 scripts/bench_pytorch.py --env tuned \
      --threads $t --model $model "${bt[@]}" --steps $steps --warmup 1 --json $pt.json > $pt.txt 2>&1
  echo "$shape $r ${t}t: $(grep '^step: median' $ours.txt) | $(grep '^paired peak' $ours.txt | sed 's/.*peak: median/paired ratio/') | $(grep -i 'median' $pt.txt | tail -1)"
}
for r in a b c; do
  for t in 1 2; do
    if [ $r = a ]; then pair $r $t d12 6 --retune; else pair $r $t d12 6; fi
  done
done
for t in 1 2; do pair a $t t1024 3 -B 1 -T 1024 --retune; done
for t in 1 2; do pair a $t d24 4 --model d24 --retune; done
echo ALL DONE
