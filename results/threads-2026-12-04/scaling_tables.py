#!/usr/bin/python3
"""Prints this folder's README tables from the runs' JSON files.
usage: scaling_tables.py [FOLDER]   (FOLDER holds out_scaling/ and out_split/; default: here)"""
import json
import os
import sys

folder = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))


def load(*parts):
    path = os.path.join(folder, *parts)
    return json.load(open(path)) if os.path.exists(path) else None


def ms(stats):
    return f"{stats['median']:.1f} ({stats['min']:.1f}-{stats['max']:.1f})"


def kernel_ms(run, kernel):
    return next(e["ms_per_step"] for e in run["breakdown"] if e["kernel"] == kernel)


print("## Scaling (out_scaling/), d12 B=4 T=64, highway\n")
print("| threads | step ms, median (min-max) | x 1 thread | per thread | PyTorch (pip) ms | PyTorch / ours |")
print("|---|---|---|---|---|---|")
one = load("out_scaling", "step_t1.json")["step_ms"]["median"]
for t in (1, 2, 4, 8, 16):
    run = load("out_scaling", f"step_t{t}.json")
    torch = load("out_scaling", f"pytorch_t{t}.json")
    median = run["step_ms"]["median"]
    torch_cells = (f"{ms(torch['step_ms'])} | {torch['step_ms']['median'] / median:.2f}x"
                   if torch else "- | -")
    print(f"| {t} | {ms(run['step_ms'])} | {one / median:.2f}x | {one / median / t:.0%} | "
          f"{torch_cells} |")

print("\n## The split against the build before it (out_split/), ms a step, medians\n")
print("| threads | round | step old | step new | old / new | matmul_backward old -> new | matmul_backward_adamw old -> new | matmul_forward old -> new |")
print("|---|---|---|---|---|---|---|---|")
for t in (2, 4, 8, 16):
    ratios = []
    for r in "abcde":
        old, new = (load("out_split", f"step_{b}_t{t}_{r}.json") for b in ("old", "new"))
        if old is None or new is None:
            continue
        o, n = old["step_ms"]["median"], new["step_ms"]["median"]
        ratios.append(o / n)
        kernels = " | ".join(f"{kernel_ms(old, k):.1f} -> {kernel_ms(new, k):.1f}" for k in (
            "matmul_backward", "matmul_backward_adamw", "matmul_forward"))
        print(f"| {t} | {r} | {o:.1f} | {n:.1f} | {o / n:.2f}x | {kernels} |")
    ratios.sort()
    print(f"| {t} | median of {len(ratios)} | | | {ratios[len(ratios) // 2]:.2f}x | | | |")
