"""reciprocal, int8: 1 / x (x = 0 gives the largest float32) (ONNX Reciprocal) through a 256-entry table.

Defined as in tinyc.ops.float_lut (LiteRT's LUT construction); C kernel tc_lut_s8.
"""
from __future__ import annotations

import numpy as np

from tinyc.ops.float_lut import FloatLutOp
from tinyc.ops.unary_lut import macs, shape  # noqa: F401  (the op's interface)


def reciprocal(x, attrs):
    return np.where(x == 0, np.float32(3.4e38), 1.0 / np.where(x == 0, 1.0, x))


_op = FloatLutOp(reciprocal)
table, ref, lower, float_ref = _op.table, _op.ref, _op.lower, _op.float_ref
