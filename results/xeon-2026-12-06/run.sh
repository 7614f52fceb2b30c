#!/bin/bash
# The build of 6d62705 on a 2-vCPU Intel Xeon (the same kind as xeon-2026-12-05/), run alone
# from the repository root:
#   results/xeon-2026-12-06/run.sh
# The commands of results/zen5-2026-12-05/final.sh, into run/ here: issue 9's comparison
# (compare.sh: bench_roofs, d12 rounds a and b, T=1024, d24, each beside PyTorch tuned), auto
# against naive side by side, and the highway GEMMs against a paired FMA burst.
F=results/xeon-2026-12-06/run exec results/zen5-2026-12-05/final.sh
