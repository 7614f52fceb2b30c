#!/usr/bin/env bash
# The main job: installs dependencies, builds, measures this CPU and draws the plots.
#
#   scripts/run_benchmarks.sh [--quick] [--threads N] [--out DIR]
#
# Stages (each prints a progress line with the time so far):
#   roofs     bench_roofs: peak GFLOP/s and STREAM-triad bandwidth at 1..N threads
#   kernels   bench_kernels: every kernel x family at B=4, T=64 and T=1024, with GFLOP/s or GB/s,
#             the fraction of the roofline and the error against naive in double
#   openblas  the openblas family again under OpenBLAS's best core type for this CPU
#   targets   the highway family at T=64 on every Highway target this CPU supports
#   steps     bench_step: full d12 B=4 T=64 training steps per family at N threads, one mix
#             (highway+openblas: highway with OpenBLAS's GEMMs), and openblas, highway and the
#             mix at every thread count below N (the thread sweep)
#   pytorch   scripts/bench_pytorch.py: the same step in PyTorch, default and tuned environments
#   report    machine.json, CSV, summary.md and plots/*.png
# Results go to results/<host>-<date>/ (or --out). Threads are pinned (OMP_PROC_BIND=close,
# OMP_PLACES=cores) unless the caller set OMP_PROC_BIND. A default run took 11 min 15 s on 2 cores
# after the build; --quick 2 min 5 s: T=64 only, no naive matmul or attention kernels, no
# error column, no OpenBLAS core-type rerun, no Highway targets, no tiled step and no thread sweep,
# fewer steps (naive: one, unwarmed).
set -euo pipefail
cd "$(dirname "$0")/.."
threads=$(nproc)
quick=0
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --threads) threads=${2:?--threads needs a value}; shift 2 ;;
    --out) out=${2:?--out needs a value}; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "run_benchmarks.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$threads" in
  ''|*[!0-9]*|0) echo "run_benchmarks.sh: bad value '$threads' for --threads" >&2; exit 2 ;;
esac

start=$SECONDS
stage() { printf '== [%s] %s (%d:%02d elapsed)\n' "$1" "$2" $(((SECONDS - start) / 60)) $(((SECONDS - start) % 60)); }

stage 1/9 "dependencies"
scripts/install-deps.sh
stage 2/9 "build (Release, -j2)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build -j2 | grep -E 'error|warning|Built target (bench|gpt2_train)' || true
[ -x build/bench_kernels ] && [ -x build/bench_step ] && [ -x build/bench_roofs ] || {
  echo "run_benchmarks.sh: the build failed" >&2; exit 1; }
build_done=$SECONDS

