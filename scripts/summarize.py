#!/usr/bin/python3
"""Summarises a results folder (format: results/README.md).

    scripts/summarize.py results/<host>-<date>

Writes, into the folder, steps.csv (one row per step_*.json and pytorch_*.json), kernels.csv (one
row per benchmark of every kernels*.json: the median aggregate when repetitions were run, else the
iteration) and summary.md, which it also prints: the full training step of each family and of
PyTorch at the largest thread count measured, and the fastest family for every kernel at B=4 T=64
(and at T=1024 when measured). Bad input (a missing folder, a file that is not valid JSON or lacks
a required field, a folder with no results) is one line naming the file, and exit status 2.
"""
import argparse
import csv
import io
import os
import re
import sys
import textwrap

from results_lib import (InputError, fail, fmt_ms, fmt_percent, fmt_ratio, fmt_sig, load_json,
                         markdown_table, read_kernels, read_pytorch, read_step, results_files,
                         write_atomically)

PROG = "summarize.py"
FAMILY_ORDER = ["naive", "tiled", "openblas", "highway"]
PYTORCH_ENVS = ["default", "tuned"]
# llm.c's order (kernels/ops.h) and the matmul roles in a layer's order; others follow, as found.
KERNEL_ORDER = ["encoder_forward", "encoder_backward", "layernorm_forward", "layernorm_backward",
                "matmul_forward", "matmul_backward", "matmul_gelu_forward", "attention_forward",
                "attention_backward", "gelu_forward", "gelu_backward", "residual_forward",
                "residual_backward", "residual_layernorm_forward", "softmax_forward",
                "crossentropy_forward", "crossentropy_softmax_backward",
                "softmax_crossentropy_fused", "adamw_update", "matmul_backward_adamw"]
ROLE_ORDER = ["qkv", "attproj", "fc", "fcproj", "lmhead"]
YARDSTICK = "sgemm_bare"  # a bare cblas_sgemm: the openblas wrapper's yardstick, not a family
STEP_COLUMNS = ["source", "family", "threads", "B", "T", "step_ms_median", "step_ms_min",
                "step_ms_max", "tokens_per_s", "peak_rss_mib", "gflops", "roofline_fraction",
                "step_roofline_fraction", "speedup_vs_naive"]
KERNEL_COLUMNS = ["file", "kernel", "family", "role", "shape", "ms", "gflops", "gbs",
                  "roof_fraction", "max_rel_err"]


def load(folder):
    kernel_files, step_files, pytorch_files = results_files(folder)
    if not kernel_files and not step_files:
        raise InputError(f"{folder}: no kernels*.json or step_*.json: not a results folder")
    optional = {}
    for name in ("machine.json", "roofs.json"):
        path = os.path.join(folder, name)
        optional[name] = load_json(path) if os.path.exists(path) else None
    kernels = [e for path in kernel_files for e in read_kernels(path)]
    steps = [read_step(path) for path in step_files]
    pytorch = [read_pytorch(path) for path in pytorch_files]
    naive_ms = {s["threads"]: s["ms"] for s in steps if s["family"] == "naive"}
    for row in steps + pytorch:
        base = naive_ms.get(row["threads"])
        row["speedup_vs_naive"] = base / row["ms"] if base and row["ms"] else None
    return {"folder": folder, "context": kernels_context(folder),
            "machine": optional["machine.json"],
            "roofs": optional["roofs.json"], "kernels": kernels, "steps": steps,
            "pytorch": pytorch}


def csv_value(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def csv_text(columns, rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_value(row.get(c)) for c in columns])
    return out.getvalue()


def step_csv_rows(data):
    rows = []
    for s in data["steps"] + data["pytorch"]:
        rows.append(dict(s, step_ms_median=s["ms"], step_ms_min=s["ms_min"],
                         step_ms_max=s["ms_max"]))
    return rows


# --- summary.md ---------------------------------------------------------------------------------

