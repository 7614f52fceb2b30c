#!/usr/bin/env bash
# The test command: installs the build dependencies, builds (Release, -j2) and runs every test
# through ctest. Extra arguments go to ctest, e.g. `scripts/run_tests.sh -LE large` to skip the
# multi-gigabyte model-size tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --build
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2
ctest --test-dir build --output-on-failure "$@"
