#!/usr/bin/python3
"""Plots a results folder (the format is results/README.md) as PNG files.

    scripts/plot_results.py RESULTS_DIR [--out DIR] [--train-log FILE ...]

Writes into DIR (default RESULTS_DIR/plots) and prints the path of each PNG:
  kernels_T64.png, kernels_T1024.png  every kernel x family: ms per call, GFLOP/s or GB/s
  step_breakdown.png                  one training step per family, split by kernel; PyTorch
  roofline.png                        every kernel x family at T=64 against the measured roofs
  thread_scaling.png                  tokens/s and the roofs against the thread count
  highway_targets.png                 the highway family on each Highway target vs SCALAR
  loss_curves.png                     the losses of the step runs (and of --train-log files)
  speed_vs_error.png                  speed-up over naive against the error vs double
A plot whose input files are absent is skipped with a one-line note. --train-log takes the
JSON log of `gpt2_train --json` (repeatable). Needs matplotlib: Debian's python3-matplotlib,
which /usr/bin/python3 sees. Exit status: 0, 1 when a plot failed on bad data (the others are
still written), 2 for a bad command line or a missing matplotlib.
"""
import argparse
import glob
import math
import os
import re
import statistics
import sys
import traceback

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter, NullLocator
except ImportError as e:
    print(f"plot_results.py: cannot import matplotlib ({e}): run with /usr/bin/python3 "
          "or install python3-matplotlib", file=sys.stderr)
    sys.exit(2)

from results_lib import (InputError, load_json, number, read_kernels, read_pytorch, read_step,
                         split_name)

PROG = "plot_results.py"
DPI = 120

# One colour per family in every plot (Okabe-Ito, readable by colour-blind readers).
FAMILY_COLORS = {
    "naive": "#8c8c8c", "tiled": "#e69f00", "openblas": "#0072b2", "highway": "#009e73",
    "sgemm_bare": "#cc79a7", "pytorch_default": "#f4a582", "pytorch_tuned": "#d55e00",
}
SPARE_COLORS = ["#56b4e9", "#000000", "#f0e442", "#882255", "#44aa99", "#999933"]
FAMILY_ORDER = ["naive", "tiled", "openblas", "highway", "sgemm_bare"]

# The kernels in kernels/ops.h's order (each forward beside its backward); the matmul roles in
# a layer's order.
KERNEL_ORDER = [
    "encoder_forward", "encoder_backward", "layernorm_forward", "layernorm_backward",
    "matmul_forward", "matmul_backward", "matmul_gelu_forward", "attention_forward",
    "attention_backward", "gelu_forward", "gelu_backward", "residual_forward", "residual_backward",
    "residual_layernorm_forward", "softmax_forward", "crossentropy_forward",
    "crossentropy_softmax_backward", "softmax_crossentropy_fused", "adamw_update",
    "matmul_backward_adamw",
]
ROLE_ORDER = ["qkv", "attproj", "fc", "fcproj", "lmhead"]
COMPUTE_KERNELS = {"matmul_forward", "matmul_backward", "matmul_gelu_forward",
                   "matmul_backward_adamw", "attention_forward", "attention_backward"}

# Kernel groups: the marker of a point in the scatter plots.
GROUPS = [  # (name, marker, kernels)
    ("matmul forward", "o", {"matmul_forward", "matmul_gelu_forward"}),
    ("matmul backward", "s", {"matmul_backward", "matmul_backward_adamw"}),
    ("attention", "^", {"attention_forward", "attention_backward"}),
    ("layernorm", "D", {"layernorm_forward", "layernorm_backward", "residual_layernorm_forward"}),
    ("elementwise (encoder, gelu, residual)", "v",
     {"encoder_forward", "encoder_backward", "gelu_forward", "gelu_backward",
      "residual_forward", "residual_backward"}),
    ("softmax, crossentropy", "P",
     {"softmax_forward", "crossentropy_forward", "crossentropy_softmax_backward",
      "softmax_crossentropy_fused"}),
    ("adamw", "*", {"adamw_update"}),
]

# Highway targets from the least to the most capable; the speed-up plot's colours follow it.
TARGET_ORDER = ["EMU128", "SCALAR", "SSSE3", "SSE4", "AVX2", "AVX3", "AVX3_DL", "AVX3_ZEN4",
                "AVX3_SPR", "NEON", "SVE", "SVE2", "SVE_256", "SVE2_128", "WASM", "WASM_EMU256"]

# The step breakdown's segments, bottom up; kernels under SMALL_SHARE of every step are merged.
STACK_ORDER = ["matmul_backward", "matmul_backward_adamw", "matmul_forward", "matmul_gelu_forward", "attention_backward",
               "attention_forward", "adamw_update", "gelu_backward", "gelu_forward",
               "layernorm_backward", "layernorm_forward", "residual_layernorm_forward",
               "softmax_forward", "crossentropy_softmax_backward", "softmax_crossentropy_fused",
               "residual_backward", "residual_forward", "encoder_backward", "encoder_forward",
               "crossentropy_forward"]
STACK_COLORS = ["#1f4e9c", "#4a6fb5", "#7fa7e0", "#c2571a", "#f2a66b", "#3a8f3a", "#7b4fa6",
                "#b79ad6", "#8c6d31", "#d6bc7a", "#e6d8a8", "#b03a5b", "#e28ca6", "#2f7f7f",
                "#8ccaca", "#555555", "#999999", "#cccccc", "#e0a030", "#6b8e23"]
SMALL_SHARE = 0.025
ZOOM = 2.5
OTHER_KERNELS_COLOR = "#d9d9d9"

plt.rcParams.update({
    "font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11, "legend.fontsize": 10,
    "xtick.labelsize": 10, "ytick.labelsize": 10, "figure.titlesize": 13,
    "axes.spines.top": False, "axes.spines.right": False,
})


class Skip(Exception):
    """A plot whose inputs are absent; the message says which."""


# --- loading ----------------------------------------------------------------------------------

def try_load(path, reader=load_json):
    """reader(path), or None with a note when the file is unreadable or malformed: a broken file
    leaves out only what needs it."""
    try:
        return reader(path)
    except InputError as e:
        print(f"note: {e}; left out")
    except (AttributeError, KeyError, TypeError, ValueError) as e:
        print(f"note: {path}: unexpected content ({type(e).__name__}: {e}); left out")
    return None