def get(obj, *keys):
    """obj[k1][k2]... or None where any level is missing."""
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def kernels_context(folder):
    """{"threads", "core", "simd"} from kernels.json's context, each None when unknown. Its
    threads reads "OpenMP 2 threads; OpenBLAS ... (core SkylakeX, OpenMP, 2 threads)" and its
    simd "Highway AVX3 (compiled and supported: ...)"."""
    path = os.path.join(folder, "kernels.json")
    context = get(load_json(path), "context") if os.path.exists(path) else None
    threads = re.search(r"OpenMP (\d+) thread", str(get(context, "threads")))
    core = re.search(r"\(core (\w+)", str(get(context, "threads")))
    simd = re.match(r"Highway (\w+)", str(get(context, "simd")))
    return {"threads": int(threads.group(1)) if threads else None,
            "core": core.group(1) if core else None, "simd": simd.group(1) if simd else None}


def highway_target(data):
    """The Highway target dispatch chose: machine.json, roofs.json, the step or kernels files."""
    chosen = get(data["machine"], "highway", "chosen") or get(data["roofs"], "highway", "chosen")
    if chosen:
        return chosen
    for s in data["steps"]:
        match = re.match(r"Highway (\w+)", s.get("simd") or "")
        if match:
            return match.group(1)
    return data["context"]["simd"]


def header(data, threads):
    machine = data["machine"]
    parts = []
    if machine is None:
        parts.append("no machine.json")
    else:
        cpu = get(machine, "cpu", "model") or "unknown CPU"
        cores = get(machine, "cpu", "cores", "physical") or get(machine, "cpu", "cores", "logical")
        cpu += f", {cores} cores" if cores else ""
        hypervisor = get(machine, "cpu", "hypervisor")
        cpu += f", {hypervisor} guest" if hypervisor else ""
        parts.append(cpu)
        parts.append(get(machine, "date") or "date unknown")
    parts.append(f"{threads} threads" if threads else "threads unknown")
    target = highway_target(data)
    parts.append(f"Highway {target}" if target else "Highway target unknown")
    commit = get(machine, "git", "commit")
    if commit:
        parts.append(commit[:7] + (" (dirty)" if get(machine, "git", "dirty") else ""))
    title = os.path.basename(os.path.normpath(data["folder"]))
    return f"# Results {title}\n\n" + " · ".join(parts)


