"""Patch-based numpy execution is bit-identical to layer-by-layer execution.

Oracle: tinyc.ref.run_int on the whole graph (layer by layer), compared byte
for byte on the split tensor and on every model output.
"""
import numpy as np
import pytest

from mbv2 import build_mbv2
from nets import NONE, RELU, RELU6, Builder
from tinyc.patching.execute import run_patched
from tinyc.pipeline import load_model
from tinyc.ref import run_int


def assert_same(g, x, split, nh, nw):
    ref = run_int(g, {g.inputs[0]: x}, return_all=True)
    got = run_patched(g, {g.inputs[0]: x}, split, nh, nw, return_split=True)
    assert np.array_equal(got["__split__"], ref[g.nodes[split].outputs[0]])
    for o in g.outputs:
        assert got[o].dtype == ref[o].dtype and np.array_equal(got[o], ref[o]), o
    return ref


@pytest.fixture(scope="module")
def vww():
    return load_model("models/vww_mbv1_int8.tflite")


@pytest.mark.parametrize("split,nh,nw", [(0, 2, 2), (3, 3, 3), (7, 4, 4), (7, 3, 6), (11, 5, 3), (12, 6, 6), (26, 3, 2)])
def test_vww_bit_exact(vww, split, nh, nw):
    """VWW int8: patch stage up to `split`, nh x nw grid (uneven and rectangular included)."""
    rng = np.random.default_rng(split)
    x = rng.integers(-128, 128, (1, 96, 96, 3)).astype(np.int8)
    ref = assert_same(vww, x, split, nh, nw)
    assert len(np.unique(ref[vww.nodes[split].outputs[0]])) > 10  # not a degenerate tensor


def small_cnn(seed: int):
    """Odd sizes, stride 2, asymmetric pads, dilation, pools, depth multiplier, residual adds."""
    b = Builder(f"cnn{seed}", 23, 19, 3, seed)
    x = b.conv("input", 8, (3, 3), (2, 2), (0, 1, 1, 1), act=RELU)
    r = b.conv(x, 8, (1, 1), act=NONE)
    y = b.dw(r, (3, 3), (1, 1), (2, 2, 2, 2), d=(2, 2))
    y = b.conv(y, 8, (1, 1), act=NONE)
    x = b.add(r, y, act=RELU6)
    x = b.pool(x, "max_pool2d", (3, 3), (2, 2), (1, 0, 1, 1))
    x = b.dw(x, (5, 3), (1, 2), (2, 1, 2, 0), mult=2)
    x = b.pool(x, "avg_pool2d", (2, 3), (1, 1), (0, 1, 1, 1))
    y = b.conv(x, 16, (3, 2), (1, 1), (1, 0, 1, 1), act=NONE)
    x = b.add(x, y)
    x = b.conv(x, 12, (3, 3), (2, 1), (1, 1, 1, 1))
    return b.finish(b.head(x, 5))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_small_cnn_bit_exact(seed):
    """Random small CNNs, every split point, square, rectangular and uneven grids."""
    g = small_cnn(seed)
    rng = np.random.default_rng(100 + seed)
    x = rng.integers(-128, 128, g.tensors[g.inputs[0]].shape).astype(np.int8)
    splits = [i for i, n in enumerate(g.nodes) if n.op in ("add", "max_pool2d", "avg_pool2d", "conv2d")
              and len(g.tensors[n.outputs[0]].shape) == 4 and g.tensors[n.outputs[0]].shape[1] >= 3]
    from tinyc.patching.search import valid_splits
    splits = [s for s in splits if s in valid_splits(g)]
    assert len(splits) >= 4
    for s in splits:
        h, w = g.tensors[g.nodes[s].outputs[0]].shape[1:3]
        for nh, nw in [(2, 2), (3, 2), (min(h, 4), min(w, 5))]:
            assert_same(g, x, s, nh, nw)


def test_mbv2_small_bit_exact():
    """Reduced MobileNetV2 (64x64, width 0.35): residual adds inside the stage, several splits."""
    g = build_mbv2(64, 0.35, classes=10, seed=3)
    rng = np.random.default_rng(7)
    x = rng.integers(-128, 128, (1, 64, 64, 3)).astype(np.int8)
    adds = [i for i, n in enumerate(g.nodes) if n.op == "add"]
    for split, n in [(adds[0], 4), (adds[1], 3), (adds[0] + 2, 5)]:  # after adds; after a stride-2 dw
        assert_same(g, x, split, n, n)
