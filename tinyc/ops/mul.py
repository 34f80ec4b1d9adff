"""mul: a * b with numpy broadcasting (TFLite MUL, int8 and int16): MBQM of (a - zp_a)(b - zp_b) by s_a*s_b/s_y."""
from __future__ import annotations

import numpy as np

from tinyc.ops.add import broadcast_call, out_shape
from tinyc.ops.common import SUFFIX, Call, act_range_typed, check_int_io, output_of
from tinyc.quant.arith import mul_multiplier
from tinyc.quant.fixedpoint import mbqm_double


def _quant(node, g) -> dict:
    check_int_io(node, g)
    a, b = (g.tensors[x] for x in node.inputs[:2])
    y = output_of(node, g)
    m0, sh = mul_multiplier(a.q.s(), b.q.s(), y.q.s())
    lo, hi = act_range_typed(node, y)
    return dict(input1_offset=-a.q.zp(), input2_offset=-b.q.zp(), output_offset=y.q.zp(),
                output_multiplier=m0, output_shift=sh, act_min=lo, act_max=hi)


def shape(node, g):
    return [out_shape(node, g)]


def macs(node, g) -> int:
    """One multiply per output element."""
    return int(np.prod(out_shape(node, g), dtype=np.int64))


def ref(node, g, a, b):
    """TFLite MulElementwise: (a - zp_a) * (b - zp_b), MultiplyByQuantizedMultiplier, + zp_y, clamp."""
    p = _quant(node, g)
    prod = (a.astype(np.int64) + p["input1_offset"]) * (b.astype(np.int64) + p["input2_offset"])
    y = mbqm_double(prod, p["output_multiplier"], p["output_shift"]) + p["output_offset"]
    return [np.clip(y, p["act_min"], p["act_max"]).astype(output_of(node, g).dtype).reshape(out_shape(node, g))]


def lower(node, g) -> Call:
    return broadcast_call("mul_s8.j2", node, g, dict(_quant(node, g), kernel=f"tc_mul_{SUFFIX[output_of(node, g).dtype]}"))
