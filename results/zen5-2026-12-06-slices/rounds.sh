#!/bin/bash
# Rounds c and d of issue 9's d12 B=4 T=64 pairs, right after run.sh, with its cached auto choice
# and DRAM roofs: the commands of results/zen5-2026-12-06/rounds.sh, into rounds/ here.
# Run alone from the repository root: results/zen5-2026-12-06-slices/rounds.sh
R=results/zen5-2026-12-06-slices exec results/zen5-2026-12-06/rounds.sh
