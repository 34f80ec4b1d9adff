"""exp, int8: exp(x) (ONNX Exp) through a 256-entry table.

Defined as in tinyc.ops.float_lut (LiteRT's LUT construction); C kernel tc_lut_s8.
"""
from __future__ import annotations

import numpy as np

from tinyc.ops.float_lut import FloatLutOp
from tinyc.ops.unary_lut import macs, shape  # noqa: F401  (the op's interface)


def exp(x, attrs):
    return np.exp(np.minimum(x, 80.0))


_op = FloatLutOp(exp)
table, ref, lower, float_ref = _op.table, _op.ref, _op.lower, _op.float_ref
