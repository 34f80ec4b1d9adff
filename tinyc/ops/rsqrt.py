"""rsqrt: 1 / sqrt(x) (TFLite RSQRT, int8), through a 256-entry table.

LiteRT's integer arithmetic (tinyc.quant.transformer.rsqrt_table) depends only
on the input value, so tinyc tabulates it at compile time; the C kernel is
tc_lut_s8, in place. Inputs below the zero point (negative reals, an error in
LiteRT) give the largest output, as zero does.
"""
from __future__ import annotations

import numpy as np

from tinyc.ops.unary_lut import int8_io, lut_call, lut_ref, macs, shape  # noqa: F401  (the op's interface)
from tinyc.quant.transformer import rsqrt_table


def table(node, g) -> np.ndarray:
    """int8[256]: the output for every input value q, at index q + 128."""
    x, y = int8_io(node, g)
    return rsqrt_table(x.q.s(), x.q.zp(), y.q.s(), y.q.zp(), -128, 127).astype(np.int8)


def ref(node, g, x):
    return lut_ref(table(node, g), x)


def lower(node, g):
    return lut_call(node, g, table(node, g))
