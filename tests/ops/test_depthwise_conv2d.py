"""depthwise_conv2d (int8): numpy reference vs LiteRT, and generated C vs the numpy reference.

Oracles: LiteRT BUILTIN_REF (DEPTHWISE_CONV_2D) for tinyc.ops.depthwise_conv2d.ref;
the numpy reference for the C kernel tc_depthwise_conv_s8, bit for bit, both
out of place and in place (output at the input's arena offset, channel by channel).
"""
import math

import numpy as np
import pytest

from harness import assert_bitexact
from tflite_builder import TensorSpec, run_op
from tinyc.errors import TinycError
from tinyc.ir import Graph, Node, QParams, Tensor
from tinyc.ops import depthwise_conv2d as dw
from tinyc.pipeline import Options, compile_graph

INF = math.inf
RELU, RELU6, NONE = (0.0, INF), (0.0, 6.0), (-INF, INF)


def add_dw(g, rng, tag, x_name, h, w, cin, dm=1, k=(3, 3), s=(1, 1), d=(1, 1), pads=(1, 1, 1, 1),
           act=NONE, bias=True, w_span=(1e-3, 1e-1), y_scale_mul=1.0):
    """Add a depthwise node reading x_name (created as an int8 input if new); returns its output name."""
    if x_name not in g.tensors:
        g.add_tensor(Tensor(x_name, (1, h, w, cin), "int8",
                            q=QParams(rng.uniform(0.01, 0.1), int(rng.integers(-128, 128)))))
    x = g.tensors[x_name]
    cout = cin * dm
    ws = np.exp(rng.uniform(np.log(w_span[0]), np.log(w_span[1]), cout)).astype(np.float32)
    g.const(f"w{tag}", rng.integers(-127, 128, (1, k[0], k[1], cout)).astype(np.int8),
            QParams(ws, np.zeros(cout), axis=3))
    inputs = [x_name, f"w{tag}", ""]
    if bias:
        bs = (np.float32(x.q.s()) * ws).astype(np.float32)
        g.const(f"b{tag}", rng.integers(-5000, 5000, cout).astype(np.int32), QParams(bs, np.zeros(cout), axis=0))
        inputs[2] = f"b{tag}"
    typical = x.q.s() * float(np.quantile(ws, 0.75)) * 64 * 70 * math.sqrt(k[0] * k[1])
    node = Node("depthwise_conv2d", f"dw{tag}", inputs, [f"y{tag}"],
                dict(strides=s, dilations=d, pads=pads, depth_multiplier=dm, act=act))
    g.add_tensor(Tensor(f"y{tag}", (1, 1, 1, 1), "int8",
                        q=QParams(typical / 127 * y_scale_mul, int(rng.integers(-20, 20)))))
    g.nodes.append(node)
    g.tensors[f"y{tag}"].shape = dw.shape(node, g)[0]
    return f"y{tag}"


# (h, w, cin, dm, kernel, strides, dilations, pads, act, bias, y_scale_mul)
CASES = [
    (7, 9, 5, 1, (3, 3), (1, 1), (1, 1), (1, 1, 1, 1), NONE, True, 1.0),
    (11, 8, 4, 1, (3, 3), (2, 2), (1, 1), (0, 0, 1, 1), RELU, True, 1.0),  # TF SAME, stride 2
    (9, 10, 3, 2, (3, 3), (1, 1), (1, 1), (1, 1, 1, 1), RELU6, True, 1.0),  # depth multiplier 2
    (9, 9, 6, 1, (3, 3), (1, 1), (2, 2), (2, 1, 2, 3), RELU, False, 1.0),  # dilation 2, asymmetric, no bias
    (13, 6, 2, 3, (10, 4), (2, 2), (1, 1), (4, 1, 5, 2), NONE, True, 1.0),  # rectangular, dm 3
    (5, 5, 7, 1, (5, 5), (1, 1), (1, 1), (2, 2, 2, 2), NONE, True, 0.02),  # big multipliers, saturation
    (6, 7, 4, 1, (3, 1), (1, 3), (1, 1), (0, 0, 0, 0), RELU6, True, 1.0),
    (3, 3, 5, 1, (3, 3), (1, 1), (1, 1), (2, 2, 2, 2), NONE, True, 1.0),  # output plane > input: no scratch
]


