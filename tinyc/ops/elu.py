"""elu, int8: x if x > 0 else alpha * (exp(x) - 1) (ONNX Elu, attr alpha) through a 256-entry table.

Defined as in tinyc.ops.float_lut (LiteRT's LUT construction); C kernel tc_lut_s8.
"""
from __future__ import annotations

import numpy as np

from tinyc.ops.float_lut import FloatLutOp
from tinyc.ops.unary_lut import macs, shape  # noqa: F401  (the op's interface)


def elu(x, attrs):
    return np.where(x > 0, x, attrs.get("alpha", 1.0) * np.expm1(np.minimum(x, 0.0)))


_op = FloatLutOp(elu)
table, ref, lower, float_ref = _op.table, _op.ref, _op.lower, _op.float_ref
