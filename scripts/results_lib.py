"""Reading and writing a results folder (the format is results/README.md).

Shared by summarize.py, compare.py and machine_info.py; standard library only. Every reader
raises InputError with a one-line message that names the file; the scripts print it and exit 2.
"""
import glob
import json
import os
import re
import sys
import tempfile

# Google Benchmark adds these to a benchmark's name: UseRealTime() gives ".../real_time", and
# flags give ".../threads:N", ".../repeats:N", ".../min_time:X", ".../iterations:N".
_NAME_SUFFIX = re.compile(r"^(real_time|manual_time|[a-z_]+:.*)$")
_TIME_UNIT_MS = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}
_SHAPE_DIM = re.compile(r"([A-Z]+)(\d+)")


class InputError(Exception):
    """A results file or folder that cannot be read; the message names it."""


def fail(prog, message):
    """Prints `prog: error: message` and exits with status 2 (bad input)."""
    print(f"{prog}: error: {message}", file=sys.stderr)
    sys.exit(2)


def check_dir(path):
    if not os.path.isdir(path):
        raise InputError(f"{path}: no such directory")


def load_json(path):
    """The parsed JSON object in `path`; InputError when missing, unreadable or not an object."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except json.JSONDecodeError as e:
        raise InputError(f"{path}: bad JSON: {e}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read: {e}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: bad JSON: expected an object at the top level")
    return data


def write_atomically(path, text):
    """Writes `text` to `path` through a temporary file in the same folder and a rename."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InputError(f"{path}: cannot write: no such directory {folder}")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException as e:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise InputError(f"{path}: cannot write: {e.strerror or e}") from None
        raise


