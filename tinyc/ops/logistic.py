"""logistic (sigmoid), int8: TFLite LOGISTIC through LiteRT's float32 lookup table.

LiteRT's int8 LOGISTIC (reference and optimized) evaluates
1.0f / (1.0f + expf(-x)) on every dequantized int8 value once, at prepare
time, and looks values up. tinyc computes the same table at compile time
(tinyc.quant.lut) and the C kernel is tc_lut_s8. TFLite requires
s_out = 1/256 and zp_out = -128; tinyc accepts any output qparams.
"""
from __future__ import annotations

import numpy as np

from tinyc.ops.unary_lut import int8_io, lut_call, lut_ref, macs, shape  # noqa: F401  (the op's interface)
from tinyc.quant.lut import float_lut_s8, logistic_f32


def table(node, g) -> np.ndarray:
    """int8[256]: the output for every input value q, at index q + 128."""
    x, y = int8_io(node, g)
    return float_lut_s8(x.q.s(), x.q.zp(), y.q.s(), y.q.zp(), logistic_f32)


def ref(node, g, x):
    return lut_ref(table(node, g), x)


def lower(node, g):
    return lut_call(node, g, table(node, g))
