#!/bin/bash
# Issue 9's table on this session's 2-core Zen 5 with the build of a3892e5 (kernels as 5edcc18:
# attention's scores and gradients in highway's L2 scratch): results/zen5-2026-12-05/final.sh
# into run/, alone from the repository root.
F=results/zen5-2026-12-07/run exec results/zen5-2026-12-05/final.sh
