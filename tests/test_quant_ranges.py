"""Quantizer choices that keep int8 noise unbiased and single-rounded (tinyc/quant/quantize.py).

Oracles: the float reference (tinyc.float_ref.run_float) for the values; onnxruntime's QDQ quantizer for
the clamp rule (it drops a Relu/Clip and quantizes the producer with the Relu output's range).
"""
import math

import numpy as np

from tinyc.float_ref import run_float
from tinyc.ir import Graph, Node, Tensor
from tinyc.quant.quantize import calibrate, quantize_graph
from tinyc.ref import run_int

NO_ACT = (-math.inf, math.inf)


def _graph(nodes, tensors, inputs, outputs):
    g = Graph("t")
    for name, shape in tensors.items():
        g.add_tensor(Tensor(name, shape, "float32"))
    g.nodes, g.inputs, g.outputs = nodes, inputs, outputs
    return g


def _quantized(g, n=16, seed=0):
    rng = np.random.default_rng(seed)
    shape = g.tensors[g.inputs[0]].shape
    samples = [{g.inputs[0]: rng.standard_normal(shape).astype(np.float32)} for _ in range(n)]
    return quantize_graph(g, calibrate(g, samples)), samples


def test_clamp_after_concat_shares_its_range_with_the_concat():
    g = _graph([Node("concat", "cat", ["a", "b"], ["c"], dict(axis=3)),
                Node("clamp", "relu", ["c"], ["y"], dict(act=(0.0, math.inf)))],
               {"a": (1, 4, 4, 3), "b": (1, 4, 4, 2), "c": (1, 4, 4, 5), "y": (1, 4, 4, 5)}, ["a", "b"], ["y"])
    rng = np.random.default_rng(1)
    samples = [{"a": rng.standard_normal((1, 4, 4, 3)).astype(np.float32),
                "b": 3 * rng.standard_normal((1, 4, 4, 2)).astype(np.float32)} for _ in range(8)]
    q = quantize_graph(g, calibrate(g, samples))
    qc, qy = q.tensors["c"].q, q.tensors["y_int8"].q
    assert (qc.s(), qc.zp()) == (qy.s(), qy.zp()) and qy.zp() == -128
    for s in samples:  # one rounding: within half a step of the float relu (input rounding included: 1 step)
        env = run_int(q, s)
        ref = run_float(g, s)["y"]
        assert np.max(np.abs(env["y"] - ref)) <= 1.01 * qy.s() + max(q.tensors[x].q.s() for x in ("a_int8", "b_int8"))


def test_two_by_two_avg_pool_is_an_unbiased_depthwise_conv():
    g = _graph([Node("avg_pool2d", "pool", ["x"], ["y"], dict(kernel=(2, 2), strides=(2, 2), pads=(0, 0, 0, 0),
                                                              act=NO_ACT))],
               {"x": (1, 8, 8, 4), "y": (1, 4, 4, 4)}, ["x"], ["y"])
    g.tensors["x"] = Tensor("x", (1, 8, 8, 4), "float32")
    q, _ = _quantized(g)
    assert [n.op for n in q.nodes] == ["quantize", "depthwise_conv2d", "dequantize"]
    rng = np.random.default_rng(5)
    err, step = [], q.tensors["y_int8"].q.s()
    for _ in range(64):  # inputs shifted positive: TFLite's AVERAGE_POOL_2D would round the ties up
        x = (rng.standard_normal((1, 8, 8, 4)) * 0.5 + 0.5).astype(np.float32)
        xq = run_int(q, {"x": x}, return_all=True)
        xin = q.tensors["x_int8"].q
        xd = ((xq["x_int8"].astype(np.float64) - xin.zp()) * xin.s()).astype(np.float32)
        err.append(xq["y"] - run_float(g, {"x": xd})["y"])  # the pool's own rounding only
    assert abs(np.mean(err)) < 0.03 * step
    assert np.max(np.abs(err)) <= 0.5 * step + 1e-6


def test_odd_and_padded_avg_pools_stay_pools():
    for kernel, pads in (((3, 3), (0, 0, 0, 0)), ((2, 2), (1, 1, 0, 0))):
        oh = (8 + pads[0] + pads[2] - kernel[0]) // 2 + 1
        g = _graph([Node("avg_pool2d", "pool", ["x"], ["y"], dict(kernel=kernel, strides=(2, 2), pads=pads,
                                                                  act=NO_ACT))],
                   {"x": (1, 8, 8, 4), "y": (1, oh, oh, 4)}, ["x"], ["y"])
        q, _ = _quantized(g)
        assert [n.op for n in q.nodes] == ["quantize", "avg_pool2d", "dequantize"], (kernel, pads)
