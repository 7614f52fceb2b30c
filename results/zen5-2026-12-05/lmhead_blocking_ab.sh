#!/bin/bash
# The LM head's dinp blocking (InputGradientBlocking) against the build before it, alternated:
# bench_kernels' highway matmul_backward at B=4 T=64, 1 thread, each call's fraction of a paired
# FMA burst. OLD is a build of the commit before (git worktree + cmake --build --target
# bench_kernels). Run alone from the repository root:
#   OLD=/tmp/old/build results/zen5-2026-12-05/lmhead_blocking_ab.sh
set -u
OLD=${OLD:?set OLD to the old build folder}
R=results/zen5-2026-12-05
export OMP_PROC_BIND=true OMP_PLACES=cores
for round in 1 2 3; do
  for build in old new; do
    bin=build/bench_kernels
    [ $build = old ] && bin=$OLD/bench_kernels
    $bin --threads 1 --paired-peak --skip-errors --benchmark_repetitions=3 \
      --benchmark_filter='^matmul_backward/highway/(lmhead|fc|qkv)/B4_T64_' 2>&1 |
      grep median | sed "s|^|$round $build |" | awk '{print $1, $2, $3, $4, $NF, $(NF-1)}'
  done
done
