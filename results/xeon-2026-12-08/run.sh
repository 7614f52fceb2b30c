#!/bin/bash
# Issue 9's table on this session's 2-core Xeon with the build of 729d27d (the LM head's dinp in
# 384-wide column blocks, the panel asked for 16 steps ahead): results/zen5-2026-12-05/final.sh
# into run/, alone from the repository root.
F=results/xeon-2026-12-08/run exec results/zen5-2026-12-05/final.sh
