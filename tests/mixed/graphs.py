"""Single-layer mixed-precision test graphs (conv2d / depthwise_conv2d / fully_connected).

mode "s16": TFLite 16x8 (int16 symmetric activations, int8 weights, int64 bias);
mode "s4": int8 activations with int4 weights (values in [-7, 7], attr weight_bits=4);
mode "s8": plain int8, for comparison.
"""
from __future__ import annotations

import math

import numpy as np

from tinyc.ir import Graph, Node, QParams, Tensor
from tinyc.ops import op_module

INF = math.inf
ACTS = {"NONE": (-INF, INF), "RELU": (0.0, INF), "RELU6": (0.0, 6.0)}


def _act_tensor(name, shape, mode, rng, scale):
    if mode == "s16":
        return Tensor(name, shape, "int16", q=QParams(scale, 0))
    return Tensor(name, shape, "int8", q=QParams(scale, int(rng.integers(-100, 100))))


def layer_graph(op: str, mode: str, rng, x_shape, w_shape, attrs: dict, bias: bool = True) -> Graph:
    """One `op` node with random weights/bias in `mode`; inputs ['x'], outputs ['y'] (scale set from the data)."""
    g = Graph(f"{op}_{mode}", source="test")
    add_layer(g, "", op, mode, rng, x_shape, w_shape, attrs, bias)
    return g


def add_layer(g: Graph, tag: str, op: str, mode: str, rng, x_shape, w_shape, attrs: dict, bias: bool = True):
    """Add an independent `op` node reading new input x<tag>, writing new output y<tag>."""
    X, W, B, Y = (f"{c}{tag}" for c in "xwby")
    g.add_tensor(_act_tensor(X, x_shape, mode, rng, float(rng.uniform(2e-4, 1e-3) if mode == "s16"
                                                               else rng.uniform(0.01, 0.1))))
    axis = 3 if op == "depthwise_conv2d" else 0
    cout = w_shape[axis]
    wmax = 7 if mode == "s4" else 127
    ws = np.exp(rng.uniform(np.log(1e-3), np.log(1e-1), cout)).astype(np.float32)
    g.const(W, rng.integers(-wmax, wmax + 1, w_shape).astype(np.int8), QParams(ws, np.zeros(cout), axis=axis))
    inputs = [X, W, ""]
    s_x = g.tensors[X].q.s()
    if bias:
        bs = (np.float64(s_x) * ws).astype(np.float32)
        bdt, span = ("int64", 2_000_000) if mode == "s16" else ("int32", 20000)
        g.const(B, rng.integers(-span, span, cout).astype(bdt), QParams(bs, np.zeros(cout), axis=0))
        inputs[2] = B
    attrs = dict(attrs)
    if mode == "s4":
        attrs["weight_bits"] = 4
    node = Node(op, op + tag, inputs, [Y], attrs)
    g.nodes.append(node)
    g.add_tensor(_act_tensor(Y, (1,), mode, rng, 1.0))
    g.tensors[Y].shape = op_module(op).shape(node, g)[0]
    g.inputs.append(X)
    g.outputs.append(Y)
    _fit_output_scale(g, node, rng, mode)


def _fit_output_scale(g: Graph, node: Node, rng, mode: str) -> None:
    """Pick y's scale so that outputs spread over much of the output range (some saturate)."""
    xt, wt = g.tensors[node.inputs[0]], g.tensors[node.inputs[1]]
    x = random_input(g, rng, xt.name)
    xf = (x.astype(np.float64) - xt.q.zp()) * xt.q.s()
    axis = 3 if node.op == "depthwise_conv2d" else 0
    taps = wt.size // wt.shape[axis]
    w_rms = float(np.sqrt(np.mean(wt.data.astype(np.float64) ** 2))) * float(np.median(wt.q.scale))
    typical = np.sqrt(taps) * float(np.sqrt(np.mean(xf ** 2))) * w_rms
    qmax = 32767 if mode == "s16" else 127
    g.tensors[node.outputs[0]].q = QParams(np.float32(3 * typical / qmax), 0 if mode == "s16" else int(rng.integers(-20, 20)))


def random_input(g: Graph, rng, name: str | None = None) -> np.ndarray:
    t = g.tensors[name or g.inputs[0]]
    lo, hi = (-32768, 32768) if t.dtype == "int16" else (-128, 128)
    return rng.integers(lo, hi, t.shape).astype(t.dtype)