def test_depthwise_c_matches_ref_random_cases():
    """C (tc_depthwise_conv_s8, ASan+UBSan) == numpy reference over CASES, all in one graph."""
    rng = np.random.default_rng(21)
    g = Graph("dw_cases", source="test")
    for i, (h, w, cin, dm, k, s, d, pads, act, bias, ysm) in enumerate(CASES):
        y = add_dw(g, rng, i, f"x{i}", h, w, cin, dm, k, s, d, pads, act, bias, (1e-4, 1e-1), ysm)
        g.inputs.append(f"x{i}")
        g.outputs.append(y)
    samples = [[rng.integers(-128, 128, g.tensors[n].shape).astype(np.int8) for n in g.inputs]
               for _ in range(3)]
    assert_bitexact(g, samples)


@pytest.mark.parametrize("stride,pads", [((1, 1), (1, 1, 1, 1)), ((2, 2), (0, 0, 1, 1)), ((1, 2), (2, 0, 0, 1))])
def test_depthwise_in_place(stride, pads):
    """Two chained depthwise convs, the second in place (output at its input's offset) == numpy reference."""
    rng = np.random.default_rng(sum(stride) * 10 + sum(pads))
    g = Graph("dw_inplace", source="test")
    t = add_dw(g, rng, "a", "x", 9, 8, 6, act=RELU)
    y = add_dw(g, rng, "b", t, 9, 8, 6, s=stride, pads=pads)
    g.inputs, g.outputs = ["x"], [y]
    call = dw.lower(g.nodes[1], g)
    oh, ow = g.tensors[y].shape[1:3]
    ring = dw.min_scratch_bytes(8, oh, ow, stride[0], pads[0])
    assert call.inplace == (t, y) and call.scratch == dw.scratch_bytes(oh, ow, 1) and call.scratch_min == ring
    offs = compile_graph(g, Options(board="host")).memory.offsets
    assert offs[t] == offs[y], "the planner did not place the depthwise output over its input"
    samples = [[rng.integers(-128, 128, (1, 9, 8, 6)).astype(np.int8)] for _ in range(3)]
    assert_bitexact(g, samples)


