"""island_lut, int8: a float island of exact float ops between a DEQUANTIZE and a QUANTIZE, as one table.

The TFLite converter leaves some ops of an int8 model in float, e.g. the NEG of Keras'
LayerNormalization (DEQUANTIZE -> NEG -> QUANTIZE). passes/fuse_island_lut.py replaces such a
chain by this op. Node: input x (int8), output y (int8); attr `ops`, the float ops in order
(each in FLOAT_FNS: float32 functions without rounding of their own, so that the table is LiteRT's
result exactly). table[q + 128] = AffineQuantize(f(Dequantize(q))): float32(s_in * (q - zp_in)),
the ops in float32, then roundf(v / s_out) + zp_out saturated, a float32 division as LiteRT's
reference QUANTIZE does it. C kernel tc_lut_s8 (in place).
"""
from __future__ import annotations

import numpy as np

from tinyc.ops.unary_lut import int8_io, lut_call, lut_ref
from tinyc.ops.unary_lut import macs, shape  # noqa: F401  (the op's interface)
from tinyc.quant.affine import dequantize_f32, quantize_f32

FLOAT_FNS = {"neg": np.negative, "abs": np.abs}


def table(node, g) -> np.ndarray:
    x, y = int8_io(node, g)
    v = dequantize_f32(np.arange(-128, 128), x.q.s(), x.q.zp())
    for op in node.attrs["ops"]:
        v = FLOAT_FNS[op](v).astype(np.float32)
    return quantize_f32(v, y.q.s(), y.q.zp(), -128, 127).astype(np.int8)


def ref(node, g, x):
    return lut_ref(table(node, g), x)


def lower(node, g):
    return lut_call(node, g, table(node, g))
