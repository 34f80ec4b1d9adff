"""The DSP kernels (TC_DSP=1, Cortex-M4 on QEMU mps2-an386) on their edge cases.

Oracle: the numpy integer reference (tinyc.ref), bit for bit. The cases aim at
the DSP paths' seams: input vectors whose length is not a multiple of 4 (tails),
odd output-channel and pixel counts (the 2x2 pair kernel's leftovers), receptive
fields beyond the stack column (fallback), grouped convs, depthwise channel
counts that are not a multiple of 4, 3x3 interiors vs borders, dilation, depth
multipliers, and the in-place layers (1x1 walking forward and backward,
depthwise four channels at a time).

The compile-time specialised kernels (tc_conv_spec_dsp.h, templates/ops/*_spec.j2)
and the DSP paths of pooling, add and mean have their own cases below, same
oracle; the tests also check from the generated C that the specialised call was
the one taken.
"""
import math

import numpy as np
import pytest

from harness import assert_bitexact
from test_conv2d import add_conv
from test_add_mul import add_binary
from test_depthwise_conv2d import add_dw
from test_mean import add_mean
from test_pool import add_pool
from tinyc.ir import Graph, Node, QParams, Tensor
from tinyc.pipeline import Options, compile_graph

INF = math.inf
RELU, NONE = (0.0, INF), (-INF, INF)
BOARD = "mps2-an386"

