#!/usr/bin/python3
"""Describes this machine and the build in RESULTS/machine.json (format: results/README.md).

    scripts/machine_info.py --build-dir build --roofs RESULTS/roofs.json \
        --out RESULTS/machine.json [--threads N]

Reads /proc/cpuinfo, lscpu, /sys/devices/system/cpu/cpu0/cache, /proc/meminfo, /etc/os-release,
BUILD/CMakeCache.txt (compiler, build type, flags, every GPT2_* option), the Highway targets and
OpenBLAS string from roofs.json, the OpenMP environment, and git. Whatever cannot be found (no
git, no build folder, no roofs.json, a non-x86 CPU) is null, with a warning on stderr for the
files named on the command line; a roofs.json that is not valid JSON is an error (exit 2).
"""
import argparse
import datetime
import os
import platform
import re
import socket
import subprocess
import sys

from results_lib import InputError, fail, json_text, load_json, write_atomically

PROG = "machine_info.py"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The flags that decide which SIMD code paths (Highway targets, OpenBLAS cores) can run.
ISA_FLAGS = [
    "sse4_1", "sse4_2", "avx", "avx2", "fma", "f16c", "avx_vnni", "avx512f", "avx512dq",
    "avx512cd", "avx512bw", "avx512vl", "avx512ifma", "avx512vbmi", "avx512_vbmi2",
    "avx512_vnni", "avx512_bitalg", "avx512_vpopcntdq", "avx512_bf16", "avx512_fp16",
    "amx_tile", "amx_bf16", "amx_int8",
    "asimd", "asimdhp", "asimddp", "sve", "sve2", "bf16", "i8mm",  # aarch64
]
ENV_VARS = ["OMP_NUM_THREADS", "OMP_PROC_BIND", "OMP_PLACES"]
OTHER_ENV_VARS = ["OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "GPT2_HWY_TARGET"]


def read_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def run(args, cwd=None):
    """The command's stdout stripped, or None when it is missing or fails."""
    try:
        result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=20,
                                env=dict(os.environ, LC_ALL="C"))
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def key_values(text, sep=":"):
    """{key: value} from `key sep value` lines (the first occurrence of each key)."""
    out = {}
    for line in (text or "").splitlines():
        key, found, value = line.partition(sep)
        if found:
            out.setdefault(key.strip(), value.strip())
    return out


def cpu_info():
    cpuinfo = read_text("/proc/cpuinfo") or ""
    blocks = [key_values(block) for block in cpuinfo.split("\n\n") if block.strip()]
    first = blocks[0] if blocks else {}
    lscpu = key_values(run(["lscpu"]))
    flags = first.get("flags") or first.get("Features") or lscpu.get("Flags") or ""
    flag_set = set(flags.split())
    logical = os.cpu_count()
    cores_ids = {(b.get("physical id", "0"), b["core id"]) for b in blocks if "core id" in b}
    physical = len(cores_ids) or None
    if physical is None and lscpu.get("Core(s) per socket", "").isdigit():
        sockets = lscpu.get("Socket(s)", "1")
        physical = int(lscpu["Core(s) per socket"]) * (int(sockets) if sockets.isdigit() else 1)
    threads_per_core = lscpu.get("Thread(s) per core")
    if threads_per_core and threads_per_core.isdigit():
        threads_per_core = int(threads_per_core)
    elif logical and physical:
        threads_per_core = logical // physical
    else:
        threads_per_core = None
    hypervisor = lscpu.get("Hypervisor vendor")
    if hypervisor is None and "hypervisor" in flag_set:
        hypervisor = "unknown"
    return {
        "model": first.get("model name") or lscpu.get("Model name"),
        "vendor": first.get("vendor_id") or lscpu.get("Vendor ID"),
        "cores": {"logical": logical, "physical": physical},
        "threads_per_core": threads_per_core,
        "isa_flags": [f for f in ISA_FLAGS if f in flag_set],
        "all_flags": flags or None,
        "caches": caches(),
        "hypervisor": hypervisor,
    }


def caches():
    base = "/sys/devices/system/cpu/cpu0/cache"
    try:
        names = sorted(n for n in os.listdir(base) if re.fullmatch(r"index\d+", n))
    except OSError:
        return None
    out = []
    for name in names:
        def attr(key):
            text = read_text(os.path.join(base, name, key))
            return text.strip() if text is not None else None

        level, size = attr("level"), attr("size")
        size_bytes = None
        match = re.fullmatch(r"(\d+)([KMG]?)", size or "")
        if match:
            size_bytes = int(match.group(1)) * {"": 1, "K": 1 << 10, "M": 1 << 20,
                                                "G": 1 << 30}[match.group(2)]
        out.append({"level": int(level) if level and level.isdigit() else level,
                    "type": attr("type"), "size": size, "size_bytes": size_bytes,
                    "shared_cpus": attr("shared_cpu_list")})
    return out


