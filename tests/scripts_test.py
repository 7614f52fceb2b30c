#!/usr/bin/python3
"""The results scripts on small hand-made results folders whose answers are known: summarize.py's
speed-ups, compare.py's exit codes (the contract a CI-style performance guard relies on), and
plot_results.py's PNGs when matplotlib is installed. Standard library only; run by ctest."""
import copy
import json
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts")


def kernel(name, ms, **counters):
    return dict({"name": name + "/real_time", "run_name": name + "/real_time",
                 "run_type": "iteration", "iterations": 10, "real_time": ms, "cpu_time": ms,
                 "time_unit": "ms"}, **counters)


def step(family, ms, threads=2):
    return {"program": "bench_step", "model": "L=12 NH=12 C=768 V=50257 Vp=50304 maxT=1024",
            "B": 4, "T": 64, "family": family, "kernels": family, "threads": threads,
            "pinning": "none", "simd": "Highway AVX2", "steps": 3,
            "step_ms": {"median": ms, "min": ms, "max": ms}, "tokens_per_s": 256 / ms * 1000,
            "peak_rss_mib": 2400, "gflop_per_step": 193.0, "gflops": 193.0 / ms * 1000,
            "roofline_ms": 600.0, "roofline_fraction": 600.0 / ms, "adamw_pass_gb": 3.98,
            "step_roofline_ms": 900.0, "step_roofline_fraction": 900.0 / ms,
            "timer_overhead_ms": 0.1,
            "other_ms": 10.0, "losses": [11.0, 10.5, 10.2],
            "breakdown": [{"kernel": "matmul_forward", "family": family, "ms_per_step": ms * 0.9,
                           "calls_per_step": 49, "gflop_per_step": 63.0, "gb_per_step": 0.7,
                           "roofline_ms": 200.0}]}


def results_folder():
    """A folder as run_benchmarks.sh writes it, cut down to two families and three kernels."""
    return {
        "kernels.json": {
            "context": {"date": "2026-11-25T10:00:00+00:00", "host_name": "test",
                        "num_cpus": 2, "threads": "OpenMP 2 threads", "simd": "Highway AVX2"},
            "benchmarks": [
                kernel("matmul_forward/naive/qkv/B4_T64_C768_OC2304", 120.0, **{
                    "GFLOP/s": 7.5, "flop_per_call": 9.1e8, "bytes_per_call": 1e7,
                    "roof_fraction": 0.03, "max_rel_err": 1e-6}),
                kernel("matmul_forward/highway/qkv/B4_T64_C768_OC2304", 4.0, **{
                    "GFLOP/s": 226.0, "flop_per_call": 9.1e8, "bytes_per_call": 1e7,
                    "roof_fraction": 0.8, "max_rel_err": 5e-7}),
                kernel("gelu_forward/naive/-/B4_T64_C768", 8.0, **{
                    "GB/s": 0.8, "flop_per_call": 7e6, "bytes_per_call": 6.3e6,
                    "roof_fraction": 0.03, "max_rel_err": 7e-8}),
                kernel("gelu_forward/highway/-/B4_T64_C768", 0.4, **{
                    "GB/s": 16.0, "flop_per_call": 7e6, "bytes_per_call": 6.3e6,
                    "roof_fraction": 0.6, "max_rel_err": 8e-8}),
            ]},
        "roofs.json": {"program": "bench_roofs",
                       "highway": {"supported": ["AVX2", "SCALAR"], "chosen": "AVX2"},
                       "caches_bytes": {"L1d": 49152, "L2": 2097152, "L3": 0},
                       "roofs": [{"threads": 2, "peak_gflops": 300.0,
                                  "peak_source": "openblas sgemm", "sgemm_gflops": 300.0,
                                  "highway_gflops": 250.0, "gemm_n": 2048, "dram_gbs": 27.0,
                                  "dram_array_mib": 1024, "cache_gbs": 160.0,
                                  "cache_array_kib": 1024}]},
        "step_naive_t2.json": step("naive", 18000.0),
        "step_highway_t2.json": step("highway", 1200.0),
    }


def write_folder(root, name, files):
    folder = os.path.join(root, name)
    os.makedirs(folder)
    for file, data in files.items():
        with open(os.path.join(folder, file), "w") as f:
            json.dump(data, f)
    return folder


def run(script, *args):
    return subprocess.run([sys.executable, os.path.join(SCRIPTS, script), *args],
                          capture_output=True, text=True, timeout=300)


class ScriptsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.a = write_folder(self.tmp.name, "a", results_folder())

    def tearDown(self):
        self.tmp.cleanup()

    def test_summarize_reports_speedups_over_naive(self):
        result = run("summarize.py", self.a)
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        highway = next(line for line in lines if line.startswith("| highway"))
        self.assertIn("15.0×", highway)  # 18000 ms / 1200 ms
        # 600 and 900 ms of roofline (per kernel, whole step) over 1200 ms
        self.assertRegex(highway, r"\|\s+50% \|\s+75% \|$")
        best_gelu = next(line for line in lines if line.startswith("| gelu_forward"))
        self.assertIn("highway", best_gelu)
        self.assertIn("20.0×", best_gelu)  # 8 ms / 0.4 ms
        for written in ("summary.md", "steps.csv", "kernels.csv"):
            self.assertTrue(os.path.isfile(os.path.join(self.a, written)), written)

    def test_compare_passes_identical_results(self):
        result = run("compare.py", self.a, self.a)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertNotIn("REGRESSION", result.stdout)

    def test_compare_flags_a_regression_beyond_the_threshold(self):
        files = copy.deepcopy(results_folder())
        files["step_highway_t2.json"] = step("highway", 1500.0)  # 25% slower
        b = write_folder(self.tmp.name, "b", files)
        result = run("compare.py", self.a, b)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        flagged = [line for line in result.stdout.splitlines() if "REGRESSION" in line]
        self.assertEqual(len(flagged), 1, result.stdout)
        self.assertIn("highway", flagged[0])
        self.assertEqual(run("compare.py", self.a, b, "--threshold", "0.3").returncode, 0)

    def test_compare_rejects_a_missing_folder(self):
        result = run("compare.py", self.a, os.path.join(self.tmp.name, "absent"))
        self.assertEqual(result.returncode, 2)
        self.assertIn("absent", result.stderr)

    def test_plots_are_drawn(self):
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            self.skipTest("python3-matplotlib is not installed")
        result = run("plot_results.py", self.a)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        for png in ("kernels_T64.png", "step_breakdown.png", "roofline.png"):
            path = os.path.join(self.a, "plots", png)
            self.assertTrue(os.path.getsize(path) > 10000, png)


if __name__ == "__main__":
    unittest.main()