class KernelRun:
    """One kernels*.json: its Google Benchmark context and entries (results_lib.read_kernels
    dicts, plus "flop" and "bytes" per call)."""

    def __init__(self, path):
        self.path = path
        self.entries = read_kernels(path)
        raw = load_json(path)
        self.context = raw.get("context") if isinstance(raw.get("context"), dict) else {}
        costs = {}
        for bench in raw.get("benchmarks", []):
            parts = isinstance(bench, dict) and split_name(
                str(bench.get("run_name", bench.get("name", ""))))
            if parts:
                costs.setdefault("/".join(parts), (number(bench.get("flop_per_call")),
                                                   number(bench.get("bytes_per_call"))))
        for e in self.entries:
            e["flop"], e["bytes"] = costs.get(e["name"], (None, None))

    @property
    def threads(self):
        """The OpenMP thread count from context.threads ("OpenMP 2 threads; ..."), or None."""
        match = re.search(r"OpenMP (\d+) thread", str(self.context.get("threads", "")))
        return int(match.group(1)) if match else None

    def at_T(self, T):
        """The entries whose shape label holds _T<T>_."""
        return [e for e in self.entries if f"_T{T}_" in f"_{e['shape']}_"]


def shape_text(entries, T):
    """The entries' shape for a title: B=4 T=64 (T alone when B varies)."""
    batches = {e["B"] for e in entries if e.get("B")}
    return f"B={batches.pop()} T={T}" if len(batches) == 1 else f"T={T}"


class Results:
    """Everything plot_* needs from one results folder, each part loaded once."""

    def __init__(self, folder, train_logs):
        self.folder = folder
        self.machine = self._optional("machine.json") or {}
        path = os.path.join(folder, "kernels.json")
        self.kernels = try_load(path, KernelRun) if os.path.exists(path) else None
        self.roofs = self._load_roofs()
        self.steps = self._load_steps()
        self.pytorch = {}
        for p in sorted(glob.glob(os.path.join(glob.escape(folder), "pytorch_*.json"))):
            raw = try_load(p)
            row = raw and try_load(p, read_pytorch)
            if row:
                row["losses"] = clean_losses(raw.get("losses"))
                self.pytorch[row["env"]] = row
        self.targets = {}
        for p in sorted(glob.glob(os.path.join(glob.escape(folder), "kernels_highway_*.json"))):
            run = try_load(p, KernelRun)
            if run:
                self.targets[os.path.basename(p)[len("kernels_highway_"):-len(".json")]] = run
        self.train_logs = []
        for p in train_logs:
            log = try_load(p)
            if log:
                self.train_logs.append((p, log))

    def _optional(self, name):
        path = os.path.join(self.folder, name)
        return try_load(path) if os.path.exists(path) else None

    def _load_roofs(self):
        """roofs.json's rows with a thread count, sorted by it."""
        data = self._optional("roofs.json") or {}
        rows = [r for r in data.get("roofs") or [] if isinstance(r, dict)
                and isinstance(r.get("threads"), int)]
        return sorted(rows, key=lambda r: r["threads"])

    def _load_steps(self):
        """{(family, threads): read_step's dict plus "losses", "breakdown", "other_ms"}."""
        out = {}
        for p in sorted(glob.glob(os.path.join(glob.escape(self.folder), "step_*.json"))):
            raw = try_load(p)
            row = raw and try_load(p, read_step)
            if not row:
                continue
            row["losses"] = clean_losses(raw.get("losses"))
            row["breakdown"] = [b for b in raw.get("breakdown") or [] if isinstance(b, dict)
                                and number(b.get("ms_per_step")) is not None]
            row["other_ms"] = number(raw.get("other_ms"))
            out[(row["family"], row["threads"])] = row
        return out

    def roof_at(self, threads):
        """The roofs row for `threads`, else the one with the most threads; None without
        roofs."""
        rows = [r for r in self.roofs if r["threads"] == threads] or self.roofs[-1:]
        return rows[0] if rows else None

    # The CPU, the date and the thread count name every plot.
    def cpu(self):
        cpu = self.machine.get("cpu") if isinstance(self.machine.get("cpu"), dict) else {}
        model = cpu.get("model")
        if isinstance(model, str) and model:
            cores = cpu.get("cores")
            if isinstance(cores, dict):
                cores = cores.get("physical") or cores.get("logical")
            model = re.sub(r"\s+", " ", model.replace("(R)", "").replace("(TM)", "")).strip()
            return f"{model}, {cores} cores" if isinstance(cores, int) else model
        host = self.machine.get("host") or self.kernels_context().get("host_name")
        return f"host {host}" if host else os.path.basename(os.path.abspath(self.folder))

    def date(self):
        for date in (self.machine.get("date"), self.kernels_context().get("date")):
            if isinstance(date, str) and re.match(r"\d{4}-\d\d-\d\d", date):
                return date[:10]
        match = re.search(r"\d{4}-\d\d-\d\d", os.path.abspath(self.folder))
        return match.group(0) if match else "date unknown"

    def kernels_context(self):
        return self.kernels.context if self.kernels else {}

    def title(self, subject, threads=None):
        run = f"{self.cpu()} · {self.date()}"
        if threads:
            run += f" · {plural(threads, 'thread')}"
        return f"{subject}\n{run}"


def plural(n, noun):
    return f"{n} {noun}{'' if n == 1 else 's'}"


def clean_losses(values):
    if not isinstance(values, list):
        return []
    return [v if isinstance(v, (int, float)) else math.nan for v in values]


# --- shared helpers ---------------------------------------------------------------------------

_spare = {}


def family_color(family):
    if family in FAMILY_COLORS:
        return FAMILY_COLORS[family]
    if family not in _spare:
        _spare[family] = SPARE_COLORS[len(_spare) % len(SPARE_COLORS)]
    return _spare[family]


def family_sort_key(family):
    return (FAMILY_ORDER.index(family) if family in FAMILY_ORDER else len(FAMILY_ORDER), family)


def short(family, width=22):
    """A family name fit for a legend (a mixed spec can be long)."""
    return family if len(family) <= width else family[:width - 1] + "…"


def kernel_label(entry):
    return entry["kernel"] if entry["role"] in ("-", "") else f"{entry['kernel']} {entry['role']}"


