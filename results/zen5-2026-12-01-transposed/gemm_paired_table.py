#!/usr/bin/python3
"""Medians of fma_fraction per kernel and shape over gemm_paired_*.txt (gemm_paired.sh's output);
with a second argument, also the median GFLOP/s over that fixed peak (e.g. bench_roofs' FMA
column measured just before).
usage: gemm_paired_table.py DIR [FIXED_PEAK_GFLOPS]"""
import collections, glob, re, statistics, sys

fixed = float(sys.argv[2]) if len(sys.argv) > 2 else None
rows = collections.defaultdict(list)
for path in sorted(glob.glob(sys.argv[1] + "/gemm_paired_*.txt")):
    for line in open(path):
        m = re.match(r"(\w+)/highway/(\w+)/B4_T(\d+)_\S+/manual_time\s+([\d.]+) ms.*"
                     r"GFLOP/s=([\d.]+)/s.*fma_fraction=([\d.]+)", line)
        if m:
            kernel, role, T, ms, gflops, fraction = m.groups()
            rows[(kernel, int(T), role)].append((float(ms), float(fraction), float(gflops)))
extra = " | %% of %.1f GFLOP/s: median" % fixed if fixed else ""
print("| kernel | T | role | ms (median) | % of the paired FMA peak: median | rounds" + extra + " |")
print("|---|---|---|---|---|---|" + ("---|" if fixed else ""))
for (kernel, T, role), values in sorted(rows.items()):
    ms = statistics.median(v[0] for v in values)
    fractions = [100 * v[1] for v in values]
    line = "| %s | %d | %s | %.2f | **%.1f** | %s |" % (
        kernel, T, role, ms, statistics.median(fractions), ", ".join("%.1f" % f for f in fractions))
    if fixed:
        line += " %.1f |" % (100 * statistics.median(v[2] for v in values) / fixed)
    print(line)
