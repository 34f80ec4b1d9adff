"""sqrt, int8: sqrt(max(x, 0)) (ONNX Sqrt outside a division) through a 256-entry table.

Defined as in tinyc.ops.float_lut (LiteRT's LUT construction); C kernel tc_lut_s8.
A Div by a Sqrt becomes mul(a, rsqrt(b)) in the frontend (tinyc.frontend.onnx_norm)
instead, the arithmetic of LayerNorm.
"""
from __future__ import annotations

import numpy as np

from tinyc.ops.float_lut import FloatLutOp
from tinyc.ops.unary_lut import macs, shape  # noqa: F401  (the op's interface)


def sqrt(x, attrs):
    return np.sqrt(np.maximum(x, 0.0))


_op = FloatLutOp(sqrt)
table, ref, lower, float_ref = _op.table, _op.ref, _op.lower, _op.float_ref