def label_sort_key(kernel, role):
    """Compute kernels first, then the memory-bound ones; each in ops.h's order."""
    rank = KERNEL_ORDER.index(kernel) if kernel in KERNEL_ORDER else len(KERNEL_ORDER)
    role_rank = ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER)
    return (kernel not in COMPUTE_KERNELS, rank, kernel, role_rank, role)


def is_compute(entry):
    if entry["gflops"] is not None:
        return True
    return entry["gbs"] is None and entry["kernel"] in COMPUTE_KERNELS


def group_of(kernel):
    for name, marker, kernels in GROUPS:
        if kernel in kernels:
            return name, marker
    return "other", "X"


def ordered_labels(entries):
    """The distinct kernel labels of `entries`, compute kernels first, each in ops.h's order."""
    keys = {kernel_label(e): (e["kernel"], e["role"]) for e in entries}
    return sorted(keys, key=lambda label: label_sort_key(*keys[label]))


def save(fig, out_dir, name):
    path = os.path.join(out_dir, name)
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    print(path)
    return path


def log_formatter(axis, unit="", dense=False):
    """Plain numbers (0.01, 1, 100, 10k) instead of powers of ten on a log axis; dense: ticks
    at 1, 2 and 5 of each decade, for axes that span few decades."""
    if dense:
        axis.set_major_locator(LogLocator(base=10, subs=(1, 2, 5)))

    def fmt(value, _):
        if value <= 0:
            return ""
        if value >= 1e4:
            return f"{value / 1e3:g}k{unit}"
        return f"{value:g}{unit}"
    axis.set_major_formatter(FuncFormatter(fmt))
    axis.set_minor_formatter(NullFormatter())


def grouped_bars(ax, labels, series, width=None):
    """Grouped bars on a log axis: x = labels, one bar per series present at that label,
    centred. series: [(name, color, {label: value})]; the legend is the caller's. Returns the
    bar width (by default the widest that fits the fullest group)."""
    present = [[s for s in series if s[2].get(label) is not None] for label in labels]
    if width is None:
        width = 0.84 / max(max((len(p) for p in present), default=1), 1)
    for x, group in enumerate(present):
        for i, (name, color, values) in enumerate(group):
            offset = (i - (len(group) - 1) / 2) * width
            ax.bar(x + offset, values[labels[x]], width, color=color, edgecolor="white",
                   linewidth=0.4)
    ax.set_yscale("log")
    ax.set_xlim(-0.6, len(labels) - 0.4)
    ax.set_axisbelow(True)
    return width


def family_handles(families):
    return [Patch(color=family_color(f), label=short(f)) for f in families]


def label_line(ax, x0, x1, y_of, text, **kw):
    """Writes `text` along the line y_of(x) from x0, rotated to its on-screen slope (call after
    the axes' limits and the figure's layout are final)."""
    p0 = ax.transData.transform((x0, y_of(x0)))
    p1 = ax.transData.transform((x1, y_of(x1)))
    angle = math.degrees(math.atan2(p1[1] - p0[1], p1[0] - p0[0]))
    ax.text(x0, y_of(x0), text, rotation=angle, rotation_mode="anchor", ha="left",
            va="bottom", **kw)


# --- 1. kernels_T64.png, kernels_T1024.png ----------------------------------------------------

def plot_kernels(res, out_dir, T):
    """Per kernel, every family's bar: ms per call on top; GFLOP/s (compute kernels, left) and
    GB/s (memory-bound kernels, right) below, with the roofs as horizontal lines."""
    if not res.kernels:
        raise Skip("no kernels.json")
    entries = res.kernels.at_T(T)
    if not entries:
        raise Skip(f"no entries with _T{T}_ in kernels.json")
    labels = ordered_labels(entries)
    compute = [lb for lb in labels
               if any(is_compute(e) for e in entries if kernel_label(e) == lb)]
    memory = [lb for lb in labels if lb not in compute]
    families = sorted({e["family"] for e in entries}, key=family_sort_key)

    def series(field):
        out = []
        for f in families:
            values = {kernel_label(e): e[field] for e in entries if e["family"] == f}
            out.append((short(f), family_color(f), values))
        return out

    threads = res.kernels.threads
    fig = plt.figure(figsize=(16, 10), layout="constrained")
    grid = fig.add_gridspec(2, 2, width_ratios=[max(len(compute), 1), max(len(memory), 1)],
                            height_ratios=[1, 1.1], wspace=0)
    top = fig.add_subplot(grid[0, :])
    width = grouped_bars(top, labels, series("ms"))
    top.set_ylabel("time per call (ms, log scale)")
    log_formatter(top.yaxis)
    top.set_xticks(range(len(labels)))
    top.set_xticklabels([])
    top.grid(axis="y", which="major", alpha=0.3)
    if compute and memory:
        top.axvline(len(compute) - 0.5, color="black", linewidth=0.8)
    top.legend(handles=family_handles(families), loc="lower center", ncol=len(families),
               bbox_to_anchor=(0.5, 1.0), frameon=False)
    roof = res.roof_at(threads)
    panels = [(compute, "GFLOP/s", "compute kernels: GFLOP/s (log scale)"),
              (memory, "GB/s", "memory-bound kernels: GB/s (log scale)")]
    for col, (subset, unit, title) in enumerate(panels):
        if not subset:
            continue
        ax = fig.add_subplot(grid[1, col])
        field = "gflops" if unit == "GFLOP/s" else "gbs"
        values = [(n, c, {lb: v[lb] for lb in subset if v.get(lb)}) for n, c, v in series(field)]
        if not any(d for _, _, d in values):
            ax.axis("off")
            ax.text(0.5, 0.5, f"no {unit} counters", transform=ax.transAxes, ha="center")
            continue
        grouped_bars(ax, subset, values, width)
        ax.set_title(title, loc="left" if col == 0 else "right")
        ax.set_ylabel(unit)
        log_formatter(ax.yaxis, dense=True)
        ax.grid(axis="y", which="major", alpha=0.3)
        ax.set_xticks(range(len(subset)))
        ax.set_xticklabels(subset, rotation=40, ha="right", rotation_mode="anchor")
        if col == 1:
            ax.yaxis.tick_right()
            ax.yaxis.set_label_position("right")
            ax.spines["right"].set_visible(True)
            ax.spines["left"].set_visible(len(compute) == 0)
        # The roofs as lines, named in a legend that sits in head room above every bar.
        lines = []
        if roof:
            lines = ([("peak", number(roof.get("peak_gflops")), "--")] if unit == "GFLOP/s" else
                     [("DRAM triad", number(roof.get("dram_gbs")), "--"),
                      ("L2 triad", number(roof.get("cache_gbs")), ":")])
        handles = [ax.axhline(value, color="black", linestyle=style, linewidth=1.1,
                              label=f"{name} {value:.0f} {unit}")
                   for name, value, style in lines if value]
        highest = max([v for _, _, d in values for v in d.values()] + [h.get_ydata()[0]
                                                                       for h in handles])
        lowest = min(v for _, _, d in values for v in d.values())
        ax.set_ylim(lowest / 1.5, highest * 3)
        if handles:
            ax.legend(handles=handles, loc="upper left" if col == 0 else "upper right",
                      ncol=len(handles), frameon=False, fontsize=10)
    fig.suptitle(res.title(f"Kernels at {shape_text(entries, T)}: time per call and throughput,"
                           " per family", threads))
    return save(fig, out_dir, f"kernels_T{T}.png")


