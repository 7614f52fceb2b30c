#!/bin/bash
# The build of e332abc (the AVX2 panel-outer GEMM order, and a8b0f43's FMA peak that no longer
# spills on AVX2) on a Zen 3 machine (AMD EPYC, AVX2, 2 vCPUs), run alone from the repository
# root:
#   results/zen3-2026-12-06/run.sh
# The commands of results/zen5-2026-12-05/final.sh, into run/ here: issue 9's comparison
# (compare.sh: bench_roofs, d12 rounds a and b, T=1024, d24, each beside PyTorch tuned), auto
# against naive side by side, and the highway GEMMs against a paired FMA burst.
F=results/zen3-2026-12-06/run exec results/zen5-2026-12-05/final.sh
