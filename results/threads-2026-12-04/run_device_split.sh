#!/bin/bash
# The output split (bands of rows where columns run short, shorter weight-gradient blocks)
# against the build before it, on the 16-core machine: bench_step, d12 B=4 T=64, highway,
# old and new alternated twice at 2, 4, 8 and 16 threads, then B=4 T=256 at 16 threads.
# Bundle as in run_device.sh, with bin/bench_step (this commit) and bin/bench_step_old (the
# commit before it). Packs /tmp/o into $OUT/out.tar.gz after each run.
set -u
O=/tmp/o
mkdir -p "$O" "${OUT:=out}"
B=/tmp/bundle
mkdir -p $B && tar -C $B -xJf .devbundle/bundle.tar.xz
run() { "$B/lib/ld-linux-x86-64.so.2" --library-path "$B/lib" "$@"; }
{ lscpu; echo; free -g; echo; uname -a; } > "$O/machine.txt" 2>&1
export OMP_PROC_BIND=true OMP_PLACES=cores
log() { tar -C "$O" -czf "$OUT/out.tar.gz" . ; echo "$(date +%T) $*"; }

for round in a b; do
  for t in 16 8 4 2; do
    for build in old new; do
      bin=$B/bin/bench_step; [ $build = old ] && bin=$B/bin/bench_step_old
      log "round $round threads $t $build"
      run $bin --kernels highway --threads $t --steps 5 --json "$O/step_${build}_t${t}_$round.json" \
        > "$O/step_${build}_t${t}_$round.txt" 2>&1
    done
  done
done
for build in old new; do
  bin=$B/bin/bench_step; [ $build = old ] && bin=$B/bin/bench_step_old
  log "T=256 threads 16 $build"
  run $bin --kernels highway --threads 16 -T 256 --steps 3 --warmup 1 \
    > "$O/step_T256_${build}_t16.txt" 2>&1
done
log "new, 1 thread"
run $B/bin/bench_step --kernels highway --threads 1 --steps 5 --json "$O/step_new_t1.json" \
  > "$O/step_new_t1.txt" 2>&1
log done
