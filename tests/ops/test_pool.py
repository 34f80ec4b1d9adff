"""max_pool2d / avg_pool2d (int8): numpy reference vs LiteRT, and generated C vs the numpy reference.

Oracles: LiteRT BUILTIN_REF (MAX_POOL_2D, AVERAGE_POOL_2D) for
tinyc.ops.{max,avg}_pool2d.ref; the numpy reference for the C kernels
tc_max_pool_s8 / tc_avg_pool_s8, bit for bit (ASan + UBSan build).
"""
import math

import numpy as np
import pytest

from harness import assert_bitexact
from tflite_builder import TensorSpec, run_op
from tinyc.errors import TinycError
from tinyc.ir import Graph, Node, QParams, Tensor
from tinyc.ops import avg_pool2d, max_pool2d

INF = math.inf
ACTS = {"NONE": (-INF, INF), "RELU": (0.0, INF), "RELU6": (0.0, 6.0), "RELU_N1_TO_1": (-1.0, 1.0)}
MODULES = {"max_pool2d": max_pool2d, "avg_pool2d": avg_pool2d}


def add_pool(g, op, tag, h, w, c, kernel, strides, pads, act, q):
    """Add input x<tag> [1,h,w,c] and a pool node; output y<tag> shares x's qparams. Returns the node."""
    g.add_tensor(Tensor(f"x{tag}", (1, h, w, c), "int8", q=QParams(*q)))
    node = Node(op, f"pool{tag}", [f"x{tag}"], [f"y{tag}"],
                dict(kernel=kernel, strides=strides, pads=pads, act=ACTS[act]))
    g.add_tensor(Tensor(f"y{tag}", (1, 1, 1, 1), "int8", q=QParams(*q)))
    g.nodes.append(node)
    g.tensors[f"y{tag}"].shape = MODULES[op].shape(node, g)[0]
    g.inputs.append(f"x{tag}")
    g.outputs.append(f"y{tag}")
    return node


def tf_padding(size, k, s, padding):
    """TFLite's (out, before, after) for SAME/VALID, dilation 1 (ComputePaddingHeightWidth)."""
    out = (size + s - 1) // s if padding == "SAME" else (size - k + s) // s
    total = max((out - 1) * s + k - size, 0)
    return out, total // 2, total - total // 2


@pytest.mark.parametrize("op,tfl_op", [("max_pool2d", "MAX_POOL_2D"), ("avg_pool2d", "AVERAGE_POOL_2D")])
def test_pool_ref_matches_litert(op, tfl_op):
    """ref == LiteRT on 24 random SAME/VALID pools (kernel, stride, act, qparams all random)."""
    rng = np.random.default_rng(5)
    for trial in range(24):
        h, w, c = (int(v) for v in rng.integers(1, 12, 3))
        kh, kw = (int(v) for v in rng.integers(1, 5, 2))
        sh, sw = (int(v) for v in rng.integers(1, 4, 2))
        padding = "SAME" if trial % 2 else "VALID"
        if padding == "VALID":
            kh, kw = min(kh, h), min(kw, w)
        act = list(ACTS)[trial % 4]
        q = (float(rng.uniform(0.01, 0.3)), int(rng.integers(-128, 128)))
        _, top, bottom = tf_padding(h, kh, sh, padding)
        _, left, right = tf_padding(w, kw, sw, padding)
        g = Graph("t", source="test")
        node = add_pool(g, op, 0, h, w, c, (kh, kw), (sh, sw), (top, left, bottom, right), act, q)
        x = rng.integers(-128, 128, (1, h, w, c)).astype(np.int8)
        y = g.tensors["y0"]
        want = run_op(tfl_op, [TensorSpec("x", x.shape, "int8", *q)], [TensorSpec("y", y.shape, "int8", *q)],
                      dict(padding=padding, stride_w=sw, stride_h=sh, filter_width=kw, filter_height=kh,
                           fused_activation_function=act), [x])[0]
        got = MODULES[op].ref(node, g, x)[0]
        assert want.shape == got.shape
        assert np.array_equal(want, got), (trial, h, w, c, (kh, kw), (sh, sw), padding, act)


