"""The DSP kernels (TC_DSP=1, Cortex-M4 on QEMU mps2-an386) on their edge cases.

Oracle: the numpy integer reference (tinyc.ref), bit for bit. The cases aim at
the DSP paths' seams: input vectors whose length is not a multiple of 4 (tails),
odd output-channel and pixel counts (the 2x2 pair kernel's leftovers), receptive
fields beyond the stack column (fallback), grouped convs, depthwise channel
counts that are not a multiple of 4, 3x3 interiors vs borders, dilation, depth
multipliers, and the in-place layers (1x1 walking forward and backward,
depthwise four channels at a time).
"""
import math

import numpy as np
import pytest

from harness import assert_bitexact
from test_conv2d import add_conv
from test_depthwise_conv2d import add_dw
from tinyc.ir import Graph, Node, QParams, Tensor
from tinyc.pipeline import Options, compile_graph

INF = math.inf
RELU, NONE = (0.0, INF), (-INF, INF)
BOARD = "mps2-an386"

# (h, w, cin, cout, kernel, strides, dilations, pads, groups)
CONV_CASES = [
    (5, 7, 3, 5, (3, 3), (1, 1), (1, 1), (1, 1, 1, 1), 1),  # k = 27 (tail 3), odd C_OUT, odd pixels
    (9, 9, 1, 7, (10, 4), (2, 2), (1, 1), (4, 1, 5, 2), 1),  # KWS-like, k = 40
    (4, 5, 32, 6, (3, 3), (1, 1), (1, 1), (1, 1, 1, 1), 1),  # k = 288 > stack column: fallback
    (6, 6, 6, 9, (3, 2), (1, 2), (2, 1), (2, 0, 2, 1), 3),  # grouped, dilated
    (3, 3, 5, 2, (1, 1), (2, 2), (1, 1), (0, 0, 0, 0), 1),  # 1x1 stride 2: general kernel
    (5, 3, 7, 13, (1, 1), (1, 1), (1, 1), (0, 0, 0, 0), 1),  # pointwise, tails, odd everything
    (2, 2, 260, 3, (1, 1), (1, 1), (1, 1), (0, 0, 0, 0), 1),  # pointwise beyond the stack column
]
# (h, w, c, dm, kernel, strides, dilations, pads)
DW_CASES = [
    (7, 6, 6, 1, (3, 3), (1, 1), (1, 1), (1, 1, 1, 1)),  # 4 + 2 leftover channels
    (9, 8, 8, 1, (3, 3), (2, 2), (1, 1), (0, 0, 1, 1)),  # stride 2, TF SAME
    (8, 8, 4, 1, (3, 3), (1, 1), (2, 2), (2, 2, 2, 2)),  # dilation 2: general taps
    (6, 5, 12, 1, (5, 5), (1, 1), (1, 1), (2, 2, 2, 2)),  # 5x5
    (3, 3, 4, 1, (3, 3), (1, 1), (1, 1), (0, 0, 0, 0)),  # one interior pixel only
    (5, 5, 3, 2, (3, 3), (1, 1), (1, 1), (1, 1, 1, 1)),  # depth multiplier 2: portable path
]


def _samples(g, rng, n=2):
    return [[rng.integers(-128, 128, g.tensors[x].shape).astype(np.int8) for x in g.inputs] for _ in range(n)]


@pytest.mark.qemu
def test_dsp_conv_and_depthwise_edge_cases():
    """Every case of CONV_CASES and DW_CASES, out of place, in one QEMU program == numpy reference."""
    rng = np.random.default_rng(7)
    g = Graph("dsp_cases", source="test")
    for i, (h, w, cin, cout, k, s, d, pads, groups) in enumerate(CONV_CASES):
        g.outputs.append(add_conv(g, rng, f"c{i}", f"xc{i}", h, w, cin, cout, k, s, d, pads, groups, RELU))
        g.inputs.append(f"xc{i}")
    for i, (h, w, c, dm, k, s, d, pads) in enumerate(DW_CASES):
        g.outputs.append(add_dw(g, rng, f"d{i}", f"xd{i}", h, w, c, dm, k, s, d, pads, NONE))
        g.inputs.append(f"xd{i}")
    assert_bitexact(g, _samples(g, rng), board=BOARD)


CHAINS = [(12, 5), (6, 6), (5, 13)]  # (C after the 3x3 conv, C_OUT of the 1x1)
FCS = [(37, 11), (640, 128), (8, 4)]  # (K, C_OUT)


@pytest.mark.qemu
def test_dsp_in_place_chains():
    """Per CHAINS entry: 3x3 conv -> depthwise in place -> 1x1 in place (forward when C_OUT <= C_IN,
    else backward) on 7x5 pixels (odd count) == numpy reference; the planner must alias all three."""
    rng = np.random.default_rng(5)
    g = Graph("dsp_inplace", source="test")
    chains = []
    for i, (cin, cout) in enumerate(CHAINS):
        t = add_conv(g, rng, f"a{i}", f"x{i}", 7, 5, 3, cin, (3, 3), pads=(1, 1, 1, 1), act=RELU)
        u = add_dw(g, rng, f"b{i}", t, 7, 5, cin, act=RELU)
        y = add_conv(g, rng, f"c{i}", u, 7, 5, cin, cout, (1, 1))
        g.inputs.append(f"x{i}")
        g.outputs.append(y)
        chains.append((t, u, y))
    offs = compile_graph(g, Options(board=BOARD)).memory.offsets
    for t, u, y in chains:
        assert offs[t] == offs[u] == offs[y], f"the planner did not chain {t} -> {u} -> {y} in place"
    assert_bitexact(g, _samples(g, rng, 3), board=BOARD)


@pytest.mark.qemu
def test_dsp_fully_connected():
    """fully_connected per FCS entry (tails k % 4, leftover rows) == numpy reference (single rounding)."""
    rng = np.random.default_rng(3)
    g = Graph("dsp_fc", source="test")
    for i, (k, cout) in enumerate(FCS):
        g.add_tensor(Tensor(f"x{i}", (1, k), "int8", q=QParams(0.05, 3)))
        g.const(f"w{i}", rng.integers(-127, 128, (cout, k)).astype(np.int8),
                QParams(rng.uniform(0.001, 0.01, cout).astype(np.float32), np.zeros(cout), axis=0))
        g.const(f"b{i}", rng.integers(-5000, 5000, cout).astype(np.int32),
                QParams(np.full(cout, 5e-5), np.zeros(cout), axis=0))
        g.add_tensor(Tensor(f"y{i}", (1, cout), "int8", q=QParams(0.1 * math.sqrt(k / 37), -5)))
        g.nodes.append(Node("fully_connected", f"fc{i}", [f"x{i}", f"w{i}", f"b{i}"], [f"y{i}"], {"act": NONE}))
        g.inputs.append(f"x{i}")
        g.outputs.append(f"y{i}")
    assert_bitexact(g, _samples(g, rng, 3), board=BOARD)
