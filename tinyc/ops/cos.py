"""cos, int8: cos(x) (ONNX Cos) through a 256-entry table.

Defined as in tinyc.ops.float_lut (LiteRT's LUT construction); C kernel tc_lut_s8.
"""
from __future__ import annotations

import numpy as np

from tinyc.ops.float_lut import FloatLutOp
from tinyc.ops.unary_lut import macs, shape  # noqa: F401  (the op's interface)


def cos(x, attrs):
    return np.cos(x)


_op = FloatLutOp(cos)
table, ref, lower, float_ref = _op.table, _op.ref, _op.lower, _op.float_ref
