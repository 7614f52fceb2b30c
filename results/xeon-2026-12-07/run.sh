#!/bin/bash
# Issue 9's table on this session's 2-core Xeon with the build of c4f6b8d (no kernel change since
# 6733006): results/zen5-2026-12-05/final.sh into run/, alone from the repository root.
F=results/xeon-2026-12-07/run exec results/zen5-2026-12-05/final.sh
