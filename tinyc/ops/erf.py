"""erf, int8: the error function through a 256-entry table (ONNX Erf outside a GELU pattern).

Defined like the other LUT activations (tinyc.quant.lut.float_lut_s8): erf of
every dequantized int8 input in float64, rounded to float32, then quantized to
the output. The C kernel is tc_lut_s8.
"""
from __future__ import annotations

import math

import numpy as np

from tinyc.ops.unary_lut import int8_io, lut_call, lut_ref, macs, shape  # noqa: F401  (the op's interface)
from tinyc.quant.lut import float_lut_s8


def erf_f32(v: np.float32) -> np.float32:
    return np.float32(math.erf(float(v)))


def table(node, g) -> np.ndarray:
    """int8[256]: the output for every input value q, at index q + 128."""
    x, y = int8_io(node, g)
    return float_lut_s8(x.q.s(), x.q.zp(), y.q.s(), y.q.zp(), erf_f32)


def ref(node, g, x):
    return lut_ref(table(node, g), x)


def lower(node, g):
    return lut_call(node, g, table(node, g))
