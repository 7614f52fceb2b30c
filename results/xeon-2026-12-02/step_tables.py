#!/usr/bin/python3
"""The step tables of this folder's README from run.sh's and run_more.sh's output folder:
usage: step_tables.py OUT"""
import glob, json, re, statistics, sys

O = sys.argv[1]
roofs = {x["threads"]: x for x in json.load(open(O + "/roofs.json"))["roofs"]}


def params(L, C, V=50304, max_t=1024):  # GPT-2's parameter count (padded vocabulary)
    return V * C + max_t * C + L * (12 * C * C + 13 * C) + 2 * C


# AdamW's compulsory traffic: param, grad, m, v read; param, m, v written; the grad reset: 32 B.
ADAMW_GB = {"d12": params(12, 768) * 32e-9, "d24": params(24, 1024) * 32e-9}


def ours(path):
    j = json.load(open(path))
    return j["step_ms"]["median"], j["gflop_per_step"], j["paired_fma_gflops"]["median"], \
        j["paired_roofline_ratio"]["median"]


def pytorch(path):
    return json.load(open(path))["step_ms"]["median"]


for shape in ("d12", "t1024", "d24"):
    model = "d24" if shape == "d24" else "d12"
    print(f"\n{shape}:")
    print("| round | threads | auto ms | PyTorch ms | PyTorch ÷ auto | paired FMA peak | "
          "issue roofline ms | auto ÷ issue roofline | bench_step's paired ratio |")
    print("|---|---|---|---|---|---|---|---|---|")
    per_t = {1: [], 2: []}
    for path in sorted(glob.glob(f"{O}/step_{shape}auto_*_*t.json")):
        r, t = re.search(r"auto_(\w)_(\d)t\.json", path).groups()
        t = int(t)
        ms, gflop, peak, ratio = ours(path)
        pt = pytorch(f"{O}/pytorch_{shape}_{r}_{t}t.json")
        roof = gflop / peak * 1e3 + ADAMW_GB[model] / roofs[t]["dram_gbs"] * 1e3
        per_t[t].append((r, ms, pt / ms, ms / roof))
        print(f"| {r} | {t} | {ms:.1f} | {pt:.1f} | {pt / ms:.2f} | {peak:.1f} | {roof:.1f} | "
              f"{ms / roof:.2f} | {ratio:.2f} |")
    for t, rows in per_t.items():
        if len(rows) > 1:
            print(f"{t} thread(s): PyTorch ÷ auto median {statistics.median(x[2] for x in rows):.2f}, "
                  f"auto ÷ issue roofline median {statistics.median(x[3] for x in rows):.2f}")
    both = {x[0]: x[1] for x in per_t[1]}
    pairs = [(r, both[r] / ms) for r, ms, _, _ in per_t[2] if r in both]
    if pairs:
        print("2 threads vs 1, round by round: " + ", ".join(f"{r} {x:.2f}x" for r, x in pairs) +
              f" (median {statistics.median(x for _, x in pairs):.2f}x)")