# (h, w, c, kernel, strides, pads (t, l, b, r), act)
CASES = [
    (7, 9, 3, (3, 3), (2, 2), (1, 1, 1, 1), "NONE"),
    (8, 8, 4, (2, 2), (2, 2), (0, 0, 0, 0), "RELU"),
    (5, 5, 16, (5, 5), (1, 1), (0, 0, 0, 0), "NONE"),  # global pool, KWS-sized
    (6, 7, 5, (1, 1), (1, 1), (0, 0, 0, 0), "RELU6"),  # 1x1 pool
    (6, 7, 5, (1, 1), (2, 3), (0, 0, 0, 0), "NONE"),  # 1x1, strided
    (9, 6, 3, (3, 2), (1, 2), (2, 0, 1, 1), "RELU6"),  # asymmetric pads
    (4, 4, 2, (4, 4), (1, 1), (3, 3, 3, 3), "NONE"),  # corner windows with a single in-bounds tap
    (48, 48, 8, (3, 3), (2, 2), (0, 0, 1, 1), "RELU"),  # VWW-sized
    (3, 10, 6, (3, 5), (3, 1), (0, 4, 0, 0), "RELU_N1_TO_1"),
]


@pytest.mark.parametrize("op", ["max_pool2d", "avg_pool2d"])
def test_pool_c_matches_ref(op):
    """C == numpy reference over CASES, all in one graph, 3 random samples."""
    rng = np.random.default_rng(7)
    g = Graph(f"{op}_cases", source="test")
    for i, (h, w, c, k, s, pads, act) in enumerate(CASES):
        add_pool(g, op, i, h, w, c, k, s, pads, act, (float(rng.uniform(0.01, 0.1)), int(rng.integers(-128, 128))))
    samples = [[rng.integers(-128, 128, g.tensors[n].shape).astype(np.int8) for n in g.inputs] for _ in range(3)]
    assert_bitexact(g, samples)


def test_max_pool_window_wholly_in_padding():
    """TFLite MaxPool starts at -128: a window with no in-bounds tap gives max(-128, act_min). C agrees."""
    g = Graph("maxpad", source="test")
    node = add_pool(g, "max_pool2d", 0, 4, 4, 3, (2, 2), (1, 1), (2, 2, 2, 2), "NONE", (0.05, 10))
    add_pool(g, "max_pool2d", 1, 4, 4, 3, (2, 2), (1, 1), (2, 2, 2, 2), "RELU", (0.05, 10))
    x = np.full((1, 4, 4, 3), 100, np.int8)
    y = max_pool2d.ref(node, g, x)[0]
    assert y[0, 0, 0, 0] == -128 and y[0, 3, 3, 0] == 100  # corner all padding; centre sees the input
    assert_bitexact(g, [[x, x], [x - 120, x - 120]])


def test_avg_pool_window_wholly_in_padding_is_an_error():
    """TFLite's AveragePool fails on a zero tap count; tinyc refuses the node with a TinycError."""
    g = Graph("avgpad", source="test")
    g.add_tensor(Tensor("x", (1, 4, 4, 3), "int8", q=QParams(0.05, 0)))
    g.add_tensor(Tensor("y", (1, 7, 7, 3), "int8", q=QParams(0.05, 0)))
    node = Node("avg_pool2d", "ap", ["x"], ["y"], dict(kernel=(2, 2), strides=(1, 1), pads=(2, 2, 2, 2)))
    g.nodes.append(node)
    for f in (avg_pool2d.shape, avg_pool2d.lower):
        with pytest.raises(TinycError, match="wholly in the padding"):
            f(node, g)


@pytest.mark.parametrize("op", ["max_pool2d", "avg_pool2d"])
def test_pool_rejects_rescaling_and_bad_geometry(op):
    """TFLite pools do not rescale: different in/out qparams, or an empty output, raise TinycError."""
    g = Graph("bad", source="test")
    g.add_tensor(Tensor("x", (1, 4, 4, 3), "int8", q=QParams(0.05, 0)))
    g.add_tensor(Tensor("y", (1, 2, 2, 3), "int8", q=QParams(0.1, 0)))
    node = Node(op, "p", ["x"], ["y"], dict(kernel=(2, 2), strides=(2, 2), pads=(0, 0, 0, 0)))
    g.nodes.append(node)
    with pytest.raises(TinycError, match="equal input/output quantization"):
        MODULES[op].lower(node, g)
    node.attrs["kernel"] = (5, 5)
    with pytest.raises(TinycError, match="larger than the padded input"):
        MODULES[op].shape(node, g)
