"""ResNet-8-style residual CNN (tests/resnet8.py) on QEMU mps2-an386: bit-exact and fast.

Oracles: the numpy integer reference (tinyc.ref.run_int), bit for bit, on two seeded inputs;
instructions per MAC from QEMU (-icount shift=0 + SysTick) against issue 16's bound of 1.9
(2.15 before the residual-network kernels); the per-layer profile (docs/profiling.md) sums to
within 1% of the whole inference.
"""
from __future__ import annotations

import numpy as np
import pytest

from resnet8 import build_resnet8
from tinyc.backend.build import run_project
from tinyc.backend.emit import write_project
from tinyc.backend.profile import parse_profile, read_profile
from tinyc.pipeline import Options, compile_graph
from tinyc.ref import run_int

BOARD = "mps2-an386"
MAX_INSTRUCTIONS_PER_MAC = 1.9


@pytest.mark.qemu
def test_resnet8_exact_and_instructions_per_mac(tmp_path):
    g = build_resnet8()
    c = compile_graph(g, Options(board=BOARD, profile=True))
    write_project(tmp_path / "p", c.files, BOARD, c.report)
    rng = np.random.default_rng(2)
    xs = [rng.integers(-128, 128, g.tensors["input"].shape).astype(np.int8) for _ in range(2)]
    res = run_project(tmp_path / "p", [[x] for x in xs], ["int8"], [g.tensors[g.outputs[0]].shape], ["int8"])
    for x, out in zip(xs, res.outputs):
        assert out[0].tobytes() == run_int(g, {"input": x})[g.outputs[0]].tobytes()
    prof = read_profile(c.report["profile_slots"], parse_profile(res.stdout), res.instructions)
    whole = res.instructions[0]
    assert abs(prof["sum_instructions"] - whole) <= 0.01 * whole
    per_mac = whole / c.report["macs"]
    top = sorted(prof["layers"], key=lambda r: -r["instructions"])[:4]
    print(f"ResNet-8: {whole:,} instructions, {c.report['macs']:,} MACs, {per_mac:.3f} per MAC; top: "
          + ", ".join(f"{r['name']} {r['instructions']:,}" for r in top))
    assert per_mac <= MAX_INSTRUCTIONS_PER_MAC