# (h, w, cin, cout, kernel, strides, dilations, pads, groups)
CONV_CASES = [
    (5, 7, 3, 5, (3, 3), (1, 1), (1, 1), (1, 1, 1, 1), 1),  # k = 27 (tail 3), odd C_OUT, odd pixels
    (9, 9, 1, 7, (10, 4), (2, 2), (1, 1), (4, 1, 5, 2), 1),  # KWS-like, k = 40
    (4, 5, 32, 6, (3, 3), (1, 1), (1, 1), (1, 1, 1, 1), 1),  # k = 288: the pair path (scratch in the arena)
    (3, 4, 120, 6, (3, 3), (1, 1), (1, 1), (1, 1, 1, 1), 1),  # k = 1080 > TC_PAIR_MAX_K: fallback
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


CHAINS = [(12, 5), (6, 6), (5, 13), (8, 6), (8, 12)]  # (C after the 3x3 conv, C_OUT of the 1x1)
SPEC_CHAINS = 2  # the last two: specialised depthwise and 1x1 (C % 4 == 0, even C_OUT)
FCS = [(37, 11), (640, 128), (8, 4), (64, 10), (5, 3)]  # (K, C_OUT)


@pytest.mark.qemu
def test_dsp_in_place_chains():
    """Per CHAINS entry: 3x3 conv -> depthwise in place -> 1x1 in place (forward when C_OUT <= C_IN,
    else backward) on 7x5 pixels (odd count) == numpy reference; the planner must alias all three,
    and the SPEC_CHAINS last ones must take the specialised 1x1 kernel."""
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
    # a larger independent layer holds the arena's peak: the chains keep their preferred scratch (the
    # planner would otherwise give the 1x1 convs their least scratch, one output pixel, and the generic kernel)
    g.outputs.append(add_conv(g, rng, "big", "xbig", 16, 16, 3, 8, (3, 3), pads=(1, 1, 1, 1)))
    g.inputs.append("xbig")
    c = compile_graph(g, Options(board=BOARD))
    assert c.files["dsp_inplace.c"].count("tc_convolve_1x1_s8_spec(") == SPEC_CHAINS
    offs = c.memory.offsets
    for t, u, y in chains:
        assert offs[t] == offs[u] == offs[y], f"the planner did not chain {t} -> {u} -> {y} in place"
    assert_bitexact(g, _samples(g, rng, 3), board=BOARD)


@pytest.mark.qemu
def test_dsp_fully_connected():
    """fully_connected per FCS entry (tails k % 4, leftover rows) == numpy reference (single rounding);
    all but the 5-wide one take a specialised kernel (k % 4 == 0: the folded single-rounding table,
    else the generic table); that one takes the generic kernel."""
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
    c = compile_graph(g, Options(board=BOARD))
    assert sorted(f["key"]["sr"] for f in c.program.extra["spec_fns"]) == [0, 1, 1, 1]
    assert_bitexact(g, _samples(g, rng, 3), board=BOARD)


# (h, w, c, strides, pads): 3x3 depthwise geometries for tc_dw_3x3_s8_spec (C % 4 == 0)
DW_SPEC_CASES = [
    (2, 2, 4, (1, 1), (1, 1, 1, 1)),  # no interior row or column
    (6, 1, 8, (1, 1), (1, 1, 1, 1)),  # one column: every pixel is a border pixel
    (7, 9, 4, (2, 2), (1, 1, 1, 1)),  # stride 2, pads on both sides
    (8, 7, 12, (1, 2), (0, 1, 2, 1)),  # mixed strides, asymmetric pads
    (5, 6, 4, (2, 1), (0, 0, 0, 0)),  # no pads: interior only
    (4, 5, 4, (1, 1), (2, 2, 2, 2)),  # pads 2: border rows see one kernel row
    (3, 4, 4, (1, 1), (3, 0, 3, 0)),  # pads 3: the first and last rows lie wholly in padding
]
IN_PLACE = (2, 3)  # DW_SPEC_CASES also run in place after a 1x1 conv
# (h, w, cin, cout, kernel, strides, pads): general convs for tc_convolve_s8_spec
CONV_SPEC_CASES = [
    (11, 10, 3, 8, (3, 3), (2, 2), (0, 0, 1, 1)),  # VWW's first layer in small (k = 27, TF SAME)
    (3, 3, 2, 5, (5, 5), (2, 2), (2, 2, 2, 2)),  # kernel larger than the input: no interior
    (6, 5, 4, 3, (2, 3), (1, 1), (0, 2, 1, 0)),  # odd C_OUT, odd pixel count, asymmetric pads
]


def _spec_counts(g):
    """(calls of a shared tc_dw_3x3_s8_spec function, of a tc_convolve_s8_spec one) in the generated
    C, and the number of depthwise calls the planner shrank to one plane (those must take the generic
    kernel). Each distinct shape is defined once (tinyc/backend/spec.py)."""
    c = compile_graph(g, Options(board=BOARD))
    text = c.files[f"{g.name}.c"]
    fns = c.program.extra["spec_fns"]
    assert [text.count(f"void {f['symbol']}(") for f in fns] == [1] * len(fns)
    counts = []
    for kernel in ("tc_dw_3x3_s8_spec(", "tc_convolve_s8_spec("):
        shapes = [f["symbol"] for f in fns if f"{kernel}" in text.split(f"void {f['symbol']}(")[1].split("}")[0]]
        counts.append(sum(text.count(f"{sym}(&params") for sym in shapes))
    one_plane = sum(1 for k in c.program.calls if k.template == "depthwise_conv2d_s8.j2"
                    and 0 < k.scratch < 4 * k.params["oh"] * k.params["ow"])
    return counts[0], counts[1], one_plane


@pytest.mark.qemu
def test_dsp_specialised_convs():
    """Every DW_SPEC_CASES entry (out of place; IN_PLACE ones also in place after a conv) and CONV_SPEC_CASES entry
    == numpy reference; the generated C calls the specialised kernels for all of them except the
    depthwise layers the planner left one plane of scratch (generic kernel, channels one at a time)."""
    rng = np.random.default_rng(11)
    g = Graph("dsp_spec", source="test")
    for i, (h, w, c, s, pads) in enumerate(DW_SPEC_CASES):
        g.outputs.append(add_dw(g, rng, f"d{i}", f"xd{i}", h, w, c, 1, (3, 3), s, (1, 1), pads, RELU))
        g.inputs.append(f"xd{i}")
        if i in IN_PLACE:
            t = add_conv(g, rng, f"p{i}", f"xp{i}", h, w, 3, c, (1, 1))
            g.inputs.append(f"xp{i}")
            g.outputs.append(add_dw(g, rng, f"q{i}", t, h, w, c, 1, (3, 3), s, (1, 1), pads, NONE))
    for i, (h, w, cin, cout, k, s, pads) in enumerate(CONV_SPEC_CASES):
        g.outputs.append(add_conv(g, rng, f"c{i}", f"xc{i}", h, w, cin, cout, k, s, (1, 1), pads, 1, RELU))
        g.inputs.append(f"xc{i}")
    dw, conv, one_plane = _spec_counts(g)
    assert (dw, conv) == (len(DW_SPEC_CASES) + len(IN_PLACE) - one_plane, len(CONV_SPEC_CASES))
    assert_bitexact(g, _samples(g, rng), board=BOARD)


@pytest.mark.qemu
def test_dsp_pool_add_mean():
    """avg / max pool (four channels per pass, leftovers, clipped windows, an average over more than
    255 taps that the 16-bit lanes must not take), add (with broadcast; >= 256 outputs through the
    tabulated input terms of tc_add_s8_lut, dense and broadcast) and mean (reduce beyond
    255, leftover positions) in one QEMU program == numpy reference."""
    rng = np.random.default_rng(13)
    g = Graph("dsp_pool", source="test")
    q = (0.05, -3)
    add_pool(g, "avg_pool2d", "a0", 25, 5, 64, (25, 5), (1, 1), (0, 0, 0, 0), "NONE", q)  # KWS's pool
    add_pool(g, "avg_pool2d", "a1", 17, 16, 6, (17, 16), (1, 1), (0, 0, 0, 0), "NONE", q)  # 272 taps
    add_pool(g, "avg_pool2d", "a2", 6, 7, 8, (3, 3), (2, 2), (1, 1, 1, 1), "RELU6", q)
    add_pool(g, "max_pool2d", "m0", 6, 7, 10, (3, 3), (2, 2), (1, 1, 1, 1), "RELU_N1_TO_1", q)
    add_pool(g, "max_pool2d", "m1", 4, 4, 4, (2, 2), (2, 2), (0, 0, 0, 0), "NONE", q)
    add_binary(g, rng, "add", "s0", (1, 5, 6, 8), (1, 5, 6, 8), act="RELU")
    add_binary(g, rng, "add", "s1", (1, 5, 6, 8), (1, 1, 1, 8))
    add_binary(g, rng, "add", "s2", (1, 9, 7, 5), (1, 9, 7, 5), act="RELU")  # tables, dense, 315 = 4 * 78 + 3
    add_binary(g, rng, "add", "s3", (1, 16, 4, 8), (1, 1, 1, 8))  # tables, broadcast walk
    add_mean(g, "n0", (1, 17, 16, 8), (1, 2), True, (0.05, 4), (0.02, -6))
    add_mean(g, "n1", (1, 5, 5, 6), (1, 2), False, (0.05, 4), (0.03, 2))
    assert_bitexact(g, _samples(g, rng), board=BOARD)
