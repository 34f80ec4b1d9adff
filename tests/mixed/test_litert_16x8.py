"""Mixed-precision conv2d / depthwise_conv2d / fully_connected: numpy reference vs LiteRT, bit for bit.

Oracle: LiteRT BUILTIN_REF running CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED
with int16 activations (zero point 0), int8 per-channel weights and int64 bias
(16x8), and with int8 activations and an INT4 filter tensor (int4 weights).
This also pins the rounding of 16x8 requantization: conv / depthwise use
tinyc.quant.int16.mbqm_int64 (reduced 16-bit multiplier, single rounding), fully
connected the full multiplier with single rounding (fixedpoint.mbqm).
"""
import numpy as np
import pytest

from graphs import layer_graph, random_input
from tflite_builder import TensorSpec, run_op
from tinyc.ops import op_module
from tinyc.quant.fixedpoint import mbqm, mbqm_double
from tinyc.quant.int16 import mbqm_int64

# (op, x_shape, w_shape, attrs, tflite options)
CASES = [
    ("conv2d", (1, 7, 9, 3), (5, 3, 3, 3), dict(strides=(1, 1), pads=(1, 1, 1, 1), act=(0.0, np.inf)),
     dict(padding="SAME", stride_h=1, stride_w=1, fused_activation_function="RELU")),
    ("conv2d", (1, 10, 6, 4), (6, 3, 2, 4), dict(strides=(2, 2), pads=(0, 0, 0, 0)),
     dict(padding="VALID", stride_h=2, stride_w=2, fused_activation_function="NONE")),
    ("depthwise_conv2d", (1, 8, 8, 6), (1, 3, 3, 6), dict(strides=(1, 1), pads=(1, 1, 1, 1), act=(0.0, 6.0)),
     dict(padding="SAME", stride_h=1, stride_w=1, depth_multiplier=1, fused_activation_function="RELU6")),
    ("depthwise_conv2d", (1, 9, 7, 3), (1, 3, 3, 6), dict(strides=(2, 2), depth_multiplier=2),
     dict(padding="VALID", stride_h=2, stride_w=2, depth_multiplier=2, fused_activation_function="NONE")),
    ("fully_connected", (1, 40), (12, 40), dict(), dict(fused_activation_function="NONE")),
    ("fully_connected", (1, 64), (10, 64), dict(act=(0.0, np.inf)), dict(fused_activation_function="RELU")),
]
TFL = {"conv2d": "CONV_2D", "depthwise_conv2d": "DEPTHWISE_CONV_2D", "fully_connected": "FULLY_CONNECTED"}


def _specs(g):
    x, w, b, y = (g.tensors[n] for n in ("x", "w", "b", "y"))
    axis = w.q.axis
    return ([TensorSpec("x", x.shape, "int16", x.q.s(), 0),
             TensorSpec("w", w.shape, "int8", w.q.scale.tolist(), [0] * w.q.scale.size, w.data, axis),
             TensorSpec("b", b.shape, "int64", b.q.scale.tolist(), [0] * b.q.scale.size, b.data, 0)],
            [TensorSpec("y", y.shape, "int16", y.q.s(), 0)])


@pytest.mark.parametrize("i", range(len(CASES)))
def test_16x8_ref_matches_litert(i):
    """tinyc ref (16x8 branch) == LiteRT BUILTIN_REF, bit for bit, on 3 random inputs."""
    op, xs, wsh, attrs, opts = CASES[i]
    rng = np.random.default_rng(100 + i)
    g = layer_graph(op, "s16", rng, xs, wsh, attrs)
    ins, outs = _specs(g)
    for _ in range(3):
        xv = random_input(g, rng)
        (want,) = run_op(TFL[op], ins, outs, opts, [xv])
        (got,) = op_module(op).ref(g.nodes[0], g, xv, g.tensors["w"].data, g.tensors["b"].data)
        assert want.dtype == np.int16
        np.testing.assert_array_equal(got.reshape(want.shape), want)
        assert np.count_nonzero(np.abs(want.astype(int)) > 1000) > want.size // 4  # outputs really use int16