def _same_pads(size, k, s, d):
    eff = d * (k - 1) + 1
    out = -(-size // s)
    total = max((out - 1) * s + eff - size, 0)
    return total // 2, total - total // 2


LITERT_CASES = [  # (h, w, cin, dm, k, s, d, padding, act)
    (9, 9, 4, 1, (3, 3), (2, 2), (1, 1), "SAME", "RELU"),
    (10, 7, 3, 2, (3, 3), (1, 1), (1, 1), "SAME", "RELU6"),
    (8, 8, 5, 1, (3, 3), (1, 1), (2, 2), "VALID", "NONE"),
    (10, 6, 2, 1, (10, 4), (2, 2), (1, 1), "SAME", "NONE"),
]


@pytest.mark.parametrize("case", LITERT_CASES)
def test_depthwise_ref_matches_litert(case):
    """tinyc.ops.depthwise_conv2d.ref == LiteRT BUILTIN_REF DEPTHWISE_CONV_2D, bit for bit."""
    h, w, cin, dm, k, s, d, padding, act_name = case
    rng = np.random.default_rng(100 + LITERT_CASES.index(case))
    pads = (0, 0, 0, 0)
    if padding == "SAME":
        (pt, pb), (pl, pr) = _same_pads(h, k[0], s[0], d[0]), _same_pads(w, k[1], s[1], d[1])
        pads = (pt, pl, pb, pr)
    act = {"NONE": NONE, "RELU": RELU, "RELU6": RELU6}[act_name]
    g = Graph("dw_litert", source="test")
    y = add_dw(g, rng, 0, "x", h, w, cin, dm, k, s, d, pads, act, True, (1e-3, 3e-1))
    xt, wt, bt, yt = (g.tensors[n] for n in ("x", "w0", "b0", y))
    cout = cin * dm
    specs = [TensorSpec("x", xt.shape, "int8", xt.q.s(), xt.q.zp()),
             TensorSpec("w", wt.shape, "int8", wt.q.scale.tolist(), [0] * cout, wt.data, 3),
             TensorSpec("b", bt.shape, "int32", bt.q.scale.tolist(), [0] * cout, bt.data, 0)]
    out = TensorSpec("y", yt.shape, "int8", yt.q.s(), yt.q.zp())
    opts = dict(padding=padding, stride_h=s[0], stride_w=s[1], dilation_h_factor=d[0],
                dilation_w_factor=d[1], depth_multiplier=dm, fused_activation_function=act_name)
    for _ in range(4):
        xv = rng.integers(-128, 128, xt.shape).astype(np.int8)
        (want,) = run_op("DEPTHWISE_CONV_2D", specs, [out], opts, [xv])
        (got,) = dw.ref(g.nodes[0], g, xv, wt.data, bt.data)
        np.testing.assert_array_equal(got, want)


def test_depthwise_bad_multiplier_is_user_error():
    """Cout that is not Cin x depth_multiplier raises TinycError naming the node."""
    g = Graph("bad", source="m.tflite")
    g.add_tensor(Tensor("x", (1, 4, 4, 3), "int8", q=QParams(0.1, 0)))
    g.const("w", np.zeros((1, 3, 3, 7), np.int8), QParams(np.ones(7), np.zeros(7), axis=3))
    g.add_tensor(Tensor("y", (1, 2, 2, 7), "int8", q=QParams(0.1, 0)))
    node = Node("depthwise_conv2d", "d1", ["x", "w", ""], ["y"], dict(depth_multiplier=2))
    g.nodes.append(node)
    with pytest.raises(TinycError, match="d1"):
        dw.shape(node, g)


def test_min_scratch_is_a_ring_of_rows():
    """The least in-place scratch: 3x3 stride 1 pad 1 holds two output rows; stride 2 (pad 0 top)
    one; a top pad of 2 three; never more than a plane. Oracle: the write-back rule worked by hand."""
    assert dw.min_scratch_bytes(28, 28, 28, 1, 1) == 2 * 28
    assert dw.min_scratch_bytes(56, 28, 28, 2, 0) == 1 * 28
    assert dw.min_scratch_bytes(8, 9, 8, 1, 2) == 3 * 8
    assert dw.min_scratch_bytes(4, 1, 4, 1, 1) == 4


@pytest.mark.parametrize("board,stride,pads", [
    ("host", (1, 1), (1, 1, 1, 1)), ("host", (2, 2), (0, 0, 1, 1)), ("host", (1, 2), (2, 0, 0, 1)),
    pytest.param("mps2-an386", (1, 1), (1, 1, 1, 1), marks=pytest.mark.qemu)])
def test_depthwise_in_place_with_a_ring(board, stride, pads):
    """Where four planes of scratch would raise the arena by more than 2%, the planner gives the
    in-place depthwise its least scratch, a ring of output rows (channels one at a time, also on
    the DSP path): still == reference."""
    rng = np.random.default_rng(5)
    g = Graph("dw_ring", source="test")
    t = add_dw(g, rng, "a", "x", 16, 16, 4, act=RELU)
    y = add_dw(g, rng, "b", t, 16, 16, 4, s=stride, pads=pads)
    g.inputs, g.outputs = ["x"], [y]
    c = compile_graph(g, Options(board=board))
    oh, ow = g.tensors[y].shape[1:3]
    want = [dw.min_scratch_bytes(16, 16, 16, 1, 1), dw.min_scratch_bytes(16, oh, ow, stride[0], pads[0])]
    assert [call.scratch for call in c.program.calls] == want and want[1] < oh * ow
    assert c.memory.offsets[t] == c.memory.offsets[y]
    samples = [[rng.integers(-128, 128, (1, 16, 16, 4)).astype(np.int8)] for _ in range(2)]
    assert_bitexact(g, samples, board=board)