out=${out:-"results/$(hostname -s)-$(date +%Y-%m-%d)"}
mkdir -p "$out"
export OMP_PROC_BIND=${OMP_PROC_BIND:-close} OMP_PLACES=${OMP_PLACES:-cores}
echo "   results: $out; $threads threads; pinning OMP_PROC_BIND=$OMP_PROC_BIND OMP_PLACES=$OMP_PLACES"
py=/usr/bin/python3
json_get() { "$py" -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

stage 3/9 "roofs: peak GFLOP/s and triad bandwidth at 1..$threads threads"
roof_flags=()
[ "$quick" = 1 ] && roof_flags=(--reps 2 --dram-mib 256)
build/bench_roofs --threads "$threads" "${roof_flags[@]}" --json "$out/roofs.json" \
  --csv "$out/roofs.csv" | tee "$out/roofs.log"
roof_at() { json_get "$out/roofs.json" "[r for r in d['roofs'] if r['threads']==$1][0]['$2']" ; }
peak=$(roof_at "$threads" peak_gflops)
dram=$(roof_at "$threads" dram_gbs)
roofs=(--peak-gflops "$peak" --peak-gbs "$dram")

# Google Benchmark's minimum time per entry: enough for stable medians of the short kernels;
# the long ones run once or twice regardless.
min_time=(--benchmark_min_time=0.3)
[ "$quick" = 1 ] && min_time=(--benchmark_min_time=0.1)
stage 4/9 "kernels: every kernel x family (B=4; T=64 and T=1024)"
if [ "$quick" = 1 ]; then
  # T=64 only, and no naive matmul or attention: they take most of the time.
  filter='^(encoder|layernorm|gelu|residual|softmax|crossentropy|adamw)[a-z_]*/naive/.*_T64_|/(tiled|highway|openblas|sgemm_bare)/.*_T64_'
  extra=(--skip-errors)
else
  # Everything but the naive and tiled matmuls at T=1024: 15 s to minutes a call, and their
  # rate does not change with B*T (same loops, more rows), so the T=64 entries say it all.
  filter='-matmul_(forward|backward)/(naive|tiled)/.*_T1024_'
  extra=()
fi
build/bench_kernels --threads "$threads" "${roofs[@]}" "${min_time[@]}" "${extra[@]}" \
  --benchmark_filter="$filter" --benchmark_out="$out/kernels.json" \
  --benchmark_out_format=json > "$out/kernels.log" 2>&1
printf '   %s entries\n' "$(grep -c '/real_time' "$out/kernels.log")"

# OpenBLAS 0.3.21 picks its kernels from the CPUs it knows and falls back to older ones on newer
# CPUs (AVX2 "Haswell" kernels on AMD Zen 5, for one); OPENBLAS_CORETYPE forces a choice.
if grep -qw avx512f /proc/cpuinfo; then best_core=SkylakeX; else best_core=Haswell; fi
stage 5/9 "openblas again with OPENBLAS_CORETYPE=$best_core"
if [ "$quick" = 1 ]; then
  echo "   skipped (--quick)"
else
  OPENBLAS_CORETYPE=$best_core build/bench_kernels --threads "$threads" "${roofs[@]}" \
    "${min_time[@]}" --skip-errors --benchmark_filter='/(openblas|sgemm_bare)/.*_T64_' \
    --benchmark_out="$out/kernels_openblas_$best_core.json" --benchmark_out_format=json \
    > "$out/kernels_openblas_$best_core.log" 2>&1
fi

stage 6/9 "highway on each Highway target (T=64)"
if [ "$quick" = 1 ]; then
  echo "   skipped (--quick)"
else
  for target in $(json_get "$out/roofs.json" "' '.join(d['highway']['supported'])"); do
    echo "   $target"
    build/bench_kernels --threads "$threads" "${roofs[@]}" "${min_time[@]}" --skip-errors \
      --hwy-target "$target" --benchmark_filter='/highway/.*_T64_' \
      --benchmark_out="$out/kernels_highway_$target.json" --benchmark_out_format=json \
      > "$out/kernels_highway_$target.log" 2>&1
  done
fi

stage 7/9 "training steps, d12 B=4 T=64"
# A mix is the registry's point: highway everywhere, OpenBLAS for the GEMM-shaped kernels.
mix=(--kernels highway --kernel matmul_forward=openblas --kernel matmul_backward=openblas
     --kernel attention_forward=openblas --kernel attention_backward=openblas)
step() {  # name threads steps warmup kernel-flags...
  local name=$1 t=$2 n=$3 w=$4
  shift 4
  echo "   $name: $*, $t threads, $n steps after $w warm-up"
  build/bench_step --model d12 -B 4 -T 64 "$@" --threads "$t" --steps "$n" --warmup "$w" \
    --peak-gflops "$(roof_at "$t" peak_gflops)" --peak-gbs "$(roof_at "$t" dram_gbs)" \
    --label "$name" --json "$out/step_${name}_t$t.json" > "$out/step_${name}_t$t.log" 2>&1
  grep '^step:' "$out/step_${name}_t$t.log" | sed 's/^/     /'
}
# auto: the fastest family per kernel, timed afresh (--retune) at each thread count; the
# tuning table is in step_auto_t<N>.log and the choice in auto_kernels.txt.
auto=(--kernels auto --retune --tune-cache "$out/auto_kernels.txt")
if [ "$quick" = 1 ]; then
  for family in openblas highway; do step "$family" "$threads" 2 1 --kernels "$family"; done
  step highway+openblas "$threads" 2 1 "${mix[@]}"
  step auto "$threads" 2 1 "${auto[@]}"
  step naive "$threads" 1 0 --kernels naive
else
  for family in tiled openblas highway; do step "$family" "$threads" 6 2 --kernels "$family"; done
  step highway+openblas "$threads" 6 2 "${mix[@]}"
  step auto "$threads" 6 2 "${auto[@]}"
  step naive "$threads" 2 1 --kernels naive
  for ((t = 1; t < threads; t++)); do
    for family in openblas highway; do step "$family" "$t" 4 1 --kernels "$family"; done
    step highway+openblas "$t" 4 1 "${mix[@]}"
    step auto "$t" 4 1 "${auto[@]}"
  done
fi

stage 8/9 "PyTorch baseline"
py_steps=10
py_warmup=2
[ "$quick" = 1 ] && py_steps=3 py_warmup=1
for env in default tuned; do
  # Without our pinning: libgomp's binding would leave PyTorch's OpenBLAS (Debian's pthread build)
  # one usable CPU. The tuned environment sets its own threads.
  env -u OMP_PROC_BIND -u OMP_PLACES "$py" scripts/bench_pytorch.py --env "$env" --threads "$threads" --steps "$py_steps" \
    --warmup "$py_warmup" --json "$out/pytorch_$env.json" > "$out/pytorch_$env.log" 2>&1 || true
  tail -n 1 "$out/pytorch_$env.log" | sed 's/^/   /'
done

stage 9/9 "report: machine.json, CSV, summary, plots"
"$py" scripts/machine_info.py --build-dir build --roofs "$out/roofs.json" \
  --out "$out/machine.json" --threads "$threads"
"$py" scripts/plot_results.py "$out" | sed 's/^/   /'
"$py" scripts/summarize.py "$out"
printf '\nbenchmarks took %d:%02d after the build (%d:%02d in all); results in %s/\n' \
  $(((SECONDS - build_done) / 60)) $(((SECONDS - build_done) % 60)) \
  $(((SECONDS - start) / 60)) $(((SECONDS - start) % 60)) "$out"