# --- 2. step_breakdown.png --------------------------------------------------------------------

def plot_step_breakdown(res, out_dir):
    """One stacked bar per family (ms per step by kernel) at the largest thread count, and
    PyTorch's step as plain bars; a second panel zooms on the fast bars."""
    if not res.steps:
        raise Skip("no step_*.json")
    threads = max(t for _, t in res.steps)
    rows = sorted((r for (f, t), r in res.steps.items() if t == threads),
                  key=lambda r: family_sort_key(r["family"]))
    # Kernels big enough in some family's step get their own segment; the rest are merged.
    unknown = {b["kernel"] for r in rows for b in r["breakdown"]} - set(STACK_ORDER)
    own = [k for k in STACK_ORDER + sorted(unknown)
           if any(b["kernel"] == k and b["ms_per_step"] >= SMALL_SHARE * r["ms"]
                  for r in rows for b in r["breakdown"])]
    bars = []  # (x label, total ms, [(segment, ms)], colour for a plain bar or None, note)
    for r in rows:
        per_kernel = {b["kernel"]: b["ms_per_step"] for b in r["breakdown"]}
        segments = [(k, per_kernel.get(k, 0.0)) for k in own]
        segments.append(("other kernels", sum(v for k, v in per_kernel.items() if k not in own)))
        if r["other_ms"] is not None:
            segments.append(("other (not in a kernel)", max(r["other_ms"], 0.0)))
        tokens = r["tokens_per_s"] or (r["B"] or 4) * (r["T"] or 64) / r["ms"] * 1e3
        # A mix's name ("highway+openblas") goes on lines of its own so bars' labels don't meet.
        name = "+\n".join(short(part, 10) for part in r["family"].split("+"))
        bars.append((f"{name}\n{tokens:,.0f} tok/s", r["ms"], segments, None,
                     None))
    for env in sorted(res.pytorch, key=lambda e: (e != "default", e)):
        p = res.pytorch[env]
        name = f"PyTorch\n{env}"
        if not p["installed"] or p["ms"] is None:
            bars.append((name, None, [], None, "not installed"))
            continue
        extra = f"\n{p['threads']} threads" if p["threads"] not in (None, threads) else ""
        tokens = p["tokens_per_s"] or 256 / p["ms"] * 1e3
        bars.append((f"{name}\n{tokens:,.0f} tok/s{extra}", p["ms"], [],
                     family_color(p["family"]), None))
    if not res.pytorch:
        print("note: step_breakdown.png: no pytorch_*.json, so no PyTorch bars")
    # naive is ~15x slower than the fast families: a second panel shows those within ZOOM of
    # the fastest on their own scale.
    fastest = min(b[1] for b in bars if b[1])
    zoom = [b for b in bars if b[1] is None or b[1] <= ZOOM * fastest]
    panels = [(bars, "every family")]
    if len(zoom) < len(bars) and sum(1 for b in zoom if b[1]) > 1:
        panels.append((zoom, f"zoomed: the bars within {ZOOM:g}x of the fastest"))
    colors = dict(zip(STACK_ORDER, STACK_COLORS))
    spare = iter(SPARE_COLORS)
    colors.update({k: next(spare, "#444444") for k in own if k not in colors})
    colors["other kernels"] = OTHER_KERNELS_COLOR
    fig, axes = plt.subplots(1, len(panels), figsize=(15 if len(panels) > 1 else 11, 7.5),
                             layout="constrained", squeeze=False,
                             gridspec_kw={"width_ratios": [len(p[0]) for p in panels]})
    for ax, (subset, title) in zip(axes[0], panels):
        top = max(b[1] for b in subset if b[1])
        for x, (name, total, segments, plain, note) in enumerate(subset):
            if note:
                ax.text(x, 0.02 * top, note, ha="center", va="bottom", rotation=90,
                        fontsize=11, color="dimgray")
                continue
            if plain:
                ax.bar(x, total, 0.65, color=plain, edgecolor="black", linewidth=0.5)
            bottom = 0.0
            for seg, ms in segments:
                hatch = "///" if seg == "other (not in a kernel)" else None
                ax.bar(x, ms, 0.65, bottom=bottom, color="white" if hatch else colors[seg],
                       hatch=hatch, edgecolor="#666666" if hatch else "white", linewidth=0.4)
                bottom += ms
            ax.text(x, total + 0.01 * top, f"{total:,.0f} ms", ha="center", va="bottom",
                    fontsize=10, fontweight="bold")
        ax.set_xticks(range(len(subset)))
        ax.set_xticklabels([b[0] for b in subset])
        ax.set_ylim(0, top * 1.1)
        ax.set_xlim(-0.6, len(subset) - 0.4)
        ax.set_ylabel("ms per training step")
        ax.set_title(title)
        ax.grid(axis="y", alpha=0.3)
        ax.set_axisbelow(True)
    handles = [Patch(facecolor="white", edgecolor="#666666", hatch="///",
                     label="other (not in a kernel)"),
               Patch(color=OTHER_KERNELS_COLOR,
                     label=f"other kernels (each < {SMALL_SHARE:.1%} of a step)")]
    handles += [Patch(color=colors[k], label=k) for k in reversed(own)]
    handles += [Patch(facecolor=family_color(res.pytorch[e]["family"]), edgecolor="black",
                      label=f"PyTorch {e} (whole step)") for e in sorted(res.pytorch)
                if res.pytorch[e]["installed"] and res.pytorch[e]["ms"] is not None]
    axes[0][-1].legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                       title="stack, top to bottom", frameon=False)
    model = f"d12 B={rows[0]['B'] or 4} T={rows[0]['T'] or 64}" if rows else "d12"
    fig.suptitle(res.title(f"Where a training step's time goes ({model}, median step)",
                           threads))
    return save(fig, out_dir, "step_breakdown.png")


