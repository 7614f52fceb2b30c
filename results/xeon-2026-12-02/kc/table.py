import collections, glob, re, statistics, sys
d = sys.argv[1]; T = sys.argv[2]
rows = collections.defaultdict(lambda: collections.defaultdict(list))
kcs = set()
for path in glob.glob(f"{d}/{T}_kc*_r*.txt"):
    kc = int(re.search(r"kc(\d+)_", path).group(1)); kcs.add(kc)
    for line in open(path):
        m = re.match(r"(\w+)/highway/(\w+)/B4_T(\d+)_\S+/manual_time\s+([\d.]+) ms.*fma_fraction=([\d.]+)", line)
        if m:
            rows[(m.group(1), m.group(2))][kc].append((float(m.group(4)), 100 * float(m.group(5))))
kcs = sorted(kcs, reverse=True)
print("| kernel | role | " + " | ".join(f"kc {k}: ms, % paired" for k in kcs) + " |")
print("|---|---|" + "---|" * len(kcs))
for key, per in sorted(rows.items()):
    cells = []
    for k in kcs:
        v = per.get(k, [])
        if not v: cells.append("-"); continue
        cells.append("%.2f, %.1f" % (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v)))
    print(f"| {key[0]} | {key[1]} | " + " | ".join(cells) + " |")
