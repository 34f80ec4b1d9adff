"""conv2d (int8): numpy reference vs LiteRT, and generated C vs the numpy reference.

Oracles: LiteRT BUILTIN_REF (CONV_2D) for tinyc.ops.conv2d.ref; the numpy
reference for the C kernels tc_convolve_s8 / tc_convolve_1x1_s8, bit for bit,
including the 1x1 kernel running in place (output at the input's offset).
"""
import math
from pathlib import Path

import numpy as np
import pytest

from harness import assert_bitexact
from tflite_builder import TensorSpec, run_op
from tinyc.errors import TinycError
from tinyc.ir import Graph, Node, QParams, Tensor
from tinyc.ops import conv2d
from tinyc.ops.common import weighted_quant
from tinyc.pipeline import Options, compile_graph

INF = math.inf
RELU, RELU6, NONE = (0.0, INF), (0.0, 6.0), (-INF, INF)


def add_conv(g, rng, tag, x_name, h, w, cin, cout, k=(3, 3), s=(1, 1), d=(1, 1), pads=(0, 0, 0, 0),
             groups=1, act=NONE, bias=True, w_span=(1e-3, 1e-1), y_scale_mul=1.0):
    """Add a conv node reading x_name (created as an int8 input if new); returns its output name."""
    if x_name not in g.tensors:
        g.add_tensor(Tensor(x_name, (1, h, w, cin), "int8",
                            q=QParams(rng.uniform(0.01, 0.1), int(rng.integers(-128, 128)))))
    x = g.tensors[x_name]
    kh, kw = k
    ws = np.exp(rng.uniform(np.log(w_span[0]), np.log(w_span[1]), cout)).astype(np.float32)
    g.const(f"w{tag}", rng.integers(-127, 128, (cout, kh, kw, cin // groups)).astype(np.int8),
            QParams(ws, np.zeros(cout), axis=0))
    inputs = [x_name, f"w{tag}", ""]
    if bias:
        bs = (np.float32(x.q.s()) * ws).astype(np.float32)
        g.const(f"b{tag}", rng.integers(-20000, 20000, cout).astype(np.int32), QParams(bs, np.zeros(cout), axis=0))
        inputs[2] = f"b{tag}"
    # output scale ~ a typical |accumulator| in real units, so outputs spread over int8
    typical = x.q.s() * float(np.quantile(ws, 0.75)) * 64 * 70 * math.sqrt(kh * kw * cin / groups)
    node = Node("conv2d", f"conv{tag}", inputs, [f"y{tag}"],
                dict(strides=s, dilations=d, pads=pads, groups=groups, act=act))
    g.add_tensor(Tensor(f"y{tag}", (1, 1, 1, 1), "int8",
                        q=QParams(typical / 127 * y_scale_mul, int(rng.integers(-20, 20)))))
    g.nodes.append(node)
    g.tensors[f"y{tag}"].shape = conv2d.shape(node, g)[0]
    return f"y{tag}"


# (h, w, cin, cout, kernel, strides, dilations, pads, groups, act, bias, y_scale_mul)
CASES = [
    (7, 9, 3, 5, (3, 3), (1, 1), (1, 1), (1, 1, 1, 1), 1, NONE, True, 1.0),
    (11, 8, 4, 6, (3, 3), (2, 2), (1, 1), (0, 0, 1, 1), 1, RELU, True, 1.0),  # TF SAME, stride 2
    (13, 10, 1, 8, (10, 4), (2, 2), (1, 1), (4, 1, 5, 2), 1, RELU, True, 1.0),  # KWS-like first conv
    (9, 9, 5, 7, (3, 3), (1, 1), (2, 2), (2, 1, 2, 3), 1, RELU6, True, 1.0),  # dilation 2, asymmetric
    (8, 7, 6, 9, (3, 2), (1, 2), (1, 1), (1, 0, 1, 1), 3, NONE, False, 1.0),  # grouped, no bias
    (6, 6, 8, 8, (3, 3), (2, 1), (1, 2), (1, 2, 0, 2), 8, RELU, True, 1.0),  # groups == channels
    (5, 7, 5, 3, (1, 1), (1, 1), (1, 1), (0, 0, 0, 0), 1, NONE, True, 1.0),  # pointwise kernel
    (4, 5, 16, 24, (1, 1), (1, 1), (1, 1), (0, 0, 0, 0), 1, RELU6, True, 0.01),  # big multipliers, saturation
    (10, 3, 3, 4, (1, 3), (3, 1), (1, 1), (0, 1, 0, 1), 1, NONE, True, 1.0),
    (4, 4, 2, 3, (1, 1), (2, 2), (1, 1), (0, 0, 0, 0), 1, NONE, True, 1.0),  # 1x1 stride 2: general kernel
]


def test_conv2d_c_matches_ref_random_cases():
    """C (tc_convolve_s8 / _1x1_s8, ASan+UBSan) == numpy reference over CASES, all in one graph."""
    rng = np.random.default_rng(11)
    g = Graph("conv_cases", source="test")
    for i, (h, w, cin, cout, k, s, d, pads, groups, act, bias, ysm) in enumerate(CASES):
        y = add_conv(g, rng, i, f"x{i}", h, w, cin, cout, k, s, d, pads, groups, act, bias,
                     w_span=(1e-4, 1e-1), y_scale_mul=ysm)
        g.inputs.append(f"x{i}")
        g.outputs.append(y)
    samples = [[rng.integers(-128, 128, g.tensors[n].shape).astype(np.int8) for n in g.inputs]
               for _ in range(3)]
    assert_bitexact(g, samples)


@pytest.mark.parametrize("cin,cout", [(12, 5), (6, 6), (5, 13)])
def test_conv2d_1x1_in_place(cin, cout):
    """1x1 conv run in place after a 3x3 conv (output at the input's arena offset) == numpy reference."""
    rng = np.random.default_rng(cin * 100 + cout)
    g = Graph("conv_inplace", source="test")
    t = add_conv(g, rng, "a", "x", 6, 7, 3, cin, (3, 3), pads=(1, 1, 1, 1), act=RELU)
    y = add_conv(g, rng, "b", t, 6, 7, cin, cout, (1, 1))
    g.inputs, g.outputs = ["x"], [y]
    offs = compile_graph(g, Options(board="host")).memory.offsets
    assert offs[t] == offs[y], "the planner did not place the 1x1 output over its input"
    samples = [[rng.integers(-128, 128, (1, 6, 7, 3)).astype(np.int8)] for _ in range(3)]
    assert_bitexact(g, samples)


def _same_pads(size, k, s, d):
    eff = d * (k - 1) + 1
    out = -(-size // s)
    total = max((out - 1) * s + eff - size, 0)
    return total // 2, total - total // 2


LITERT_CASES = [  # (h, w, cin, cout, k, s, d, padding, act)
    (9, 9, 3, 4, (3, 3), (2, 2), (1, 1), "SAME", "RELU"),
    (10, 7, 2, 5, (10, 4), (2, 2), (1, 1), "SAME", "NONE"),
    (8, 8, 4, 3, (3, 3), (1, 1), (2, 2), "VALID", "RELU6"),
    (6, 5, 7, 6, (1, 1), (1, 1), (1, 1), "VALID", "NONE"),
]


@pytest.mark.parametrize("case", LITERT_CASES)
def test_conv2d_ref_matches_litert(case):
    """tinyc.ops.conv2d.ref == LiteRT BUILTIN_REF CONV_2D, bit for bit."""
    h, w, cin, cout, k, s, d, padding, act_name = case
    rng = np.random.default_rng(LITERT_CASES.index(case))
    pads = (0, 0, 0, 0)
    if padding == "SAME":
        (pt, pb), (pl, pr) = _same_pads(h, k[0], s[0], d[0]), _same_pads(w, k[1], s[1], d[1])
        pads = (pt, pl, pb, pr)
    act = {"NONE": NONE, "RELU": RELU, "RELU6": RELU6}[act_name]
    g = Graph("conv_litert", source="test")
    y = add_conv(g, rng, 0, "x", h, w, cin, cout, k, s, d, pads, 1, act, True, w_span=(1e-3, 3e-1))
    g.inputs, g.outputs = ["x"], [y]
    xt, wt, bt, yt = (g.tensors[n] for n in ("x", "w0", "b0", y))
    specs = [TensorSpec("x", xt.shape, "int8", xt.q.s(), xt.q.zp()),
             TensorSpec("w", wt.shape, "int8", wt.q.scale.tolist(), [0] * cout, wt.data, 0),
             TensorSpec("b", bt.shape, "int32", bt.q.scale.tolist(), [0] * cout, bt.data, 0)]
    out = TensorSpec("y", yt.shape, "int8", yt.q.s(), yt.q.zp())
    opts = dict(padding=padding, stride_h=s[0], stride_w=s[1], dilation_h_factor=d[0],
                dilation_w_factor=d[1], fused_activation_function=act_name)
    for _ in range(3):
        xv = rng.integers(-128, 128, xt.shape).astype(np.int8)
        (want,) = run_op("CONV_2D", specs, [out], opts, [xv])
        (got,) = conv2d.ref(g.nodes[0], g, xv, wt.data, bt.data)
        np.testing.assert_array_equal(got, want)


def test_conv2d_bad_groups_is_user_error():
    """Channel counts that groups does not divide raise TinycError naming the node."""
    g = Graph("bad", source="m.onnx")
    g.add_tensor(Tensor("x", (1, 4, 4, 6), "int8", q=QParams(0.1, 0)))
    g.const("w", np.zeros((4, 3, 3, 3), np.int8), QParams(np.ones(4), np.zeros(4), axis=0))
    g.add_tensor(Tensor("y", (1, 2, 2, 4), "int8", q=QParams(0.1, 0)))
    node = Node("conv2d", "c1", ["x", "w", ""], ["y"], dict(groups=4))
    g.nodes.append(node)
    with pytest.raises(TinycError, match="c1"):
        conv2d.shape(node, g)


def test_conv2d_rounding_is_double_like_litert():
    """LiteRT CONV_2D rounds twice (SRDHM then RDBPOT): a 1x1 sweep of every int8 input pins it.

    Oracle: LiteRT BUILTIN_REF; single rounding (fixedpoint.mbqm) is shown to differ on the same sweep.
    """
    from tinyc.quant.fixedpoint import mbqm
    g = Graph("conv_round", source="test")
    g.add_tensor(Tensor("x", (1, 1, 256, 1), "int8", q=QParams(0.05, 0)))
    g.const("w", np.ones((1, 1, 1, 1), np.int8), QParams(np.array([0.01], np.float32), np.zeros(1), axis=0))
    g.const("b", np.zeros(1, np.int32), QParams(np.array([0.0005], np.float32), np.zeros(1), axis=0))
    g.add_tensor(Tensor("y", (1, 1, 256, 1), "int8", q=QParams(0.0025, 0)))  # M = 0.2
    g.nodes.append(Node("conv2d", "c", ["x", "w", "b"], ["y"], {}))
    xv = np.arange(-128, 128, dtype=np.int8).reshape(1, 1, 256, 1)
    specs = [TensorSpec("x", (1, 1, 256, 1), "int8", 0.05, 0),
             TensorSpec("w", (1, 1, 1, 1), "int8", [0.01], [0], g.tensors["w"].data, 0),
             TensorSpec("b", (1,), "int32", [0.0005], [0], g.tensors["b"].data, 0)]
    (want,) = run_op("CONV_2D", specs, [TensorSpec("y", (1, 1, 256, 1), "int8", 0.0025, 0)],
                     dict(padding="VALID", stride_h=1, stride_w=1), [xv])
    (got,) = conv2d.ref(g.nodes[0], g, xv, g.tensors["w"].data, g.tensors["b"].data)
    np.testing.assert_array_equal(got, want)
    m0, sh = weighted_quant(g.nodes[0], g, 1)[2:4]
    single = np.clip(mbqm(xv.astype(np.int64), m0, sh), -128, 127)
    assert (single != want).any()


@pytest.mark.parametrize("model", ["kws_dscnn", "vww_mbv1"])
def test_mlperf_conv_layers_match_litert(model):
    """Every conv2d / depthwise_conv2d output of the MLPerf Tiny int8 model, through tinyc.ref,
    equals LiteRT BUILTIN_REF's tensor of the same name (oracle: LiteRT, all tensors preserved)."""
    from oracle import litert_interpreter
    from tinyc.pipeline import load_model
    from tinyc.ref import run_int
    path = str(Path(__file__).resolve().parents[2] / "models" / f"{model}_int8.tflite")
    g = load_model(path)
    it = litert_interpreter(path, preserve_all_tensors=True)
    index = {d["name"]: d["index"] for d in it.get_tensor_details()}
    d_in = it.get_input_details()[0]
    xv = np.random.default_rng(1).integers(-128, 128, g.tensors[g.inputs[0]].shape).astype(np.int8)
    it.set_tensor(d_in["index"], xv.reshape(d_in["shape"]))
    it.invoke()
    env = run_int(g, {g.inputs[0]: xv}, return_all=True)
    convs = [n for n in g.nodes if n.op in ("conv2d", "depthwise_conv2d")]
    assert len(convs) >= 9
    for n in convs:
        want = it.get_tensor(index[n.outputs[0]])
        np.testing.assert_array_equal(env[n.outputs[0]].reshape(-1), want.reshape(-1), err_msg=n.name)


def test_kws_generated_c_with_in_place_convs_matches_ref():
    """KWS DS-CNN end to end: the generated C (ASan+UBSan), with its 1x1 and depthwise convs
    placed in place by the planner, equals the numpy reference (oracle: tinyc.ref)."""
    from tinyc.pipeline import load_model
    g = load_model(str(Path(__file__).resolve().parents[2] / "models" / "kws_dscnn_int8.tflite"))
    c = compile_graph(g, Options(board="host"))
    offs = c.memory.offsets
    taken = [k for k in c.program.calls if k.inplace and offs.get(k.inplace[0]) == offs.get(k.inplace[1])]
    assert {"conv2d_1x1_s8.j2", "depthwise_conv2d_s8.j2"} <= {k.template for k in taken}
    rng = np.random.default_rng(5)
    assert_bitexact(g, [[rng.integers(-128, 128, g.tensors[g.inputs[0]].shape).astype(np.int8)] for _ in range(2)])
