#!/bin/bash
# Four more 1-thread pairs after run.sh (same binaries, the cached auto choice, same roofs).
set -u
cd /work/main
O=/tmp/m16/out
export OMP_PROC_BIND=true OMP_PLACES=cores
F1=265.505542 D1=29.0191089
for r in i j k l; do
  OPENBLAS_CORETYPE=SkylakeX build/bench_step --threads 1 --peak-gflops $F1 --peak-gbs $D1 \
      --kernels auto --tune-cache $O/tune_SkylakeX.txt --steps 6 --warmup 2 \
      --json $O/step_d12auto_${r}_SkylakeX_1t.json > $O/step_d12auto_${r}_SkylakeX_1t.txt 2>&1
  env -u OMP_PROC_BIND -u OMP_PLACES /usr/bin/python3 scripts/bench_pytorch.py --env tuned \
      --threads 1 --steps 6 --warmup 2 --json $O/pytorch_d12_${r}_1t.json > $O/pytorch_d12_${r}_1t.txt 2>&1
  echo "$r 1t: $(grep '^step: median' $O/step_d12auto_${r}_SkylakeX_1t.txt) | $(grep -i 'median' $O/pytorch_d12_${r}_1t.txt | tail -1)"
done