def json_text(value, indent=0, column=0, width=110):
    """JSON like json.dumps(indent=2), but a list or object that fits on its line stays on it and
    a long list of numbers or strings fills its lines. `column`: where the value starts."""
    flat = json.dumps(value, ensure_ascii=False)
    if not isinstance(value, (list, dict)) or not value or column + len(flat) <= width:
        return flat
    pad, inner = " " * indent, " " * (indent + 2)
    if isinstance(value, dict):
        items = []
        for key, v in value.items():
            prefix = inner + json.dumps(str(key), ensure_ascii=False) + ": "
            items.append(prefix + json_text(v, indent + 2, len(prefix), width))
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if all(not isinstance(v, (list, dict)) for v in value):
        lines, line = [], inner
        for v in value:
            item = json.dumps(v, ensure_ascii=False) + ","
            if line.strip() and len(line) + 1 + len(item) > width:
                lines.append(line)
                line = inner
            line += (" " if line.strip() else "") + item
        lines.append(line[:-1])
        return "[\n" + "\n".join(lines) + "\n" + pad + "]"
    items = [inner + json_text(v, indent + 2, indent + 2, width) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + pad + "]"


def number(value):
    """`value` as a float, or None when it is absent or not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def split_name(name):
    """(kernel, family, role, shape) from `kernel/family/role/shape[/real_time...]`, or None."""
    parts = name.split("/")
    while parts and _NAME_SUFFIX.match(parts[-1]):
        parts.pop()
    if len(parts) != 4 or not all(parts):
        return None
    return tuple(parts)


def shape_dims(shape):
    """{"B": 4, "T": 64, "C": 768, ...} from a shape label such as B4_T64_C768_OC2304."""
    return {key: int(value) for key, value in _SHAPE_DIM.findall(shape)}


def file_tag(path):
    """The variant a kernels file holds: "" for kernels.json, "openblas_SkylakeX" for
    kernels_openblas_SkylakeX.json."""
    stem = os.path.splitext(os.path.basename(path))[0]
    return stem[len("kernels_"):] if stem.startswith("kernels_") else ""


def read_kernels(path):
    """The entries of one Google Benchmark JSON file, one dict per benchmark, in file order.

    With repetitions the median aggregate is read, otherwise the iteration entry (the median of
    them if several iterations came without aggregates). Entries that reported an error or whose
    name is not kernel/family/role/shape are skipped with a warning on stderr.
    """
    data = load_json(path)
    entries = data.get("benchmarks")
    if not isinstance(entries, list):
        raise InputError(f"{path}: bad Google Benchmark JSON: no 'benchmarks' list")
    runs = {}  # run name -> {"median": entry, "iterations": [entries]}, in file order
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise InputError(f"{path}: bad Google Benchmark JSON: benchmarks[{i}] has no name")
        run_name = entry.get("run_name")
        run_name = run_name if isinstance(run_name, str) else entry["name"]
        if entry.get("error_occurred"):
            print(f"warning: {path}: {entry['name']}: {entry.get('error_message', 'error')}; "
                  "skipped", file=sys.stderr)
            continue
        run = runs.setdefault(run_name, {"median": None, "iterations": []})
        if entry.get("run_type") == "aggregate":
            if entry.get("aggregate_name") == "median":
                run["median"] = entry
        else:
            run["iterations"].append(entry)
    out = []
    for run_name, run in runs.items():
        entry = run["median"]
        if entry is None:
            if not run["iterations"]:
                continue
            entry = sorted(run["iterations"], key=lambda e: number(e.get("real_time")) or 0)[
                (len(run["iterations"]) - 1) // 2]
        parts = split_name(run_name)
        if parts is None:
            print(f"warning: {path}: '{run_name}' is not kernel/family/role/shape; skipped",
                  file=sys.stderr)
            continue
        time, unit = number(entry.get("real_time")), entry.get("time_unit", "ns")
        if time is None or unit not in _TIME_UNIT_MS:
            raise InputError(f"{path}: {run_name}: no real_time in a known time_unit")
        kernel, family, role, shape = parts
        dims = shape_dims(shape)
        out.append({
            "file": os.path.basename(path), "tag": file_tag(path),
            "name": "/".join(parts), "kernel": kernel, "family": family, "role": role,
            "shape": shape, "B": dims.get("B"), "T": dims.get("T"),
            "ms": time * _TIME_UNIT_MS[unit],
            "gflops": number(entry.get("GFLOP/s")), "gbs": number(entry.get("GB/s")),
            "roof_fraction": number(entry.get("roof_fraction")),
            "max_rel_err": number(entry.get("max_rel_err")),
        })
    return out


def _step_ms(data, path):
    step_ms = data.get("step_ms")
    if not isinstance(step_ms, dict) or number(step_ms.get("median")) is None:
        raise InputError(f"{path}: no step_ms.median")
    return {key: number(step_ms.get(key)) for key in ("median", "min", "max")}


def read_step(path):
    """One step_<family>_t<threads>.json as a flat dict."""
    data = load_json(path)
    match = re.match(r"step_(.+)_t(\d+)\.json$", os.path.basename(path))
    family = data.get("family") or (match.group(1) if match else None)
    threads = data.get("threads")
    if not isinstance(threads, int):
        threads = int(match.group(2)) if match else None
    if family is None or threads is None:
        raise InputError(f"{path}: no family or threads")
    ms = _step_ms(data, path)
    return {
        "source": os.path.basename(path), "kind": "step", "family": str(family),
        "threads": threads, "B": data.get("B"), "T": data.get("T"),
        "installed": True, "ms": ms["median"], "ms_min": ms["min"], "ms_max": ms["max"],
        "tokens_per_s": number(data.get("tokens_per_s")),
        "peak_rss_mib": number(data.get("peak_rss_mib")),
        "gflop_per_step": number(data.get("gflop_per_step")),
        "gflops": number(data.get("gflops")),
        "roofline_ms": number(data.get("roofline_ms")),
        "roofline_fraction": number(data.get("roofline_fraction")),
        "step_roofline_ms": number(data.get("step_roofline_ms")),
        "step_roofline_fraction": number(data.get("step_roofline_fraction")),
        "simd": data.get("simd"), "model": data.get("model"),
    }


def read_pytorch(path):
    """One pytorch_<env>.json as a flat dict ("installed": False when PyTorch was missing)."""
    data = load_json(path)
    stem = os.path.splitext(os.path.basename(path))[0]
    env = data.get("env") or stem[len("pytorch_"):]
    row = {
        "source": os.path.basename(path), "kind": "pytorch", "family": f"pytorch_{env}",
        "env": env, "threads": data.get("threads"), "B": data.get("B"), "T": data.get("T"),
        "installed": data.get("installed", True) is not False, "reason": data.get("reason"),
        "ms": None, "ms_min": None, "ms_max": None, "tokens_per_s": None, "peak_rss_mib": None,
        "gflop_per_step": None, "gflops": None, "roofline_ms": None, "roofline_fraction": None,
        "step_roofline_ms": None, "step_roofline_fraction": None, "torch_version": data.get("torch_version"),
    }
    if row["installed"]:
        ms = _step_ms(data, path)
        row.update(ms=ms["median"], ms_min=ms["min"], ms_max=ms["max"],
                   tokens_per_s=number(data.get("tokens_per_s")),
                   peak_rss_mib=number(data.get("peak_rss_mib")))
    return row


def results_files(folder):
    """(kernels files, step files, pytorch files) in `folder`, kernels.json first, then sorted."""
    check_dir(folder)

    def sorted_glob(pattern):
        return sorted(glob.glob(os.path.join(glob.escape(folder), pattern)))

    kernels = sorted_glob("kernels*.json")
    kernels.sort(key=lambda p: os.path.basename(p) != "kernels.json")
    return kernels, sorted_glob("step_*.json"), sorted_glob("pytorch_*.json")


# --- formatting -------------------------------------------------------------------------------

def _fixed(x, bands):
    """x with the decimals of the first (lower bound, decimals) band it reaches once rounded, or
    three significant digits below them all."""
    for bound, decimals in bands:
        text = f"{x:.{decimals}f}"
        if float(text) >= bound:
            return text
    return f"{x:#.3g}".rstrip(".")


def fmt_ms(ms):
    """One decimal from 10 ms up, two from 1 ms, three significant digits below."""
    return "-" if ms is None else _fixed(ms, [(10, 1), (1, 2)])


def fmt_sig(x):
    """About three significant digits, no decimals from 100 up (rates, tokens/s)."""
    return "-" if x is None else _fixed(x, [(100, 0), (10, 1), (1, 2)])


def fmt_ratio(x):
    if x is None:
        return "-"
    return f"{x:.1f}×" if x >= 9.95 else f"{x:.2f}×"


def fmt_percent(fraction):
    if fraction is None:
        return "-"
    percent = 100 * fraction
    return f"{percent:.0f}%" if percent >= 9.95 else f"{percent:.1f}%"


def markdown_table(headers, rows, align):
    """A Markdown table padded so it also reads as plain text; align is a string of l/r."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([len(headers[i])] + [len(row[i]) for row in cells]) for i in range(len(headers))]

    def line(row):
        padded = [c.rjust(w) if a == "r" else c.ljust(w) for c, w, a in zip(row, widths, align)]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join("-" * (w + 1) + ":" if a == "r" else ":" + "-" * (w + 1)
                          for w, a in zip(widths, align)) + "|"
    return "\n".join([line(headers), rule] + [line(row) for row in cells])
