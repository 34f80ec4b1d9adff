"""Empirical bias correction of a float model's quantized layers (tinyc/quant/refine.py, bias_correction.py).

Oracle: the float reference (tinyc.float_ref.run_float) on held-out samples; the int8 values come from
the numpy integer reference (tinyc.ref.run_int), which the C equals bit for bit (tests/zoo/test_zoo.py
runs the generated C of corrected models).
"""
import math

import numpy as np

from tinyc.float_ref import run_float
from tinyc.ir import Graph, Node, QParams, Tensor
from tinyc.quant.quantize import calibrate, quantize_graph
from tinyc.quant.refine import refine
from tinyc.ref import run_int

K, C = 64, 8


def _fc_graph(w, b, act=(-math.inf, math.inf)):
    g = Graph("fc")
    g.add_tensor(Tensor("x", (1, K), "float32"))
    g.add_tensor(Tensor("w", (C, K), "float32", w))
    g.add_tensor(Tensor("b", (C,), "float32", b))
    g.add_tensor(Tensor("y", (1, C), "float32"))
    g.nodes = [Node("fully_connected", "fc", ["x", "w", "b"], ["y"], dict(act=act))]
    g.inputs, g.outputs = ["x"], ["y"]
    return g


def _samples(seed, n):
    """Inputs far from zero mean: weight rounding error times the mean input is a systematic error."""
    rng = np.random.default_rng(seed)
    return [{"x": (2.0 + 0.3 * rng.standard_normal((1, K))).astype(np.float32)} for _ in range(n)]


def _errors(g, q, samples):
    return np.array([run_int(q, s)["y"].reshape(-1) - run_float(g, s)["y"].reshape(-1) for s in samples])


def test_bias_correction_removes_the_per_channel_mean_error_on_held_out_data():
    rng = np.random.default_rng(0)
    g = _fc_graph((0.05 * rng.standard_normal((C, K))).astype(np.float32), np.zeros(C, np.float32))
    calib, test = _samples(1, 64), _samples(2, 64)
    q0 = quantize_graph(g, calibrate(g, calib))
    q1 = refine(g, q0, calib)
    assert not np.array_equal(q1.tensors["b"].data, q0.tensors["b"].data)
    assert q1.tensors["b"].q is q0.tensors["b"].q or np.array_equal(q1.tensors["b"].q.scale, q0.tensors["b"].q.scale)
    e0, e1 = _errors(g, q0, test), _errors(g, q1, test)
    bias0, bias1 = np.sqrt(np.mean(e0.mean(0) ** 2)), np.sqrt(np.mean(e1.mean(0) ** 2))
    assert bias1 < 0.5 * bias0, (bias0, bias1)
    assert np.mean(e1 ** 2) < np.mean(e0 ** 2)
    assert q0.tensors["b"].data.tolist() == quantize_graph(g, calibrate(g, calib)).tensors["b"].data.tolist()


def test_noise_alone_moves_no_bias():
    """Zero-mean inputs and an exact weight grid: the mean error is pure noise, the shrinkage keeps 0."""
    rng = np.random.default_rng(3)
    w = (rng.integers(-127, 128, (C, K)) / 127.0 * 0.05).astype(np.float32)
    w[:, 0] = 0.05  # every row's max |w| on the grid: the weights quantize exactly
    g = _fc_graph(w, np.zeros(C, np.float32))
    calib = [{"x": rng.standard_normal((1, K)).astype(np.float32)} for _ in range(32)]
    q0 = quantize_graph(g, calibrate(g, calib))
    q1 = refine(g, q0, calib)
    moved = np.abs(q1.tensors["b"].data.astype(np.int64) - q0.tensors["b"].data)
    fc = q0.nodes[1]  # nodes: quantize, fc, dequantize
    step_out = q0.tensors[fc.outputs[0]].q.s() / (q0.tensors[fc.inputs[0]].q.s() *
                                                   q0.tensors["w"].q.scale.astype(np.float64))
    assert np.all(moved < 0.1 * step_out), moved / step_out  # below a tenth of an output step


def test_layers_with_given_int8_weights_are_left_alone():
    """A QDQ layer (int8 weights with their QParams in the float IR) keeps its bias."""
    rng = np.random.default_rng(4)
    g = _fc_graph(np.zeros((C, K), np.float32), np.zeros(C, np.float32))
    wq = rng.integers(-127, 128, (C, K)).astype(np.int8)
    g.tensors["w"] = Tensor("w", (C, K), "int8", wq, QParams(np.full(C, 0.001, np.float32), np.zeros(C), axis=0))
    calib = _samples(5, 16)
    q0 = quantize_graph(g, calibrate(g, calib))
    q1 = refine(g, q0, calib)
    assert np.array_equal(q1.tensors["b"].data, q0.tensors["b"].data)


def test_a_layer_without_bias_gets_one():
    rng = np.random.default_rng(6)
    g = _fc_graph((0.05 * rng.standard_normal((C, K))).astype(np.float32), np.zeros(C, np.float32))
    g.nodes[0].inputs = ["x", "w"]
    del g.tensors["b"]
    calib = _samples(7, 32)
    q1 = refine(g, quantize_graph(g, calibrate(g, calib)), calib)
    b = q1.tensors[q1.nodes[1].inputs[2]]  # nodes: quantize, fc, dequantize
    assert b.dtype == "int32" and b.data.any()
    np.testing.assert_allclose(b.q.scale, q1.tensors[q1.nodes[1].inputs[0]].q.s() * q1.tensors["w"].q.scale,
                               rtol=1e-6)
