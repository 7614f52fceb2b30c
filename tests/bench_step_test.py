#!/usr/bin/python3
"""bench_step's whole-step roofline (issue 9's definition) against the formula worked out here
from the model's shape: all the step's FLOPs at the compute roof plus one AdamW pass over every
parameter (read the parameter, gradient and both moments, write all four: 32 bytes) at the DRAM
roof. The parameter count is GPT-2's, computed from the model line bench_step prints, not taken
from the binary.

    bench_step_test.py PATH/TO/bench_step
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

BENCH_STEP = None  # set from argv
MODEL = "L=2,C=64,NH=4,V=1000,maxT=32"
PEAK_GFLOPS, PEAK_GBS = 50.0, 5.0


def gpt2_parameters(L, C, Vp, maxT):
    """wte (Vp×C), wpe (maxT×C), per layer 12C² + 13C (two layernorms, qkv, attproj, fc, fcproj
    with their biases), and the final layernorm."""
    return Vp * C + maxT * C + L * (12 * C * C + 13 * C) + 2 * C


def run_json(*flags):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "step.json")
        done = subprocess.run([BENCH_STEP, "--model", MODEL, "-B", "2", "-T", "16", "--steps", "3",
                               "--warmup", "1", "--threads", "1", "--kernels", "highway",
                               "--json", path, *flags], capture_output=True, text=True)
        if done.returncode != 0:
            raise AssertionError(f"bench_step failed: {done.stderr}")
        with open(path) as f:
            return json.load(f), done.stdout


class WholeStepRooflineTest(unittest.TestCase):
    def model_parameters(self, data):
        shape = dict(re.findall(r"(\w+)=(\d+)", data["model"]))
        return gpt2_parameters(int(shape["L"]), int(shape["C"]), int(shape["Vp"]),
                               int(shape["maxT"]))

    def test_fixed_roofs(self):
        data, out = run_json("--peak-gflops", str(PEAK_GFLOPS), "--peak-gbs", str(PEAK_GBS))
        params = self.model_parameters(data)
        self.assertEqual(params, 167680)  # V=1000 padded to Vp=1024
        self.assertAlmostEqual(data["adamw_pass_gb"], 32 * params * 1e-9, delta=1e-12)
        expected_ms = 1000 * (data["gflop_per_step"] / PEAK_GFLOPS + data["adamw_pass_gb"] / PEAK_GBS)
        self.assertAlmostEqual(data["step_roofline_ms"], expected_ms, delta=1e-6 * expected_ms)
        self.assertAlmostEqual(data["step_roofline_fraction"],
                               expected_ms / data["step_ms"]["median"], delta=1e-6)
        self.assertIsNone(data["paired_step_roofline_ratio"])
        printed = re.search(r"roofline, whole step: ([0-9.]+) ms a step, .* the step takes "
                            r"([0-9.]+)x that", out)
        self.assertIsNotNone(printed, out)
        self.assertAlmostEqual(float(printed.group(1)), expected_ms, delta=0.05)

    def test_paired_peak(self):
        # Bytes almost free: each step's whole-step roofline is its FLOPs at its own burst's peak
        # plus a sliver, and a tiny model's step is far slower than that (a ratio above 1).
        data, out = run_json("--paired-peak", "--peak-gbs", "1000")
        ratio = data["paired_step_roofline_ratio"]
        self.assertLessEqual(ratio["min"], ratio["median"])
        self.assertLessEqual(ratio["median"], ratio["max"])
        self.assertGreater(ratio["min"], 1.0)
        self.assertIn("over the whole-step roofline: median", out)
        # With the bursts' median peak the same formula gives the unpaired fields.
        peak = data["paired_fma_gflops"]["median"]
        expected_ms = 1000 * (data["gflop_per_step"] / peak + data["adamw_pass_gb"] / 1000)
        self.assertAlmostEqual(data["step_roofline_ms"], expected_ms, delta=1e-6 * expected_ms)

    def test_no_roofs_no_roofline(self):
        data, out = run_json()
        self.assertIsNone(data["step_roofline_ms"])
        self.assertIsNone(data["step_roofline_fraction"])
        self.assertNotIn("roofline, whole step", out)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: bench_step_test.py PATH/TO/bench_step")
    BENCH_STEP = sys.argv.pop(1)
    unittest.main()