def memory_gib():
    match = re.search(r"^MemTotal:\s+(\d+) kB", read_text("/proc/meminfo") or "", re.M)
    return round(int(match.group(1)) / (1 << 20), 1) if match else None


def os_name():
    pretty = key_values(read_text("/etc/os-release"), "=").get("PRETTY_NAME")
    return pretty.strip('"') if pretty else None


def cmake_cache(build_dir):
    """{name: value} of the non-internal entries of BUILD/CMakeCache.txt, or None."""
    path = os.path.join(build_dir, "CMakeCache.txt")
    text = read_text(path)
    if text is None:
        print(f"warning: {path}: not found; the build fields are null", file=sys.stderr)
        return None
    out = {}
    for line in text.splitlines():
        match = re.match(r"([^#/][^:=]*):([A-Z]+)=(.*)$", line)
        if match and match.group(2) not in ("INTERNAL", "STATIC"):
            out[match.group(1)] = match.group(3)
    return out


def build_info(build_dir):
    cache = cmake_cache(build_dir)
    if cache is None:
        return {"compiler": None, "build_type": None, "cxx_flags": None, "cmake_options": None}
    compiler = cache.get("CMAKE_CXX_COMPILER")
    version = run([compiler, "--version"]) if compiler else None
    build_type = cache.get("CMAKE_BUILD_TYPE") or None
    flags = [cache.get("CMAKE_CXX_FLAGS", "")]
    if build_type:
        flags.append(cache.get("CMAKE_CXX_FLAGS_" + build_type.upper(), ""))
    return {
        "compiler": {"path": compiler,
                     "resolved": os.path.realpath(compiler) if compiler else None,
                     "version": version.splitlines()[0] if version else None},
        "build_type": build_type,
        "cxx_flags": " ".join(f for f in flags if f.strip()).strip(),
        "cmake_options": {k: v for k, v in sorted(cache.items()) if k.startswith("GPT2_")},
    }


def roofs_info(path):
    if path is None:
        return {"highway": None, "openblas": None}
    if not os.path.exists(path):
        print(f"warning: {path}: not found; highway and openblas are null", file=sys.stderr)
        return {"highway": None, "openblas": None}
    roofs = load_json(path)
    highway = roofs.get("highway")
    if isinstance(highway, dict):
        highway = {key: highway.get(key) for key in ("compiled", "supported", "chosen")}
    return {"highway": highway, "openblas": roofs.get("openblas")}


def git_info(out_path):
    if run(["git", "-C", REPO, "rev-parse", "--is-inside-work-tree"]) != "true":
        return {"commit": None, "dirty": None, "describe": None}
    # The results being written (and earlier ones) do not change the build: ignore results/ and
    # the output folder wherever it is inside the tree.
    excludes = [":(exclude,top)results"]
    out_dir = os.path.dirname(os.path.abspath(out_path))
    relative = os.path.relpath(out_dir, REPO)
    if not relative.startswith(os.pardir) and relative != os.curdir:
        excludes.append(":(exclude,top)" + relative)
    status = run(["git", "-C", REPO, "status", "--porcelain", "--", ":/"] + excludes)
    return {
        "commit": run(["git", "-C", REPO, "rev-parse", "HEAD"]),
        "dirty": bool(status) if status is not None else None,
        "describe": run(["git", "-C", REPO, "describe", "--always", "--tags"]),
    }


def main():
    parser = argparse.ArgumentParser(
        description="Write machine.json: the CPU, memory, OS, build and git state of this run.")
    parser.add_argument("--build-dir", default="build",
                        help="the CMake build folder (its CMakeCache.txt); default: build")
    parser.add_argument("--roofs", help="roofs.json from bench_roofs (Highway targets, OpenBLAS)")
    parser.add_argument("--out", required=True, help="the machine.json to write")
    parser.add_argument("--threads", type=int,
                        help="the OpenMP threads the run uses (default: every CPU)")
    args = parser.parse_args()
    if args.threads is not None and args.threads < 1:
        parser.error(f"bad value {args.threads} for --threads: must be at least 1")

    try:
        info = {
            "program": "machine_info",
            "host": socket.gethostname(),
            "date": datetime.date.today().isoformat(),
            "cpu": cpu_info(),
            "memory_gib": memory_gib(),
            "os": os_name(),
            "kernel": platform.release() or None,
        }
        info.update(build_info(args.build_dir))
        info.update(roofs_info(args.roofs))
        info["openmp"] = {"threads": args.threads or os.cpu_count()}
        info["openmp"].update({var: os.environ.get(var) for var in ENV_VARS})
        info["environment"] = {var: os.environ.get(var) for var in OTHER_ENV_VARS}
        info["git"] = git_info(args.out)
        write_atomically(args.out, json_text(info) + "\n")
    except InputError as e:
        fail(PROG, str(e))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
