"""rsqrt: 1 / sqrt(x) (TFLite RSQRT), int8 and int16, through tables.

int8: LiteRT's integer arithmetic (tinyc.quant.transformer.rsqrt_values:
GetInvSqrtQuantizedMultiplierExp and two MultiplyByQuantizedMultiplier) depends
only on the input value, so tinyc tabulates all 256 at compile time; kernel
tc_lut_s8, in place. Inputs below the zero point (negative reals, an error in
LiteRT) give the largest output, as zero does.
int16 (zero points 0): LiteRT uses LUTPopulate<int16_t> (513 entries, read with
interpolation) of 1/sqrtf(x), where x <= 0 gives the output's largest real
value s_out * 32767 (pinned against LiteRT: the first interval depends on it);
kernel tc_lut_interp_s16, in place.
"""
from __future__ import annotations

import numpy as np

from tinyc.ops.lut16 import lut16_call, lut16_ref, s16_io
from tinyc.ops.unary_lut import int8_io, lut_call, lut_ref, macs, shape  # noqa: F401  (the op's interface)
from tinyc.quant.lut import _libm_f32, f32
from tinyc.quant.transformer import lut_populate_s16, rsqrt_values

_sqrtf = _libm_f32("sqrtf")


def table(node, g) -> np.ndarray:
    """int8[256] (the output for q at index q + 128) or, for int16, the 513-entry LUT."""
    x, y = g.tensors[node.inputs[0]], g.tensors[node.outputs[0]]
    if x.dtype == "int16":
        s16_io(node, g)
        out_max = f32(f32(y.q.s()) * f32(32767))
        return lut_populate_s16(x.q.s(), 0, y.q.s(), 0,
                                lambda v: out_max if v <= 0 else f32(f32(1) / _sqrtf(v)))
    x, y = int8_io(node, g)
    q = np.arange(-128, 128)
    return rsqrt_values(q, x.q.s(), x.q.zp(), y.q.s(), y.q.zp(), -128, 127).astype(np.int8)


def ref(node, g, x):
    if x.dtype == np.int16:
        return lut16_ref(table(node, g), x)
    return lut_ref(table(node, g), x)


def lower(node, g):
    if g.tensors[node.inputs[0]].dtype == "int16":
        return lut16_call(node, g, table(node, g))
    return lut_call(node, g, table(node, g))