# --- 3. roofline.png --------------------------------------------------------------------------

def scatter_by_family_and_group(ax, points):
    """points: [(x, y, family, kernel)]; colour = family, marker = kernel group."""
    for family in sorted({p[2] for p in points}, key=family_sort_key):
        for name, marker, _ in GROUPS + [("other", "X", set())]:
            pts = [p for p in points if p[2] == family and group_of(p[3])[0] == name]
            if pts:
                ax.scatter([p[0] for p in pts], [p[1] for p in pts], marker=marker, s=70,
                           color=family_color(family), edgecolor="black", linewidth=0.5,
                           alpha=0.9, zorder=3)


def scatter_legends(ax, points):
    """Two legends outside the axes, right: families (colour) and kernel groups (marker)."""
    families = sorted({p[2] for p in points}, key=family_sort_key)
    groups = [g for g in GROUPS + [("other", "X", set())]
              if any(group_of(p[3])[0] == g[0] for p in points)]
    first = ax.legend(handles=[Line2D([], [], marker="o", linestyle="", markersize=9,
                                      markerfacecolor=family_color(f), markeredgecolor="black",
                                      label=short(f)) for f in families],
                      title="family (colour)", loc="upper left", bbox_to_anchor=(1.02, 1.0),
                      frameon=False)
    ax.add_artist(first)
    ax.legend(handles=[Line2D([], [], marker=m, linestyle="", markersize=9, color="#bbbbbb",
                              markeredgecolor="black", label=n) for n, m, _ in groups],
              title="kernel group (marker)", loc="upper left",
              bbox_to_anchor=(1.02, min(0.55, 0.95 - 0.055 * (len(families) + 1))),
              frameon=False)


def plot_roofline(res, out_dir):
    """Achieved GFLOP/s against arithmetic intensity for every kernel x family at T=64, under
    the measured compute roof and the DRAM and L2 triad bandwidth roofs."""
    if not res.kernels:
        raise Skip("no kernels.json")
    entries = res.kernels.at_T(64)
    points = [(e["flop"] / e["bytes"], e["flop"] / (e["ms"] * 1e-3) * 1e-9, e["family"],
               e["kernel"]) for e in entries
              if (e["flop"] or 0) > 0 and (e["bytes"] or 0) > 0 and e["ms"] > 0]
    if not points:
        raise Skip("no T=64 entries with flop_per_call and bytes_per_call in kernels.json")
    threads = res.kernels.threads
    roof = res.roof_at(threads)
    if roof and threads is None:
        threads = roof["threads"]
    fig, ax = plt.subplots(figsize=(13, 7.5), layout="constrained")
    ax.set_xscale("log")
    ax.set_yscale("log")
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    # Room left of the lowest intensity: the memory roofs' labels go there, clear of points.
    x_lo, x_hi = min(xs) / 14, max(xs) * 3
    peak = number(roof.get("peak_gflops")) if roof else None
    y_lo = min(ys) / 3
    y_hi = max(ys + [peak or 0]) * 2.5
    lines = []
    if peak:
        lines.append(("DRAM triad", number(roof.get("dram_gbs")), "--"))
        lines.append(("L2 triad", number(roof.get("cache_gbs")), ":"))
        n = 200
        grid = [x_lo * (x_hi / x_lo) ** (i / n) for i in range(n + 1)]
        ax.plot([x_lo, x_hi], [peak, peak], color="black", linewidth=1.4)
        for name, bw, style in lines:
            if bw:
                ax.plot(grid, [min(peak, x * bw) for x in grid], color="black", linestyle=style,
                        linewidth=1.2)
    scatter_by_family_and_group(ax, points)
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_xlabel("arithmetic intensity (FLOP/byte, compulsory bytes; log scale)")
    ax.set_ylabel("achieved GFLOP/s (log scale)")
    log_formatter(ax.xaxis)
    log_formatter(ax.yaxis)
    ax.grid(which="major", alpha=0.3)
    scatter_legends(ax, points)
    if not roof:
        ax.text(0.01, 0.98, "no roofs.json: no roof lines", transform=ax.transAxes, va="top")
    fig.suptitle(res.title(f"Roofline: every kernel × family at {shape_text(entries, 64)}",
                           threads))
    # Labels along the roofs need the final layout to know the lines' on-screen slopes.
    fig.canvas.draw()
    fig.set_layout_engine("none")
    if peak:
        src = roof.get("peak_source")
        other = (f"; roofs measured at {plural(roof['threads'], 'thread')}"
                 if roof["threads"] != threads else "")
        ax.text(x_lo * 1.15, peak * 1.08, f"peak {peak:.0f} GFLOP/s"
                + (f" ({src}{other})" if src or other else ""), ha="left", va="bottom",
                fontsize=10)
        for name, bw, _ in lines:
            if not bw:
                continue
            x0 = max(x_lo * 1.15, y_lo * 1.5 / bw)  # where the line enters the plot
            if x0 * bw < peak / 1.5:
                label_line(ax, x0, min(x0 * 2, peak / bw), lambda x, bw=bw: min(peak, x * bw),
                           f"  {name} {bw:.0f} GB/s", fontsize=10)
    return save(fig, out_dir, "roofline.png")


# --- 4. thread_scaling.png --------------------------------------------------------------------

