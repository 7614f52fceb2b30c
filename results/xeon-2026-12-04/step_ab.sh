#!/bin/bash
# Two bench_step builds alternated: d12 B=4 T=64, highway, --steps 5, at $1 threads, $2 pairs.
# usage: OLD=path NEW=path step_ab.sh THREADS PAIRS   (the ninth session's local_ab/ab.sh, pinned)
export OMP_PROC_BIND=true OMP_PLACES=cores
T=$1; N=$2
for i in $(seq $N); do
  for b in old new; do
    bin=$NEW; [ $b = old ] && bin=$OLD
    printf "%s t%s %s: " $i $T $b; $bin --kernels highway --threads $T --steps 5 2>&1 | grep -E "^step:"
  done
done
