#!/usr/bin/env bash
# The test command (what CI runs, through .ci/run). Installs the build dependencies, then:
#   1. release   builds (Release, -j2) and runs every test through ctest;
#   2. sanitize  builds everything again with AddressSanitizer and UndefinedBehaviorSanitizer
#                (build-asan/; Highway for this CPU's best target only) and runs the suite but
#                the multi-gigabyte `large` tests and the benchmark smoke tests;
#   3. fuzz      builds the libFuzzer targets (clang, build-fuzz/) and runs each for 20 s
#                (scripts/fuzz.sh; GPT2_FUZZ_SECONDS changes it).
# Extra arguments go to the release ctest, e.g. `scripts/run_tests.sh -LE large`.
# GPT2_TEST_STAGES picks stages (default "release sanitize fuzz"), e.g. GPT2_TEST_STAGES=release.
set -euo pipefail
cd "$(dirname "$0")/.."
stages="${GPT2_TEST_STAGES:-release sanitize fuzz}"
for stage in $stages; do
  case "$stage" in release|sanitize|fuzz) ;; *)
    echo "run_tests.sh: error: unknown stage '$stage' in GPT2_TEST_STAGES" >&2; exit 2 ;;
  esac
done
start=$SECONDS
stage_start() { echo; echo "=== run_tests: $1 (at $((SECONDS - start)) s)"; }

scripts/install-deps.sh --build

if [[ " $stages " == *" release "* ]]; then
  stage_start "release build and ctest"
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
  cmake --build build -j2
  ctest --test-dir build --output-on-failure "$@"
fi

if [[ " $stages " == *" sanitize "* ]]; then
  stage_start "AddressSanitizer + UndefinedBehaviorSanitizer build and ctest (all but the large and bench tests)"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGPT2_SANITIZE=ON -DGPT2_NATIVE=ON \
    >/dev/null
  cmake --build build-asan -j2
  # detect_leaks: the suite must not leak either. The bench smoke tests time things; skip them.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j2 -LE large -E '^bench_'
fi

if [[ " $stages " == *" fuzz "* ]]; then
  stage_start "fuzzing every target for ${GPT2_FUZZ_SECONDS:-20} s"
  scripts/fuzz.sh "${GPT2_FUZZ_SECONDS:-20}"
fi

echo
echo "=== run_tests: all stages passed ($stages) in $((SECONDS - start)) s"
