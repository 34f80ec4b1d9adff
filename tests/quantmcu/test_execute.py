"""QuantMCU execution: all maps at 8 bits is int8 patch-based is layer by layer, bit for bit;
lower bits lower the BitOPs; accuracy on the 1,000-image MNIST subset.

Oracles: tinyc.ref.run_int on the whole graph (layer by layer) and
tinyc.patching.execute.run_patched (int8 patch-based), byte for byte; the
MNIST labels for accuracy.
"""
from pathlib import Path

import numpy as np
import pytest

from nets import NONE, RELU, Builder
from tinyc.patching.execute import run_patched
from tinyc.quantmcu.execute import PatchedModel, Plan
from tinyc.quantmcu.vdqs import build_plan
from tinyc.ref import run_int

ROOT = Path(__file__).resolve().parents[2]


def all8(pm: PatchedModel, t: int = 1) -> Plan:
    """Tiny thresholds (every patch an outlier) would hide sub-8-bit paths; all bits 8 is the point."""
    return Plan({m.name: t for m in pm.maps}, {m.name: 8 for m in pm.maps})


@pytest.mark.parametrize("split,grid", [(3, 2), (4, 2), (4, 3), (5, 4)])
def test_mnist_all8_bit_exact(mnist_int8, mnist_test, split, grid):
    """MNIST int8, QuantMCU with every map at 8 bits == int8 patch-based == layer by layer."""
    g = mnist_int8
    pm = PatchedModel(g, split, grid, grid)
    for i in range(3):
        x = mnist_test[0][i][None]
        want = run_int(g, {g.inputs[0]: x})[g.outputs[0]]
        for plan in (None, all8(pm), all8(pm, 10 ** 6)):
            got, st = pm.run(x, plan)
            assert got[g.outputs[0]].tobytes() == want.tobytes()
            assert st["stage_bitops"] == pm.int8_stage_bitops()


def residual_net(seed: int):
    """A stage with a residual add and a crop, plain int8 input (no interface prefix)."""
    b = Builder(f"res{seed}", 20, 18, 3, seed)
    x = b.conv("input", 8, (3, 3), (1, 1), (1, 1, 1, 1), act=RELU)
    y = b.dw(x, (3, 3), (1, 1), (1, 1, 1, 1), act=NONE)
    x = b.add(x, y, act=RELU)
    x = b.conv(x, 8, (3, 3), (2, 2), (1, 1, 1, 1), act=RELU)
    return b.finish(b.head(x, 4))


@pytest.mark.parametrize("seed", [0, 1])
def test_residual_all8_bit_exact(seed):
    """Residual stage: all-8 QuantMCU == run_patched == run_int; a 2-bit plan changes values."""
    g = residual_net(seed)
    split = 3
    pm = PatchedModel(g, split, 2, 3)
    assert pm.prefix == 0 and len(pm.maps) == 3
    rng = np.random.default_rng(seed)
    x = rng.integers(-128, 128, (1, 20, 18, 3)).astype(np.int8)
    want = run_int(g, {"input": x})[g.outputs[0]]
    assert run_patched(g, {"input": x}, split, 2, 3)[g.outputs[0]].tobytes() == want.tobytes()
    assert pm.run(x, all8(pm))[0][g.outputs[0]].tobytes() == want.tobytes()
    low = Plan({m.name: 10 ** 6 for m in pm.maps}, {m.name: 2 for m in pm.maps})
    got, st = pm.run(x, low)
    assert st["outlier_patches"] == 0 and st["stage_bitops"] < pm.int8_stage_bitops()


def test_bitops_follow_bits(mnist_int8, mnist_test):
    """Stage BitOPs: int8 = MACs x 64; every map at b bits, no outliers: maps' consumers x 8b."""
    pm = PatchedModel(mnist_int8, 4, 2, 2)
    assert pm.prefix == 2 and len(pm.maps) == 2  # quantize + NCHW->NHWC reshape run before the stage
    x = mnist_test[0][0][None]
    cm = pm.consumer_macs().sum()
    assert pm.int8_stage_bitops() == sum(map(sum, pm.macs)) * 64
    for b in (6, 4, 2):
        plan = Plan({m.name: 10 ** 6 for m in pm.maps}, {m.name: b for m in pm.maps})
        _, st = pm.run(x, plan)
        assert st["stage_bitops"] == pm.fixed_bitops() + cm * 8 * b


def test_accuracy_smoke(mnist_int8, mnist_test):
    """QuantMCU (default VDPC/VDQS, calibrated on 64 calibration images) on the 1,000-image subset:
    the issue's bar: >= 1.5x fewer patch-stage BitOPs than int8 patch-based, <= 0.5 pt below int8
    (measured: 1.68x, 98.5% both; one map at 2 bits, thresholds 244 and 253)."""
    g = mnist_int8
    x, y = mnist_test
    pm = PatchedModel(g, 4, 2, 2)
    plan, _, _ = build_plan(pm, list(np.load(ROOT / "models" / "mnist_calib.npy")[:64]))
    ok8 = okq = 0
    bitops = 0
    for xi, yi in zip(x, y):
        ok8 += int(np.argmax(run_int(g, {g.inputs[0]: xi[None]})[g.outputs[0]]) == yi)
        out, st = pm.run(xi[None], plan)
        okq += int(np.argmax(out[g.outputs[0]]) == yi)
        bitops += st["stage_bitops"]
    assert ok8 / len(y) >= 0.98
    assert okq >= ok8 - 5
    assert pm.int8_stage_bitops() * len(y) / bitops >= 1.5
