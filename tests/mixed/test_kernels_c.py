"""Mixed-precision C kernels (tc_*_s16, tc_*_s4) == the numpy reference, bit for bit.

Oracle: tinyc.ref.run_int (the 16x8 and int4-weight branches of conv2d /
depthwise_conv2d / fully_connected), on random shapes, host build with
ASan/UBSan; one QEMU run (mps2-an386) of a graph that chains all six kernels.
"""
import numpy as np
import pytest

from graphs import add_layer, random_input
from tinyc.ir import Graph
from harness import assert_bitexact
from tinyc.quant.int16 import pack_int4, unpack_int4

NONE, RELU, RELU6 = (-np.inf, np.inf), (0.0, np.inf), (0.0, 6.0)


def _random_case(op: str, rng):
    """(x_shape, w_shape, attrs) of a random op instance, with padding, strides, dilation, groups."""
    act = [NONE, RELU, RELU6][int(rng.integers(3))]
    if op == "fully_connected":
        k, cout = int(rng.integers(1, 70)), int(rng.integers(1, 20))
        return (1, k), (cout, k), dict(act=act)
    h, w = int(rng.integers(5, 10)), int(rng.integers(5, 10))
    kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    s, d = tuple(int(v) for v in rng.integers(1, 3, 2)), (1, int(rng.integers(1, 3)))
    pads = tuple(int(v) for v in rng.integers(0, 2, 4))
    attrs = dict(strides=s, dilations=d, pads=pads, act=act)
    if op == "depthwise_conv2d":
        cin, dm = int(rng.integers(1, 6)), int(rng.integers(1, 3))
        attrs["depth_multiplier"] = dm
        return (1, h, w, cin), (1, kh, kw, cin * dm), attrs
    groups = int(rng.choice([1, 1, 2]))
    cin, cout = groups * int(rng.integers(1, 5)), groups * int(rng.integers(1, 5))
    attrs["groups"] = groups
    return (1, h, w, cin), (cout, kh, kw, cin // groups), attrs


def _random_graph(mode: str, seed: int) -> Graph:
    """3 independent random layers per op (conv / depthwise / fc) in one graph, one input/output each."""
    rng = np.random.default_rng(seed)
    g = Graph(f"mixed_{mode}", source="test")
    for op in ("conv2d", "depthwise_conv2d", "fully_connected"):
        for i in range(3):
            xs, wsh, attrs = _random_case(op, rng)
            add_layer(g, f"_{op}{i}", op, mode, rng, xs, wsh, attrs, bias=i != 1)
    return g


@pytest.mark.parametrize("mode", ["s16", "s4"])
def test_mixed_kernels_c_match_ref(mode):
    """9 random layers (3 per op), 2 samples: C == numpy reference byte for byte, ASan/UBSan host build."""
    for seed in (1,):
        g = _random_graph(mode, seed)
        rng = np.random.default_rng(seed + 10)
        assert_bitexact(g, [[random_input(g, rng, x) for x in g.inputs] for _ in range(2)])


@pytest.mark.qemu
@pytest.mark.parametrize("mode", ["s16", "s4"])
def test_mixed_kernels_qemu_an386(mode):
    """The same random layers built for mps2-an386 (Cortex-M4) under QEMU == numpy reference."""
    g = _random_graph(mode, 3)
    rng = np.random.default_rng(13)
    assert_bitexact(g, [[random_input(g, rng, x) for x in g.inputs]], board="mps2-an386")


def test_int4_pack_roundtrip_and_layout():
    """pack_int4: low nibble first, odd tail padded; unpack_int4 inverts it."""
    v = np.array([1, -1, 7, -8, 3], dtype=np.int8)
    assert pack_int4(v).view(np.uint8).tolist() == [0xF1, 0x87, 0x03]
    r = np.random.default_rng(0).integers(-8, 8, 101)
    assert (unpack_int4(pack_int4(r), 101) == r).all()
