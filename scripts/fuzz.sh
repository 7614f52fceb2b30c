#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang, with AddressSanitizer and
# UndefinedBehaviorSanitizer, in build-fuzz/) and runs each for SECONDS, starting from its
# committed seeds in tests/fuzz/corpus/<target>/. New inputs go to build-fuzz/corpus/<target>/,
# never into the repository. Prints each target's executions; stops with exit status 1 at the
# first finding, whose input is saved in build-fuzz/findings/ (add it to a regression test).
#
#   scripts/fuzz.sh [SECONDS] [TARGET ...]   default: 20 seconds, every target
#
# Targets: checkpoint shard tokenizer_file bpe_vocab bpe_encoder flags. Needs Debian's clang.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-20}"
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: error: bad SECONDS '$seconds'" >&2; exit 2; }
shift $(( $# > 0 ? 1 : 0 ))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(checkpoint shard tokenizer_file bpe_vocab bpe_encoder flags)
for t in "${targets[@]}"; do
  [ -d "$root/tests/fuzz/corpus/$t" ] || { echo "fuzz.sh: error: unknown target '$t'" >&2; exit 2; }
done
command -v clang++ >/dev/null || { echo "fuzz.sh: error: needs clang++ (apt-get install clang)" >&2; exit 2; }

build="$root/build-fuzz"
echo "== fuzz: building ${#targets[@]} targets in $build"
CXX=clang++ cmake -S "$root" -B "$build" -DGPT2_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target "${targets[@]/#/fuzz_}" >/dev/null

mkdir -p "$build/findings"
printf '%-16s %8s %12s %10s %8s\n' target seconds executions "execs/s" corpus
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t"
  log="$build/fuzz_$t.log"
  # One worker, inputs up to 64 KiB, 10 s per input counts as a hang, 2 GiB as a leak/blow-up.
  if ! "$build/fuzz_$t" "$build/corpus/$t" "$root/tests/fuzz/corpus/$t" \
      -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$build/findings/$t-" >"$log" 2>&1; then
    echo "fuzz.sh: FINDING in fuzz_$t: see $log and $build/findings/" >&2
    grep -m5 -E "ERROR|SUMMARY|Test unit written" "$log" >&2 || tail -20 "$log" >&2
    exit 1
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  files=$(ls "$build/corpus/$t" | wc -l)
  printf '%-16s %8s %12s %10s %8s\n' "$t" "$seconds" "$execs" "$((execs / seconds))" "$files"
done
echo "== fuzz: no findings"
