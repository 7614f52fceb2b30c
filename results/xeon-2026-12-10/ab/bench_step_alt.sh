#!/bin/bash
# bench_step_alt.sh THREADS GBS ROUNDS: alternate two builds' bench_step ($BASE and $NEW, copies of
# build/bench_step made before and after a change), highway kernels, d12 B=4 T=64, ROUNDS times;
# prints each run's step median, whole-step ratio and three kernels' ms a step from the breakdown.
set -u
t=$1; gbs=$2; n=$3
for r in $(seq 1 "$n"); do
  for b in base new; do
    bin=$BASE; [ "$b" = new ] && bin=$NEW
    out=$("$bin" --kernels highway --threads "$t" --steps 6 --warmup 2 --paired-peak --peak-gbs "$gbs" 2>&1)
    step=$(echo "$out" | grep -oP "^step: median \K[0-9.]+")
    ratio=$(echo "$out" | grep -oP "over the whole-step roofline: median \K[0-9.]+")
    ce=$(echo "$out" | awk '$1=="softmax_crossentropy_fused"{print $3}')
    mb=$(echo "$out" | awk '$1=="matmul_backward"{print $3}')
    fw=$(echo "$out" | awk '$1=="matmul_forward"{print $3}')
    echo "round $r $b: step $step ms, ratio $ratio, softmax_crossentropy_fused $ce ms," \
      "matmul_backward (LM head dinp) $mb ms, matmul_forward $fw ms"
  done
done
