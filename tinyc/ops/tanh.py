"""tanh, int8: TFLite TANH through LiteRT's float32 lookup table.

LiteRT's int8 TANH (reference and optimized) evaluates
tanhf(x) on every dequantized int8 value once, at prepare
time, and looks values up. tinyc computes the same table at compile time
(tinyc.quant.lut) and the C kernel is tc_lut_s8. The TFLite quantization
spec uses s_out = 1/128, zp_out = 0; LiteRT and tinyc accept any output qparams.
int16 (16x8): LiteRT's fixed-point kernel over the 256-entry sigmoid table with interpolation
(tinyc.quant.sigmoid16, kernel tc_tanh_s16); output scale 2^-15, zero points 0.
"""
from __future__ import annotations

import numpy as np

from tinyc.ops.lut16 import sigmoid16_call, sigmoid16_ref
from tinyc.ops.unary_lut import int8_io, lut_call, lut_ref, macs, shape  # noqa: F401  (the op's interface)
from tinyc.quant.lut import float_lut_s8, tanhf


def table(node, g) -> np.ndarray:
    """int8[256]: the output for every input value q, at index q + 128."""
    x, y = int8_io(node, g)
    return float_lut_s8(x.q.s(), x.q.zp(), y.q.s(), y.q.zp(), tanhf)


def _is16(node, g) -> bool:
    return g.tensors[node.inputs[0]].dtype == "int16"


def ref(node, g, x):
    if _is16(node, g):
        return sigmoid16_ref(node, g, x, "tanh")
    return lut_ref(table(node, g), x)


def lower(node, g):
    if _is16(node, g):
        return sigmoid16_call(node, g, "tanh")
    return lut_call(node, g, table(node, g))
