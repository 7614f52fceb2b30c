#!/bin/bash
# More old/new pairs (bundle as in run_device_split.sh): rounds c, d, e at 8 and 16 threads, and
# at 2 threads, where the split is unchanged (a check of the machine's noise more than of the code).
set -u
O=/tmp/o
mkdir -p "$O" "${OUT:=out}"
B=/tmp/bundle
mkdir -p $B && tar -C $B -xJf .devbundle/bundle.tar.xz
run() { "$B/lib/ld-linux-x86-64.so.2" --library-path "$B/lib" "$@"; }
export OMP_PROC_BIND=true OMP_PLACES=cores
log() { tar -C "$O" -czf "$OUT/out.tar.gz" . ; echo "$(date +%T) $*"; }
for round in c d e; do
  for t in 8 16 2; do
    for build in old new; do
      bin=$B/bin/bench_step; [ $build = old ] && bin=$B/bin/bench_step_old
      log "round $round threads $t $build"
      run $bin --kernels highway --threads $t --steps 5 --json "$O/step_${build}_t${t}_$round.json" \
        > "$O/step_${build}_t${t}_$round.txt" 2>&1
    done
  done
done
log done
