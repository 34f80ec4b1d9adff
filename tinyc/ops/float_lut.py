"""Shared parts of the int8 activations defined by a float function through a 256-entry table.

An op module built here (elu, selu, softplus, mish, sqrt, abs, exp, log, neg, reciprocal, sin,
cos) is defined like
LiteRT's LUT activations (tinyc.quant.lut.float_lut_s8): the float value of every
int8 input, transformed in float64 and rounded to float32, quantized to the
output scale. The C kernel is tc_lut_s8 (in place). `float_ref` is the same
function on float arrays, used by tinyc.float_ref for calibration.
"""
from __future__ import annotations

import numpy as np

from tinyc.ops.unary_lut import int8_io, lut_call, lut_ref
from tinyc.quant.lut import float_lut_s8


class FloatLutOp:
    """The op interface (shape, macs, ref, lower, float_ref) of x -> f(x; node.attrs), f on float64 arrays."""

    def __init__(self, f):
        self.f = f

    def float_ref(self, node, x: np.ndarray) -> np.ndarray:
        return self.f(x.astype(np.float64), node.attrs).astype(np.float32)

    def table(self, node, g) -> np.ndarray:
        """int8[256]: the output for every input value q, at index q + 128."""
        x, y = int8_io(node, g)
        return float_lut_s8(x.q.s(), x.q.zp(), y.q.s(), y.q.zp(),
                            lambda v: np.float32(self.f(np.float64(v), node.attrs)))

    def ref(self, node, g, x):
        return lut_ref(self.table(node, g), x)

    def lower(self, node, g):
        return lut_call(node, g, self.table(node, g))
