#!/bin/bash
# kMaxKc A/B on this CPU: GPT2_EXP_KC in the experiment worktree, rounds alternate the values.
cd "${WT:?set WT to a worktree with experiment_kc.diff applied and built}"
export OMP_PROC_BIND=true OMP_PLACES=cores
for r in 1 2 3; do for kc in 1024 384 512 256; do
  GPT2_EXP_KC=$kc build/bench_kernels --threads 1 --skip-errors --paired-peak \
    --benchmark_filter="^matmul_(forward|backward|backward_adamw)/highway/(qkv|attproj|fc|fcproj|lmhead)/B4_T${T:-64}_" \
    > "${O:?set O to an output folder}"/${T:-64}_kc${kc}_r$r.txt 2>&1
  echo "round $r kc $kc done"
done; done
