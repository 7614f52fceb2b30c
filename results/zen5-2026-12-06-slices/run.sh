#!/bin/bash
# The build of a943c36 (the weight gradient's dout-slice prefetch) on a fresh Zen 5 machine, run
# alone from the repository root:
#   results/zen5-2026-12-06-slices/run.sh
# The commands of results/zen5-2026-12-06/run.sh, into run/ here: issue 9's comparison
# (compare.sh: bench_roofs, d12 rounds a and b, T=1024, d24, each beside PyTorch tuned), auto
# against naive side by side, and the highway GEMMs against a paired FMA burst.
R=results/zen5-2026-12-06-slices exec results/zen5-2026-12-06/run.sh
