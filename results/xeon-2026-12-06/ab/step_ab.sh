#!/bin/bash
# The d12 step (B=4 T=64, highway family, 1 thread unless THREADS) with the forward's GEMM
# settings switched by environment in one temporary build (build-exp: the patch in
# forward_panel_outer_experiment.patch), the settings alternated run by run, ROUNDS rounds.
# GPT2_EXP_V=2: the turned-around forward goes panel by panel over 96-row blocks of the weight;
# GPT2_EXP_NC=256: its column block is 256 wide (all of B·T = 256), so the weight is read once.
set -u
T=${THREADS:-1}
export OMP_PROC_BIND=true OMP_PLACES=cores
for round in $(seq ${ROUNDS:-3}); do
  for setting in "0 0" "2 0" "0 256" "2 256"; do
    set -- $setting
    line=$(GPT2_EXP_V=$1 GPT2_EXP_NC=$2 build-exp/bench_step --threads $T --kernels highway \
      --steps 5 --warmup 1 2>&1 | grep -E '^step: median|matmul_forward ')
    echo "round $round v=$1 nc=$2 | $(echo $line | tr '\n' ' ')"
  done
done
