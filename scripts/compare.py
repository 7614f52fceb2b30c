#!/usr/bin/python3
"""Compares two results folders (format: results/README.md), A the baseline and B the new one.

    scripts/compare.py results/A results/B [--threshold 0.10] [--min-ms 0.05] [--only kernels]

Matches every kernel benchmark present in both (same kernels*.json file, same
kernel/family/role/shape), every training step (same family and thread count) and every PyTorch
run (same env), and prints A's and B's milliseconds, the speed-up A/B (above 1: B is faster) and
REGRESSION where B is slower than A by more than the threshold (B > A·(1 + threshold)). Entries
under --min-ms in both folders are compared but never flagged: their differences are timer noise.
The last line gives the count, the regressions and the geometric-mean speed-up.

Exit status: 0 no regression, 1 at least one regression, 2 bad input (a missing folder, a file
that is not valid JSON, no entries in common).
"""
import argparse
import math
import os
import re

from results_lib import (InputError, fail, fmt_ms, load_json, markdown_table, read_kernels,
                         read_pytorch, read_step, results_files)

PROG = "compare.py"


def entries(folder, only):
    """{key: (display name, ms)} for everything timed in `folder`, in file order."""
    kernel_files, step_files, pytorch_files = results_files(folder)
    out = {}
    if only in (None, "kernels"):
        for path in kernel_files:
            for e in read_kernels(path):
                prefix = f"[{e['tag']}] " if e["tag"] else ""
                out[("kernel", e["file"], e["name"])] = (prefix + e["name"], e["ms"])
    if only in (None, "steps"):
        for path in step_files:
            s = read_step(path)
            label = s["family"]
            if "," in label or "=" in label:  # a mix: its file's name is shorter than its spec
                label = re.sub(r"^step_(.+)_t\d+\.json$", r"\1", s["source"])
            out[("step", s["family"], s["threads"])] = (f"step {label} t{s['threads']}", s["ms"])
        for path in pytorch_files:
            p = read_pytorch(path)
            if p["installed"]:
                out[("pytorch", p["env"])] = (f"pytorch {p['env']} t{p['threads']}", p["ms"])
    return out


def describe(folder):
    """One line: the folder, its CPU and commit from machine.json when present."""
    path = os.path.join(folder, "machine.json")
    if not os.path.exists(path):
        return folder
    machine = load_json(path)
    cpu = (machine.get("cpu") or {}).get("model")
    git = machine.get("git") or {}
    commit = (git.get("commit") or "")[:7] + (" (dirty)" if git.get("dirty") else "")
    return ", ".join(x for x in (folder, cpu, commit) if x)


def fmt_speedup(x):
    return f"{x:.2f}×" if x < 9.995 else f"{x:.1f}×"


def main():
    parser = argparse.ArgumentParser(
        description="Compare two results folders; exit 1 when B regressed against A.")
    parser.add_argument("a", metavar="A", help="the baseline results folder")
    parser.add_argument("b", metavar="B", help="the results folder to check")
    parser.add_argument("--threshold", type=float, default=0.10,
                        help="flag B > A*(1+THRESHOLD) as a regression (default: 0.10)")
    parser.add_argument("--min-ms", type=float, default=0.05,
                        help="never flag entries under this many ms in both A and B "
                             "(default: 0.05)")
    parser.add_argument("--only", choices=["kernels", "steps"],
                        help="compare only the kernel benchmarks, or only the steps "
                             "(bench_step and PyTorch)")
    args = parser.parse_args()
    if not args.threshold >= 0:
        parser.error(f"bad value {args.threshold} for --threshold: must be 0 or more")
    if not args.min_ms >= 0:
        parser.error(f"bad value {args.min_ms} for --min-ms: must be 0 or more")

    try:
        a, b = entries(args.a, args.only), entries(args.b, args.only)
        header_a, header_b = describe(args.a), describe(args.b)
    except InputError as e:
        fail(PROG, str(e))
    common = [key for key in a if key in b]
    if not common:
        what = {None: "kernel benchmarks or steps", "kernels": "kernel benchmarks",
                "steps": "steps"}[args.only]
        fail(PROG, f"no {what} in common between {args.a} ({len(a)} entries) and {args.b} "
                   f"({len(b)} entries)")

    rows, logs, regressions = [], [], 0
    for key in common:
        name, ms_a = a[key]
        ms_b = b[key][1]
        speedup = ms_a / ms_b if ms_b > 0 else math.inf
        flag = ""
        if max(ms_a, ms_b) >= args.min_ms:
            if ms_b > ms_a * (1 + args.threshold):
                flag = "REGRESSION"
                regressions += 1
            elif ms_a > ms_b * (1 + args.threshold):
                flag = "faster"
        if ms_a > 0 and ms_b > 0:
            logs.append(math.log(speedup))
        rows.append([name, fmt_ms(ms_a), fmt_ms(ms_b), fmt_speedup(speedup), flag])
    print(f"A: {header_a}\nB: {header_b}\n")
    print(markdown_table(["name", "A ms", "B ms", "A/B", "flag"], rows, "lrrrl"))
    unmatched = len(a) - len(common), len(b) - len(common)
    if any(unmatched):
        print(f"\nnot compared: {unmatched[0]} entries only in A, {unmatched[1]} only in B")
    geomean = math.exp(sum(logs) / len(logs)) if logs else math.nan
    print(f"\n{len(common)} compared, {regressions} regression{'' if regressions == 1 else 's'} "
          f"(B slower than A by more than {args.threshold:.0%}), "
          f"geometric-mean speed-up A/B {geomean:.3f}×")
    return 1 if regressions else 0


if __name__ == "__main__":
    raise SystemExit(main())
