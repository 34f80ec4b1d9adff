"""silu (swish), int8: x * sigmoid(x) through a 256-entry table.

Not a TFLite builtin of the int8 spec: tinyc defines it like LiteRT's LUT
activations (tinyc.quant.lut.float_lut_s8): the float value of every int8 input,
transformed (in float64, rounded to float32), quantized to the output. The C
kernel is tc_lut_s8. The fuse_silu pass makes it from the Sigmoid -> Mul(x, .)
pattern PyTorch exports for nn.SiLU(): one rounding instead of two.
"""
from __future__ import annotations

import math

import numpy as np

from tinyc.ops.unary_lut import int8_io, lut_call, lut_ref, macs, shape  # noqa: F401  (the op's interface)
from tinyc.quant.lut import float_lut_s8


def silu_f32(v: np.float32) -> np.float32:
    x = float(v)
    return np.float32(x / (1.0 + math.exp(-x)) if x > -700 else 0.0)


def table(node, g) -> np.ndarray:
    """int8[256]: the output for every input value q, at index q + 128."""
    x, y = int8_io(node, g)
    return float_lut_s8(x.q.s(), x.q.zp(), y.q.s(), y.q.zp(), silu_f32)


def ref(node, g, x):
    return lut_ref(table(node, g), x)


def lower(node, g):
    return lut_call(node, g, table(node, g))
