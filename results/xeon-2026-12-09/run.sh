#!/bin/bash
# Issue 9's table on this session's 2-core Xeon with the build of d3ea921 (the activation
# gradients zeroed with non-temporal stores): results/zen5-2026-12-05/final.sh into run/, alone
# from the repository root.
F=results/xeon-2026-12-09/run exec results/zen5-2026-12-05/final.sh