def step_table(data, threads):
    steps = [s for s in data["steps"] if s["threads"] == threads]
    known = [s for f in FAMILY_ORDER for s in steps if s["family"] == f]
    others = sorted((s for s in steps if s["family"] not in FAMILY_ORDER),
                    key=lambda s: s["family"])
    # PyTorch reports no FLOPs or roofline; the model's, from bench_step, apply to it unchanged.
    model = next((s for s in steps if s["gflop_per_step"]), None)
    rows, notes = [], []
    for s in known + others:
        label = s["family"]
        if "," in label or "=" in label:  # a mix: the file's name here, the spec in a note
            match = re.match(r"step_(.+)_t\d+\.json$", s["source"])
            label = match.group(1) if match else s["source"]
            notes.append(f"{label}: --kernels {s['family']}")
        rows.append([label, fmt_ms(s["ms"]), f"{fmt_ms(s['ms_min'])}–{fmt_ms(s['ms_max'])}",
                     fmt_sig(s["tokens_per_s"]), fmt_ratio(s["speedup_vs_naive"]),
                     fmt_sig(s["gflops"]), fmt_percent(s["roofline_fraction"]),
                     fmt_percent(s["step_roofline_fraction"])])
    by_env = {p["env"]: p for p in data["pytorch"]}
    envs = PYTORCH_ENVS + sorted(e for e in by_env if e not in PYTORCH_ENVS)
    derived = False
    for env in envs:
        p = by_env.get(env)
        label = f"PyTorch {env}"
        if p is None:
            rows.append([label, "not run", "", "", "", "", "", ""])
            continue
        if not p["installed"]:
            rows.append([label, "not installed", "", "", "", "", "", ""])
            if p.get("reason"):
                notes.append(f"{label}: {p['reason']}")
            continue
        if p["threads"] != threads:
            label += f" ({p['threads']} threads)"
        gflops = roofline = step_roofline = None
        if model and p["ms"] and (p["B"], p["T"]) == (model["B"], model["T"]):
            gflops = model["gflop_per_step"] / p["ms"] * 1000
            if model["roofline_ms"] and p["threads"] == threads:
                roofline = model["roofline_ms"] / p["ms"]
            if model["step_roofline_ms"] and p["threads"] == threads:
                step_roofline = model["step_roofline_ms"] / p["ms"]
            derived = True
        rows.append([label, fmt_ms(p["ms"]), f"{fmt_ms(p['ms_min'])}–{fmt_ms(p['ms_max'])}",
                     fmt_sig(p["tokens_per_s"]), fmt_ratio(p["speedup_vs_naive"]),
                     fmt_sig(gflops), fmt_percent(roofline), fmt_percent(step_roofline)])
    if derived:
        notes.append("PyTorch's GFLOP/s and % of the rooflines use the model's FLOPs and "
                     "roofline times from bench_step.")
    first = (known + others + [p for p in data["pytorch"] if p["B"]] + [None])[0]
    shape = ""
    if first:
        model_name = str(first.get("model") or "").split(" ")[0]  # "d12 (L=12, ...)"
        shape = ", " + " ".join(x for x in (model_name, f"B={first['B']} T={first['T']}") if x)
    table = markdown_table(
        ["family", "step ms", "min–max", "tokens/s", "× naive", "GFLOP/s", "% of roofline",
         "% of step roofline"],
        rows, "lrrrrrrr")
    others_threads = sorted({s["threads"] for s in data["steps"]} - {threads})
    if others_threads:
        notes.append("Other thread counts (" + ", ".join(map(str, others_threads)) +
                     ") are in steps.csv.")
    return f"## Full training step{shape}, {threads} threads\n\n{table}\n" + paragraphs(notes)


def paragraphs(notes):
    """Notes as Markdown paragraphs wrapped at 100 columns."""
    return "".join("\n" + textwrap.fill(n, 100, break_on_hyphens=False) + "\n" for n in notes)


def family_label(entry, default_core):
    """The family, with [core] for an OpenBLAS core other than kernels.json's."""
    tag, family = entry["tag"], entry["family"]
    suffix = tag[len(family) + 1:] if tag.startswith(family + "_") else tag
    return family if not tag or suffix == default_core else f"{family} [{suffix}]"


def kernel_order(key):
    """Sort key for (kernel, role, shape): llm.c's kernel order, then the roles' order; a name
    not listed goes last (sorted() is stable, so those keep the order they were found in)."""
    kernel, role, _ = key
    return (KERNEL_ORDER.index(kernel) if kernel in KERNEL_ORDER else len(KERNEL_ORDER),
            ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER))


