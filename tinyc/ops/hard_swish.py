"""hard_swish, int8: y = x * relu6(x + 3) / 6 with TFLite's int16 fixed-point arithmetic.

LiteRT's int8 HARD_SWISH (BUILTIN_REF) is reference_ops::HardSwish: the input
moves to a 2^-7 finer int16 scale, a "reluish" factor in [0, 1] comes from an
int16 rescale to [-3, 3] -> [0, 1], and the product is shifted to the output
scale. The output only depends on the int8 input value, so tinyc evaluates
that arithmetic for all 256 values at compile time (tinyc.quant.lut) and the
C kernel is tc_lut_s8.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.unary_lut import int8_io, lut_call, lut_ref, macs, shape  # noqa: F401  (the op's interface)
from tinyc.quant.lut import hard_swish_lut_s8


def table(node, g) -> np.ndarray:
    """int8[256]: the output for every input value q, at index q + 128."""
    x, y = int8_io(node, g)
    try:
        return hard_swish_lut_s8(x.q.s(), x.q.zp(), y.q.s(), y.q.zp())
    except ValueError:
        raise TinycError(f"hard_swish output scale {y.q.s():g} is too small for input scale {x.q.s():g} "
                         "(TFLite needs s_in / s_out < 128)", where(g.source, node.name, node.op)) from None


def ref(node, g, x):
    return lut_ref(table(node, g), x)


def lower(node, g):
    return lut_call(node, g, table(node, g))
