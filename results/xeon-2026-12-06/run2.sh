#!/bin/bash
# The same commands as run.sh (results/zen5-2026-12-05/final.sh) with the build of 6733006 (a K
# step with no prefetch due tests one comparison), into run2/, alone from the repository root.
F=results/xeon-2026-12-06/run2 exec results/zen5-2026-12-05/final.sh
