#!/bin/bash
# Two more rounds (c, d) of issue 9's d12 B=4 T=64 pairs after run.sh, with its cached auto choice
# and DRAM roofs: results/zen5-2026-12-06/rounds.sh into rounds/, alone from the repository root.
R=results/zen5-2026-12-07 exec results/zen5-2026-12-06/rounds.sh
