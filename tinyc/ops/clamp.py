"""clamp: standalone Relu / Relu6 / ReluN1To1 / Clip (TFLite RELU family, int8 and int16).

TFLite's ReluX requantizes first (MBQM of q - zp_in by s_in/s_out, computed
in float32, plus zp_out) and then clamps to the act range. With identical
input and output qparams the multiplier is exactly 1 and this is a pure clamp.
int16 (16x8) is the same arithmetic with the range of int16 (kernel tc_clamp_s16).
"""
from __future__ import annotations

import numpy as np

from tinyc.ops.common import Call, act_range_typed, output_of
from tinyc.quant.arith import relu_multiplier
from tinyc.quant.fixedpoint import mbqm_double


def _quant(node, g) -> dict:
    x = g.tensors[node.inputs[0]]
    y = output_of(node, g)
    m0, sh = relu_multiplier(x.q.s(), y.q.s())
    lo, hi = act_range_typed(node, y)
    identity = x.q.zp() == y.q.zp() and (m0, sh) == (1 << 30, 1)
    return dict(input_offset=-x.q.zp(), output_offset=y.q.zp(), multiplier=m0, shift=sh,
                act_min=lo, act_max=hi, identity=int(identity))


def shape(node, g):
    return [tuple(g.tensors[node.inputs[0]].shape)]


def macs(node, g) -> int:
    return 0


def ref(node, g, x):
    """TFLite ReluX: zp_out + MBQM(q - zp_in, M0, shift), clamped to [act_min, act_max]."""
    p = _quant(node, g)
    y = mbqm_double(x.astype(np.int64) + p["input_offset"], p["multiplier"], p["shift"]) + p["output_offset"]
    return [np.clip(y, p["act_min"], p["act_max"]).astype(output_of(node, g).dtype)]


def lower(node, g) -> Call:
    x = g.tensors[node.inputs[0]]
    y = output_of(node, g)
    return Call(template="clamp_s16.j2" if y.dtype == "int16" else "clamp_s8.j2", node=node.name, inputs=[x.name], outputs=[y.name],
                params=dict(_quant(node, g), size=x.size), inplace=(x.name, y.name))
