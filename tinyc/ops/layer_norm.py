"""layer_norm, int8: LayerNorm over the last axis in one integer op (gamma, beta per channel).

Made by the fuse_layer_norm pass from the ops the frontend emits for ONNX LayerNormalization
(mean, sub, mul, mean, add eps, rsqrt, mul, mul scale, add bias) and from hand-written
channel LayerNorms (ConvNeXt's (x - u) / sqrt(var + eps), after to_nhwc): one rounding instead
of six. Each row of the last axis is one group of tinyc.ops.group_norm's integer arithmetic
(n = C values, the same per-channel constants). Kernel tc_layer_norm_s8 (one tc_group_norm_s8
per row), in place (a row's statistics are read before it is written).
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, output_of
from tinyc.ops.group_norm import MAX_N, channel_constants, normalize_block


def shape(node, g):
    return [tuple(g.tensors[node.inputs[0]].shape)]


def macs(node, g) -> int:
    return 3 * g.tensors[node.inputs[0]].size


def float_ref(node, x):
    x = x.astype(np.float64)
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    y = (x - mu) / np.sqrt(var + node.attrs["epsilon"])
    return (y * np.asarray(node.attrs["gamma"]) + np.asarray(node.attrs["beta"])).astype(np.float32)


def _params(node, g) -> dict:
    x, y = g.tensors[node.inputs[0]], output_of(node, g)
    loc = where(g.source, node.name, node.op)
    if x.dtype != "int8" or y.dtype != "int8" or x.q is None or y.q is None or not x.shape:
        raise TinycError(f"int8 layer_norm needs quantized int8 input and output, got {x.dtype} -> {y.dtype}", loc)
    c = int(x.shape[-1])
    if c > MAX_N:
        raise TinycError(f"layer_norm over {c} values is not supported (at most {MAX_N})", loc)
    return dict(rows=x.size // c, c=c, **channel_constants(node, x, y, c, loc))


def ref(node, g, x):
    p = _params(node, g)
    q = x.astype(np.int64).reshape(p["rows"], p["c"])
    out = np.empty_like(q)
    for i in range(p["rows"]):
        out[i] = normalize_block(q[i:i + 1], 0, p)[0]
    return [out.astype(np.int8).reshape(x.shape)]


def lower(node, g) -> Call:
    p = _params(node, g)
    x, y = node.inputs[0], node.outputs[0]
    return Call(template="layer_norm_s8.j2", node=node.name, inputs=[x], outputs=[y],
                params=dict(rows=p["rows"], channels=p["c"], eps_q=p["eps_q"], zp_out=p["zp_out"]),
                arrays=dict(mant=p["mant"], expo=p["expo"], sign=p["sign"], bias16=p["bias16"]), inplace=(x, y))