def test_16x8_rounding_differs_from_int8_schemes():
    """The pinned 16x8 rounding (reduced multiplier) is a different function from both int8 roundings:
    on these accumulators it disagrees with single and double rounding, so the LiteRT tests above
    would catch a wrong choice."""
    acc = np.arange(-300000, 300000, 7, dtype=np.int64)
    m0, sh = np.int64(1518500250), np.int64(-8)  # M ~ 0.7071 * 2^-8
    ours = mbqm_int64(acc, m0, sh)
    assert np.any(ours != mbqm(acc, m0, sh))
    assert np.any(ours != mbqm_double(acc, m0, sh))


def test_16x8_fc_rounding_is_single_like_litert():
    """FC 16x8 rounds once with the full multiplier: power-of-two scales make exact halves, where
    double rounding would differ; LiteRT agrees with mbqm on all of them."""
    diffs = 0
    for seed in range(10):
        rng = np.random.default_rng(seed)
        g = layer_graph("fully_connected", "s16", rng, (1, 8), (64, 8), {})
        g.tensors["w"].q.scale[:] = 2.0 ** -10
        g.tensors["x"].q.scale[...] = 1.0
        ins, outs = _specs(g)
        xv = random_input(g, rng)
        (want,) = run_op("FULLY_CONNECTED", ins, outs, {}, [xv])
        (got,) = op_module("fully_connected").ref(g.nodes[0], g, xv, g.tensors["w"].data, g.tensors["b"].data)
        np.testing.assert_array_equal(got.reshape(want.shape), want)
        acc = xv.reshape(1, -1).astype(np.int64) @ g.tensors["w"].data.astype(np.int64).T + g.tensors["b"].data
        m0, sh = np.int64(1 << 30), np.int64(1 - 10 - int(np.log2(g.tensors["y"].q.s())))
        diffs += int(np.count_nonzero(mbqm(acc, m0, sh) != mbqm_double(acc, m0, sh)))
    assert diffs > 0


INT4_CASES = [
    ("fully_connected", (1, 41), (12, 41), {}, {}),
    ("conv2d", (1, 7, 6, 4), (5, 3, 3, 4), dict(pads=(1, 1, 1, 1), act=(0.0, np.inf)),
     dict(padding="SAME", stride_h=1, stride_w=1, fused_activation_function="RELU")),
    ("depthwise_conv2d", (1, 7, 7, 3), (1, 3, 3, 3), dict(strides=(2, 2)),
     dict(padding="VALID", stride_h=2, stride_w=2, depth_multiplier=1)),
]


@pytest.mark.parametrize("i", range(len(INT4_CASES)))
def test_int4_weights_ref_matches_litert(i):
    """int8 activations with int4 weights: tinyc ref == LiteRT BUILTIN_REF with an INT4 filter
    tensor (packed by the builder with tinyc's own pack_int4, so the nibble order is checked too)."""
    op, xs, wsh, attrs, opts = INT4_CASES[i]
    rng = np.random.default_rng(200 + i)
    g = layer_graph(op, "s4", rng, xs, wsh, attrs)
    x, w, b, y = (g.tensors[n] for n in "xwby")
    ins = [TensorSpec("x", x.shape, "int8", x.q.s(), x.q.zp()),
           TensorSpec("w", w.shape, "int4", w.q.scale.tolist(), [0] * w.q.scale.size, w.data, w.q.axis),
           TensorSpec("b", b.shape, "int32", b.q.scale.tolist(), [0] * b.q.scale.size, b.data, 0)]
    outs = [TensorSpec("y", y.shape, "int8", y.q.s(), y.q.zp())]
    for _ in range(2):
        xv = random_input(g, rng)
        (want,) = run_op(TFL[op], ins, outs, opts, [xv])
        (got,) = op_module(op).ref(g.nodes[0], g, xv, w.data, b.data)
        np.testing.assert_array_equal(got.reshape(want.shape), want)
        assert len(np.unique(want)) > 8  # not a degenerate (all-saturated) output