def best_table(data, T, threads, default_core):
    """The fastest family per (kernel, role) at B=4 and this T, or None when nothing ran.

    Candidates: kernels.json and the openblas family under another OPENBLAS_CORETYPE. The
    highway family forced onto one target (kernels_highway_<TARGET>.json) is a comparison of
    instruction sets, not another way to run the family: dispatch already picks the best target.
    """
    candidates = [e for e in data["kernels"] if e["T"] == T and e["family"] != YARDSTICK and
                  not e["tag"].startswith("highway_")]
    if not candidates:
        return None
    groups = {}
    for e in candidates:
        groups.setdefault((e["kernel"], e["role"], e["shape"]), []).append(e)
    rows = []
    for (kernel, role, _), group in sorted(groups.items(), key=lambda item: kernel_order(item[0])):
        best = min(group, key=lambda e: e["ms"])
        naive = next((e for e in group if e["family"] == "naive" and not e["tag"]), None)
        if best["gflops"] is not None:
            rate = f"{fmt_sig(best['gflops'])} GFLOP/s"
        elif best["gbs"] is not None:
            rate = f"{fmt_sig(best['gbs'])} GB/s"
        else:
            rate = "-"
        # The OPENBLAS_CORETYPE re-run skips the error: show the family's error from kernels.json
        # (the same kernels when the re-run's core type is the one OpenBLAS picks anyway).
        error = best["max_rel_err"]
        if error is None:
            error = next((e["max_rel_err"] for e in group if e["family"] == best["family"] and
                          e["max_rel_err"] is not None), None)
        rel = f"{error:.1e}" if error is not None else "-"
        rows.append([kernel, role, family_label(best, default_core), fmt_ms(best["ms"]),
                     fmt_ratio(naive["ms"] / best["ms"] if naive else None), rate,
                     fmt_percent(best["roof_fraction"]), rel])
    table = markdown_table(
        ["kernel", "role", "fastest", "ms", "× naive", "throughput", "% of roof", "max rel err"],
        rows, "lllrrrrr")
    where = f", {threads} threads" if threads else ""
    return f"## Best family per kernel, B=4 T={T}{where}\n\n{table}\n"


def summary(data):
    kthreads = data["context"]["threads"]
    step_threads = [s["threads"] for s in data["steps"]]
    torch_threads = [p["threads"] for p in data["pytorch"] if isinstance(p["threads"], int)]
    if step_threads:
        threads = max(step_threads)
    else:  # no bench_step: the kernels' or PyTorch's thread count
        threads = max([t for t in [kthreads] + torch_threads if t], default=None)
    parts = [header(data, threads)]
    if data["steps"] or data["pytorch"]:
        parts.append(step_table(data, threads))
    for T in (64, 1024):
        table = best_table(data, T, kthreads, data["context"]["core"])
        if table:
            parts.append(table)
    if len(parts) == 1:
        parts.append(paragraphs(["No step_*.json, and no kernels.json or kernels_openblas_*.json "
                                 "results at B=4 T=64 or T=1024: see kernels.csv."]))
        return "\n\n".join(p.strip("\n") for p in parts) + "\n"
    parts.append(paragraphs([
        "× naive: naive's time over this one, at the same thread count. % of roof: the roofline "
        "time (the FLOPs at peak GFLOP/s or the bytes at DRAM GB/s, whichever takes longer; "
        "roofs.json) over the measured time; above 100% a kernel runs from cache, faster than "
        "the DRAM roof. % of roofline (steps): each kernel's roofline time summed over the "
        "step's calls; % of step roofline: the step's FLOPs at peak plus one AdamW pass over "
        "every parameter at DRAM GB/s (issue 9's definition, which charges AdamW's bytes even "
        "where a fusion hides them in a GEMM). openblas [X]: under OPENBLAS_CORETYPE=X. "
        "Left out: sgemm_bare (a bare "
        "cblas_sgemm, the yardstick) and the highway family forced onto one target."]))
    return "\n\n".join(p.strip("\n") for p in parts) + "\n"


def main():
    parser = argparse.ArgumentParser(
        description="Write steps.csv, kernels.csv and summary.md into a results folder and print "
                    "the summary.")
    parser.add_argument("results_dir", help="a results/<host>-<date> folder")
    args = parser.parse_args()
    folder = args.results_dir
    try:
        data = load(folder)
        text = summary(data)
        write_atomically(os.path.join(folder, "steps.csv"),
                         csv_text(STEP_COLUMNS, step_csv_rows(data)))
        write_atomically(os.path.join(folder, "kernels.csv"),
                         csv_text(KERNEL_COLUMNS, data["kernels"]))
        write_atomically(os.path.join(folder, "summary.md"), text)
    except InputError as e:
        fail(PROG, str(e))
    sys.stdout.write(text)
    print(f"\nwrote steps.csv, kernels.csv and summary.md in {folder}", file=sys.stderr)


if __name__ == "__main__":
    main()
