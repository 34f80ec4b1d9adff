"""prelu, int8: y = x for x >= 0, alpha * x otherwise (TFLite PRELU, reference kernel arithmetic).

alpha is a constant int8 tensor with per-tensor QParams that broadcasts over the
trailing dims of x (a scalar, one slope per channel [C], or x's own shape).
As TFLite's reference BroadcastPrelu4DSlow:
    v = q - zp_in
    y = zp_out + (v >= 0 ? MBQM(v, M1, sh1) : MBQM(v * (alpha_q - zp_alpha), M2, sh2))
saturated to int8, with M1 = s_in / s_out and M2 = s_in * s_alpha / s_out
(QuantizeMultiplier of the float64 ratios, double rounding). ONNX PRelu and
LeakyRelu (a scalar alpha) both map here.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, act_range, output_of
from tinyc.quant.fixedpoint import mbqm_double, quantize_multiplier


def _quant(node, g) -> dict:
    x, a = g.tensors[node.inputs[0]], g.tensors[node.inputs[1]]
    y = output_of(node, g)
    loc = where(g.source, node.name, node.op)
    if x.dtype != "int8" or y.dtype != "int8" or a.dtype != "int8" or not a.is_const or a.q is None \
            or a.q.per_channel:
        raise TinycError("int8 prelu needs int8 input/output and a constant per-tensor int8 alpha", loc)
    m1, s1 = quantize_multiplier(np.float64(x.q.s()) / np.float64(y.q.s()))
    m2, s2 = quantize_multiplier(np.float64(x.q.s()) * np.float64(a.q.s()) / np.float64(y.q.s()))
    lo, hi = act_range(node, y)
    return dict(input_offset=-x.q.zp(), alpha_offset=-a.q.zp(), output_offset=y.q.zp(), mult_pos=m1, shift_pos=s1,
                mult_neg=m2, shift_neg=s2, act_min=lo, act_max=hi)


def _alpha_len(node, g) -> int:
    """alpha's element count, after checking it broadcasts over x's trailing dims."""
    x, a = g.tensors[node.inputs[0]], g.tensors[node.inputs[1]]
    dims = list(a.shape)
    while dims and dims[0] == 1:
        dims.pop(0)
    if dims and tuple(x.shape[len(x.shape) - len(dims):]) != tuple(dims):
        raise TinycError(f"prelu alpha {list(a.shape)} must broadcast over the trailing dims of {list(x.shape)}",
                         where(g.source, node.name, node.op))
    return max(a.size, 1)


def shape(node, g):
    return [tuple(g.tensors[node.inputs[0]].shape)]


def macs(node, g) -> int:
    return g.tensors[node.inputs[0]].size


def ref(node, g, x, alpha):
    p = _quant(node, g)
    v = x.astype(np.int64) + p["input_offset"]
    al = np.broadcast_to(alpha.astype(np.int64) + p["alpha_offset"], x.shape) if alpha.ndim <= x.ndim else None
    pos = mbqm_double(v, p["mult_pos"], p["shift_pos"])
    neg = mbqm_double(v * al, p["mult_neg"], p["shift_neg"])
    y = np.where(v >= 0, pos, neg) + p["output_offset"]
    return [np.clip(y, p["act_min"], p["act_max"]).astype(np.int8)]


def lower(node, g) -> Call:
    x, a = node.inputs
    return Call(template="prelu_s8.j2", node=node.name, inputs=[x, a], outputs=list(node.outputs),
                params=dict(_quant(node, g), size=g.tensors[x].size, alpha_len=_alpha_len(node, g)),
                inplace=(x, node.outputs[0]))
