#!/bin/bash
# The build of 631f9d2 (kernels as of 3632e3c) on a fresh Zen 5 machine, run alone from the
# repository root:
#   results/zen5-2026-12-06/run.sh
# The commands of results/zen5-2026-12-05/final.sh, into run/ here:
# 1. Issue 9's comparison (compare.sh: bench_roofs, d12 B=4 T=64 in two rounds at 1 and 2
#    threads, T=1024 B=1, d24; each auto step paired with PyTorch's tuned step).
# 2. "≥ 5× faster than naive", side by side at 1 and 2 threads, auto from run/tune.txt.
# 3. The highway GEMMs' fractions of a paired FMA burst at 1 thread, B=4 T=64.
# R (default this folder) is where run/ goes; the fifteenth session's run.sh sets it.
F=${R:-results/zen5-2026-12-06}/run exec results/zen5-2026-12-05/final.sh
