#!/bin/bash
# Issue 9's table on this session's 2-core Xeon with the build of b833dea (both of the twentieth
# session's changes: the streamed ZeroGrad and the per-row gradient-sum flags):
# results/zen5-2026-12-05/final.sh into run/, alone from the repository root.
F=results/xeon-2026-12-10/run exec results/zen5-2026-12-05/final.sh
