"""squared_difference, int8: (a - b)^2 with numpy broadcasting (TFLite SQUARED_DIFFERENCE).

LiteRT's int8 kernel rescales both inputs as ADD does but with a 2^7 headroom shift
(each (q - zp) * 2^7, then times s_i / (2 max(s_a, s_b)), MultiplyByQuantizedMultiplier-
SmallerThanOneExp), subtracts, squares in int32 (at most 255^2 * 2^14, no overflow), and scales
the square by (2 max(s_a, s_b))^2 / (2^14 s_out) with MultiplyByQuantizedMultiplier (the
multiplier may exceed one), plus the output zero point, saturated to int8. Keras'
LayerNormalization converts to it (the variance). C kernel tc_squared_difference_s8, with
tc_add_params and the broadcast walk of tc_add_s8.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.add import broadcast_call, out_shape
from tinyc.ops.common import output_of
from tinyc.quant.arith import elementwise_requant, smaller_than_one
from tinyc.quant.fixedpoint import mbqm_double, quantize_multiplier

LEFT_SHIFT = 7


def params(node, g) -> dict:
    a, b = (g.tensors[x] for x in node.inputs[:2])
    y = output_of(node, g)
    loc = where(g.source, node.name, node.op)
    if any(t.dtype != "int8" or t.q is None or t.q.per_channel for t in (a, b, y)):
        raise TinycError("squared_difference needs int8 inputs and output with per-tensor QParams "
                         f"(got {a.dtype}, {b.dtype} -> {y.dtype})", loc)
    s1, s2, so = (float(np.float32(t.q.s())) for t in (a, b, y))
    twice_max = 2.0 * max(s1, s2)
    try:
        m1, sh1 = smaller_than_one(s1 / twice_max)
        m2, sh2 = smaller_than_one(s2 / twice_max)
    except ValueError as e:
        raise TinycError(f"input scales {s1}, {s2} are out of TFLite's range: {e}", loc) from None
    mo, sho = quantize_multiplier(twice_max * twice_max / float(np.float32((1 << 2 * LEFT_SHIFT) * so)))
    return dict(left_shift=LEFT_SHIFT, input1_multiplier=m1, input1_shift=sh1, input2_multiplier=m2,
                input2_shift=sh2, output_multiplier=mo, output_shift=sho, input1_offset=-a.q.zp(),
                input2_offset=-b.q.zp(), output_offset=y.q.zp(), act_min=-128, act_max=127)


def shape(node, g):
    return [out_shape(node, g)]


def macs(node, g) -> int:
    return int(np.prod(out_shape(node, g), dtype=np.int64))


def ref(node, g, a, b):
    p = params(node, g)
    sa = elementwise_requant(a, -p["input1_offset"], p["input1_multiplier"], p["input1_shift"], LEFT_SHIFT)
    sb = elementwise_requant(b, -p["input2_offset"], p["input2_multiplier"], p["input2_shift"], LEFT_SHIFT)
    d = sa - sb
    y = mbqm_double(d * d, p["output_multiplier"], p["output_shift"]) + p["output_offset"]
    return [np.clip(y, -128, 127).astype(np.int8).reshape(out_shape(node, g))]


def lower(node, g):
    return broadcast_call("add_s8.j2", node, g, dict(params(node, g), kernel="tc_squared_difference_s8"))