def spread(positions, gap):
    """`positions` (axes fractions) moved apart to at least `gap`, order kept, near where
    they were: for labels at the ends of lines that end close together."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    out = list(positions)
    for _ in range(len(out)):
        for a, b in zip(order, order[1:]):
            if out[b] - out[a] < gap:
                middle = (out[a] + out[b]) / 2
                out[a], out[b] = middle - gap / 2, middle + gap / 2
    return out


def threads_axis(ax, threads):
    """x = thread counts: linear for a few, log2 from a range of 8x up (True then); ticks at
    each count; room on the right for labels (a fifth of the width)."""
    lo, hi = threads[0], threads[-1]
    log = hi / lo >= 8
    if log:
        ax.set_xscale("log", base=2)
        ax.set_xlim(lo / 1.3, hi * 1.3 * (hi / lo) ** 0.25)
    else:
        ax.set_xlim(lo - 0.1 * (hi - lo or 1), hi + 0.35 * (hi - lo or 1))
    ax.set_xticks(threads)
    ax.set_xticklabels([str(t) for t in threads])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.grid(alpha=0.3)
    return log


def plot_thread_scaling(res, out_dir):
    """Tokens/s per family against threads, with the ideal line from the fewest-thread point;
    and the measured roofs (peak GFLOP/s, DRAM and L2 triad GB/s) against threads."""
    by_family = {}
    for (family, threads), r in res.steps.items():
        tokens = r["tokens_per_s"] or (r["B"] or 4) * (r["T"] or 64) / r["ms"] * 1e3
        by_family.setdefault(family, []).append((threads, tokens))
    scaling = {f: sorted(v) for f, v in by_family.items() if len(v) > 1}
    roofs = [r for r in res.roofs if number(r.get("peak_gflops"))]
    if not scaling and len(roofs) < 2:
        raise Skip("no family's step_<family>_t<N>.json at two thread counts, and no roofs.json"
                   " with two")
    fig = plt.figure(figsize=(15, 7.5), layout="constrained")
    grid = fig.add_gridspec(2, 2, width_ratios=[1.35, 1])
    ax = fig.add_subplot(grid[:, 0])
    threads = sorted({t for v in scaling.values() for t, _ in v})
    if scaling:
        threads_axis(ax, threads)
        ends = []
        for family in sorted(scaling, key=family_sort_key):
            pts = scaling[family]
            (t0, v0), (t1, v1) = pts[0], pts[-1]
            color = family_color(family)
            ax.plot([t for t, _ in pts], [v for _, v in pts], marker="o", color=color,
                    linewidth=2, label=short(family))
            ideal = [(t, v0 * t / t0) for t in threads if t >= t0]
            ax.plot([t for t, _ in ideal], [v for _, v in ideal], color=color, linestyle="--",
                    linewidth=1)
            ends.append((t1, v1, f"{v1 / v0:.2f}× (ideal {t1 / t0:g}×)", color))
        for env, p in sorted(res.pytorch.items()):
            if p["installed"] and p["tokens_per_s"] and p["threads"] in threads:
                ax.plot([p["threads"]], [p["tokens_per_s"]], marker="X", linestyle="",
                        markersize=11, color=family_color(p["family"]),
                        markeredgecolor="black", label=f"PyTorch {env}")
        ax.plot([], [], color="black", linestyle="--", linewidth=1,
                label=f"ideal: linear from {plural(threads[0], 'thread')}")
        ax.set_yscale("log")
        log_formatter(ax.yaxis, dense=True)
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo, hi * 1.3)
        lo, hi = (math.log(v) for v in ax.get_ylim())
        ys = spread([(math.log(v) - lo) / (hi - lo) for _, v, _, _ in ends], 0.04)
        for (t1, _, text, color), y in zip(ends, ys):
            ax.annotate(text, (t1, y), xycoords=("data", "axes fraction"), xytext=(8, 0),
                        textcoords="offset points", va="center", fontsize=10, color=color)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=3, frameon=False)
    else:
        ax.axis("off")
        ax.text(0.5, 0.5, "training step: no family has step files\nat two thread counts",
                transform=ax.transAxes, ha="center", fontsize=12, color="dimgray")
    ax.set_xlabel("threads")
    ax.set_ylabel("tokens per second (log scale)")
    row = next(iter(res.steps.values()), {})
    ax.set_title(f"training step, d12 B={row.get('B') or 4} T={row.get('T') or 64} "
                 "(median step)")
    top, bottom = fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, 1])
    panels = [(top, "peak GFLOP/s", [("peak_gflops", "peak (best of the two)", "black", "-"),
                                     ("sgemm_gflops", "openblas sgemm", family_color("openblas"),
                                      ":"),
                                     ("highway_gflops", "highway matmul",
                                      family_color("highway"), ":")]),
              (bottom, "STREAM triad GB/s", [("cache_gbs", "L2 triad", "#7b4fa6", "-"),
                                             ("dram_gbs", "DRAM triad", "#1f4e9c", "-")])]
    for pax, unit, keys in panels:
        if len(roofs) < 2:
            pax.axis("off")
            pax.text(0.5, 0.5, f"{unit}: roofs.json has fewer than two thread counts",
                     transform=pax.transAxes, ha="center", fontsize=12, color="dimgray")
            continue
        log = threads_axis(pax, [r["threads"] for r in roofs])
        highest, lowest = 0, math.inf
        for key, name, color, style in keys:
            pts = [(r["threads"], number(r.get(key))) for r in roofs if number(r.get(key))]
            if not pts:
                continue
            (t0, v0) = pts[0]
            pax.plot([t for t, _ in pts], [v for _, v in pts], marker="o", color=color,
                     linestyle=style, linewidth=2 if style == "-" else 1.2, label=name)
            if style == "-":
                pax.plot([t for t, _ in pts], [v0 * t / t0 for t, _ in pts], color=color,
                         linestyle="--", linewidth=0.8)
            highest = max([highest] + [v for _, v in pts] + [v0 * pts[-1][0] / t0])
            lowest = min([lowest] + [v for _, v in pts])
        pax.plot([], [], color="gray", linestyle="--", linewidth=0.8, label="linear")
        if log:  # linear scaling is then a straight line, as in the left panel
            pax.set_yscale("log")
            log_formatter(pax.yaxis, dense=True)
            pax.set_ylim(lowest / 1.5, highest * 2)
        else:
            pax.set_ylim(0, highest * 1.15)
        pax.set_ylabel(unit)
        pax.legend(loc="upper left", frameon=False, fontsize=9)
    top.set_title("measured roofs (roofs.json)")
    top.tick_params(labelbottom=False)
    bottom.set_xlabel("threads")
    fig.suptitle(res.title("Thread scaling"))
    return save(fig, out_dir, "thread_scaling.png")


# --- 5. highway_targets.png -------------------------------------------------------------------

def target_rank(name):
    return (TARGET_ORDER.index(name) if name in TARGET_ORDER else len(TARGET_ORDER), name)


def plot_highway_targets(res, out_dir):
    """Per kernel (T=64), each Highway target's speed-up over SCALAR (else the slowest)."""
    times = {}  # target -> {label: ms}
    for target, run in res.targets.items():
        entries = [e for e in run.at_T(64) if e["family"] == "highway" and e["ms"] > 0]
        if entries:
            times[target] = {kernel_label(e): e["ms"] for e in entries}
    if len(times) < 2:
        raise Skip("fewer than two kernels_highway_<TARGET>.json")
    labels = [lb for lb in ordered_labels([e for run in res.targets.values()
                                           for e in run.at_T(64) if e["family"] == "highway"])
              if all(lb in t for t in times.values())]
    if not labels:
        raise Skip("kernels_highway_*.json share no kernel")

    def geomean(values):
        return math.exp(statistics.fmean(math.log(v) for v in values))

    base = "SCALAR" if "SCALAR" in times else max(
        times, key=lambda t: geomean([times[t][lb] for lb in labels]))
    targets = sorted((t for t in times if t != base), key=target_rank)
    cmap = matplotlib.colormaps["viridis"]
    colors = {t: cmap(0.15 + 0.75 * i / max(len(targets) - 1, 1))
              for i, t in enumerate(targets)}
    speedups = {t: {lb: times[base][lb] / times[t][lb] for lb in labels} for t in targets}
    for t in targets:
        speedups[t]["geometric mean"] = geomean(speedups[t].values())
    xlabels = labels + ["geometric mean"]
    fig, ax = plt.subplots(figsize=(16, 7.5), layout="constrained")
    grouped_bars(ax, xlabels, [(t, colors[t], speedups[t]) for t in targets])
    ax.axhline(1, color="black", linewidth=1)
    ax.axvline(len(labels) - 0.5, color="black", linewidth=0.8, linestyle=":")
    ax.set_yscale("log", base=2)
    log_formatter(ax.yaxis, "×")
    ax.yaxis.set_major_locator(LogLocator(base=2))
    ax.set_ylabel(f"speed-up over {base} (time on {base} / time; log scale)")
    ax.set_xticks(range(len(xlabels)))
    ax.set_xticklabels(xlabels, rotation=40, ha="right", rotation_mode="anchor")
    ax.get_xticklabels()[-1].set_fontweight("bold")
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    lo, hi = ax.get_ylim()
    ax.set_ylim(min(lo, 0.8), hi * 1.5)
    match = re.match(r"Highway (\w+)", str(res.kernels_context().get("simd", "")))
    chosen = match.group(1) if match else None
    ax.legend(handles=[Patch(color=colors[t], label=t + (" (dispatched by default)"
                                                         if t == chosen else ""))
                       for t in targets],
              ncol=len(targets), loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False,
              title=f"Highway target ({base} = 1×)")
    threads = next(iter(res.targets.values())).threads
    shape = shape_text([e for run in res.targets.values() for e in run.at_T(64)], 64)
    fig.suptitle(res.title(f"The highway family on each Highway target, {shape}", threads))
    return save(fig, out_dir, "highway_targets.png")


