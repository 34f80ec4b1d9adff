"""selu, int8: gamma * (x if x > 0 else alpha * (exp(x) - 1)) (ONNX Selu) through a 256-entry table.

Defined as in tinyc.ops.float_lut (LiteRT's LUT construction); C kernel tc_lut_s8.
"""
from __future__ import annotations

import numpy as np

from tinyc.ops.float_lut import FloatLutOp
from tinyc.ops.unary_lut import macs, shape  # noqa: F401  (the op's interface)

ALPHA, GAMMA = 1.67326319217681884765625, 1.05070102214813232421875  # ONNX's defaults (float32 values)


def selu(x, attrs):
    a, gm = attrs.get("alpha", ALPHA), attrs.get("gamma", GAMMA)
    return gm * np.where(x > 0, x, a * np.expm1(np.minimum(x, 0.0)))


_op = FloatLutOp(selu)
table, ref, lower, float_ref = _op.table, _op.ref, _op.lower, _op.float_ref
