"""Row-band streaming with halo caching (tinyc.patching.stream) is bit-identical to layer by layer
and recomputes nothing.

Oracles: tinyc.ref.run_int on the whole graph (layer by layer), byte for byte on the split
tensor; the layer-by-layer MACs of the stage (streaming computes every row exactly once).
"""
import numpy as np
import pytest

from nets import NONE, RELU, Builder
from tinyc.ops import op_module
from tinyc.patching.receptive import stage_of
from tinyc.patching.stream import run_stage_stream, stream_bands, stream_macs
from tinyc.pipeline import load_model
from tinyc.ref import run_int


@pytest.fixture(scope="module")
def vww():
    return load_model("models/vww_mbv1_int8.tflite")


def _check(g, x, split, nbands, exact_macs=True):
    """Bit-exact split tensor; MACs: layer by layer's (at most: rows no later layer reads are
    never computed), which is the 'each row at most once' property."""
    stage = stage_of(g, split)
    ref = run_int(g, {g.inputs[0]: x}, return_all=True)
    got = run_stage_stream(stage, x, nbands)
    assert np.array_equal(got, ref[stage.output])
    _, bands = stream_bands(stage, nbands)
    lbl = [op_module(n.op).macs(n, g) for n in stage.nodes]
    macs = stream_macs(stage, bands)
    assert macs == lbl if exact_macs else all(m <= b for m, b in zip(macs, lbl))


@pytest.mark.parametrize("split,nbands", [(0, 5), (3, 7), (7, 12), (7, 5), (11, 6), (12, 3)])
def test_vww_stream_bit_exact(vww, split, nbands):
    x = np.random.default_rng(split).integers(-128, 128, (1, 96, 96, 3)).astype(np.int8)
    _check(vww, x, split, nbands)


def test_odd_geometry_stream_bit_exact():
    """Stride 2 with asymmetric pads, dilation, pools, depth multiplier: every row once."""
    b = Builder("odd", 23, 19, 3, 5)
    x = b.conv("input", 8, (3, 3), (2, 2), (0, 1, 1, 1), act=RELU)
    x = b.dw(x, (3, 3), (1, 1), (2, 2, 2, 2), d=(2, 2))
    x = b.pool(x, "max_pool2d", (3, 3), (2, 2), (1, 0, 1, 1))
    x = b.dw(x, (5, 3), (1, 2), (2, 1, 2, 0), mult=2)
    x = b.conv(x, 16, (3, 2), (1, 1), (1, 0, 1, 1), act=NONE)
    g = b.finish(x)
    xin = np.random.default_rng(1).integers(-128, 128, g.tensors[g.inputs[0]].shape).astype(np.int8)
    for nb in (2, 3):
        _check(g, xin, len(g.nodes) - 1, nb, exact_macs=False)


def test_residual_stage_streams():
    """A branch (a residual add reading the conv's output twice over) streams too (test_stream_dag.py)."""
    b = Builder("res", 12, 12, 3, 2)
    r = b.conv("input", 8, (3, 3), (1, 1), (1, 1, 1, 1), act=RELU)
    y = b.conv(r, 8, (3, 3), (1, 1), (1, 1, 1, 1), act=NONE)
    g = b.finish(b.add(r, y, act=NONE))
    xin = np.random.default_rng(2).integers(-128, 128, g.tensors[g.inputs[0]].shape).astype(np.int8)
    for nb in (2, 5):
        _check(g, xin, len(g.nodes) - 1, nb)
