#!/usr/bin/python3
"""Medians of fma_fraction per kernel and shape over gemm_paired_*.txt (gemm_paired.sh's output).
usage: gemm_paired_table.py DIR"""
import collections, glob, re, statistics, sys

rows = collections.defaultdict(list)
for path in sorted(glob.glob(sys.argv[1] + "/gemm_paired_*.txt")):
    for line in open(path):
        m = re.match(r"(\w+)/highway/(\w+)/B4_T(\d+)_\S+/manual_time\s+([\d.]+) ms.*fma_fraction=([\d.]+)", line)
        if m:
            kernel, role, T, ms, fraction = m.groups()
            rows[(kernel, int(T), role)].append((float(ms), float(fraction)))
print("| kernel | T | role | ms (median) | % of the paired FMA peak: median | rounds |")
print("|---|---|---|---|---|---|")
for (kernel, T, role), values in sorted(rows.items()):
    ms = statistics.median(v[0] for v in values)
    fractions = [100 * v[1] for v in values]
    print("| %s | %d | %s | %.2f | **%.1f** | %s |" % (kernel, T, role, ms, statistics.median(fractions),
                                                   ", ".join("%.1f" % f for f in fractions)))
