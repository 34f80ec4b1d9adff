"""logistic (sigmoid), int8: TFLite LOGISTIC through LiteRT's float32 lookup table.

LiteRT's int8 LOGISTIC (reference and optimized) evaluates
1.0f / (1.0f + expf(-x)) on every dequantized int8 value once, at prepare
time, and looks values up. tinyc computes the same table at compile time
(tinyc.quant.lut) and the C kernel is tc_lut_s8. TFLite requires
s_out = 1/256 and zp_out = -128; tinyc accepts any output qparams.
int16 (16x8): TFLite's fixed-point table interpolation (tinyc/ops/sigmoid16.py).
"""
from __future__ import annotations

import numpy as np

from tinyc.ops.sigmoid16 import lower16, ref16
from tinyc.ops.unary_lut import int8_io, lut_call, lut_ref, macs, shape  # noqa: F401  (the op's interface)
from tinyc.quant.lut import float_lut_s8, logistic_f32


def table(node, g) -> np.ndarray:
    """int8[256]: the output for every input value q, at index q + 128."""
    x, y = int8_io(node, g)
    return float_lut_s8(x.q.s(), x.q.zp(), y.q.s(), y.q.zp(), logistic_f32)


def ref(node, g, x):
    if x.dtype == np.int16:
        return ref16(node, g, x)
    return lut_ref(table(node, g), x)


def lower(node, g):
    if g.tensors[node.inputs[0]].dtype == "int16":
        return lower16(node, g)
    return lut_call(node, g, table(node, g))