# --- 6. loss_curves.png -----------------------------------------------------------------------

def train_log_series(log):
    """(train [(step, loss)], val [(step, loss)]) from a gpt2_train --json log: val from
    steps[].val_loss or from the top-level "val" list."""
    train, val = [], []
    for s in log.get("steps") or []:
        if isinstance(s, dict) and number(s.get("step")) is not None:
            if number(s.get("loss")) is not None:
                train.append((s["step"], s["loss"]))
            if number(s.get("val_loss")) is not None:
                val.append((s["step"], s["val_loss"]))
    for v in log.get("val") or []:
        if isinstance(v, dict) and number(v.get("step")) is not None \
                and number(v.get("loss")) is not None:
            val.append((v["step"], v["loss"]))
    return train, sorted(val)


def plot_loss_curves(res, out_dir):
    """The step runs' losses per family (largest thread count) and PyTorch's; below, each
    family's difference from naive; --train-log files in a panel of their own."""
    threads = max((t for _, t in res.steps), default=None)
    runs = sorted((r for (f, t), r in res.steps.items() if t == threads and r["losses"]),
                  key=lambda r: family_sort_key(r["family"]))
    torch = [(f"PyTorch {env}", p) for env, p in sorted(res.pytorch.items())
             if p["installed"] and p["losses"]]
    logs = [(p, train_log_series(log)) for p, log in res.train_logs]
    logs = [(p, s) for p, s in logs if s[0] or s[1]]
    if not runs and not torch and not logs:
        raise Skip("no losses in step_*.json or pytorch_*.json, and no --train-log")
    bench = bool(runs or torch)
    cols = int(bench) + int(bool(logs))
    fig = plt.figure(figsize=(15 if cols == 2 else 12, 8), layout="constrained")
    grid = fig.add_gridspec(2, cols, height_ratios=[1.4, 1])
    if bench:
        ax = fig.add_subplot(grid[0, 0])
        for r in runs:
            ax.plot(range(len(r["losses"])), r["losses"], marker="o", markersize=4,
                    color=family_color(r["family"]), label=short(r["family"]), linewidth=1.5)
        for name, p in torch:
            ax.plot(range(len(p["losses"])), p["losses"], marker="x", linestyle="--",
                    color=family_color(p["family"]), label=name)
        ax.set_ylabel("training loss (nats)")
        sources = [f"bench_step at {plural(threads, 'thread')}"] if runs else []
        ax.set_title(f"step benchmarks ({'; '.join(sources + ['PyTorch'] * bool(torch))})")
        ax.legend(loc="best", frameon=False, ncol=2)
        ax.grid(alpha=0.3)
        ax.tick_params(labelbottom=False)
        diff = fig.add_subplot(grid[1, 0], sharex=ax)
        ref = next((r for r in runs if r["family"] == "naive"), runs[0] if runs else None)
        for r in runs:
            if r is ref:
                continue
            n = min(len(r["losses"]), len(ref["losses"]))
            diff.plot(range(n), [a - b for a, b in zip(r["losses"][:n], ref["losses"][:n])],
                      marker="o", markersize=4, color=family_color(r["family"]),
                      label=short(r["family"]))
        diff.axhline(0, color=family_color(ref["family"]) if ref else "black", linewidth=1.5)
        diff.set_ylabel(f"loss − {ref['family'] if ref else 'reference'} loss")
        diff.set_title("the same, as the difference from "
                       f"{ref['family'] if ref else 'a reference'} (the lines above overlap)")
        diff.set_xlabel("step index (0 = the warm-up step)")
        diff.grid(alpha=0.3)
        diff.ticklabel_format(axis="y", style="sci", scilimits=(-3, 3))
        diff.xaxis.get_major_locator().set_params(integer=True)
        if not ref or len(runs) < 2:
            diff.text(0.5, 0.5, "one C++ family only: nothing to compare",
                      transform=diff.transAxes, ha="center")
    if logs:
        ax = fig.add_subplot(grid[:, cols - 1])
        for i, (path, (train, val)) in enumerate(logs):
            color = SPARE_COLORS[i % len(SPARE_COLORS)] if len(logs) > 1 else "#0072b2"
            name = os.path.basename(path)
            if train:
                ax.plot([s for s, _ in train], [v for _, v in train], color=color,
                        linewidth=1.2, label=f"{name}: train")
            if val:
                ax.plot([s for s, _ in val], [v for _, v in val], color=color, marker="o",
                        linestyle="--", label=f"{name}: val")
        ax.set_xlabel("step")
        ax.set_ylabel("loss (nats)")
        ax.set_title("training runs (gpt2_train --json)")
        ax.legend(loc="upper right", frameon=False)
        ax.grid(alpha=0.3)
    fig.suptitle(res.title("Training loss"))
    return save(fig, out_dir, "loss_curves.png")


# --- 7. speed_vs_error.png --------------------------------------------------------------------

def plot_speed_vs_error(res, out_dir):
    """Each kernel x family at T=64: max relative error vs double (x) against speed-up over
    naive at the same kernel, role and shape (y)."""
    if not res.kernels:
        raise Skip("no kernels.json")
    entries = res.kernels.at_T(64)
    naive = {(e["kernel"], e["role"], e["shape"]): e["ms"] for e in entries
             if e["family"] == "naive"}
    points = [(e["max_rel_err"], naive[(e["kernel"], e["role"], e["shape"])] / e["ms"],
               e["family"], e["kernel"]) for e in entries
              if (e["max_rel_err"] or 0) > 0 and (e["kernel"], e["role"], e["shape"]) in naive]
    if not points:
        raise Skip("no T=64 entries with max_rel_err and a naive counterpart in kernels.json")
    fig, ax = plt.subplots(figsize=(13, 7.5), layout="constrained")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.axhline(1, color=family_color("naive"), linewidth=1)
    scatter_by_family_and_group(ax, points)
    ys = [p[1] for p in points]
    xs = [p[0] for p in points]
    ax.set_ylim(min(ys + [1]) / 1.6, max(ys + [1]) * 1.6)
    ax.set_xlim(min(xs) / 2, max(xs) * 2)
    log_formatter(ax.yaxis, "×", dense=True)
    eps = 2.0 ** -23  # float32's machine epsilon
    if ax.get_xlim()[0] < eps < ax.get_xlim()[1]:
        ax.axvline(eps, color="black", linestyle=":", linewidth=1)
        ax.text(eps * 1.08, 0.99, "float32 ε = 2⁻²³", transform=ax.get_xaxis_transform(),
                va="top", fontsize=10)
    ax.set_xlabel("max relative error vs the naive kernel in double (log scale)")
    ax.set_ylabel("speed-up over naive, same kernel and shape (log scale)")
    ax.grid(which="major", alpha=0.3)
    scatter_legends(ax, points)
    fig.suptitle(res.title(f"Speed against accuracy, {shape_text(entries, 64)} "
                           "(naive itself sits at 1×)",
                           res.kernels.threads))
    return save(fig, out_dir, "speed_vs_error.png")


# --- main -------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(
        prog=PROG, description="Plot a results folder (results/README.md) as PNG files.")
    parser.add_argument("results_dir", help="a results/<host>-<date>/ folder")
    parser.add_argument("--out", help="where the PNGs go (default: RESULTS_DIR/plots)")
    parser.add_argument("--train-log", action="append", default=[], metavar="FILE",
                        help="a gpt2_train --json log to add to loss_curves.png (repeatable)")
    args = parser.parse_args()
    if not os.path.isdir(args.results_dir):
        parser.error(f"{args.results_dir}: no such directory")
    for path in args.train_log:
        if not os.path.isfile(path):
            parser.error(f"--train-log {path}: no such file")
    out_dir = args.out or os.path.join(args.results_dir, "plots")
    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as e:
        parser.error(f"--out {out_dir}: cannot create: {e.strerror}")
    res = Results(args.results_dir, args.train_log)
    plots = [
        ("kernels_T64.png", lambda: plot_kernels(res, out_dir, 64)),
        ("kernels_T1024.png", lambda: plot_kernels(res, out_dir, 1024)),
        ("step_breakdown.png", lambda: plot_step_breakdown(res, out_dir)),
        ("roofline.png", lambda: plot_roofline(res, out_dir)),
        ("thread_scaling.png", lambda: plot_thread_scaling(res, out_dir)),
        ("highway_targets.png", lambda: plot_highway_targets(res, out_dir)),
        ("loss_curves.png", lambda: plot_loss_curves(res, out_dir)),
        ("speed_vs_error.png", lambda: plot_speed_vs_error(res, out_dir)),
    ]
    failed = 0
    for name, plot in plots:
        try:
            plot()
        except Skip as e:
            print(f"skipped {name}: {e}")
        except Exception as e:  # a bug or odd data: report it, draw the other plots
            plt.close("all")
            failed += 1
            where = traceback.extract_tb(e.__traceback__)[-1]
            print(f"{PROG}: error: {name}: {type(e).__name__}: {e} (line {where.lineno})",
                  file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
