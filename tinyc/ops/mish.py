"""mish, int8: x * tanh(softplus(x)) through a 256-entry table.

ONNX Mish (opset 18), and the Softplus -> Tanh -> Mul(x, .) chain torch.onnx exports
for nn.Mish at opset 17 (the fuse_mish pass): one rounding instead of three.
Defined as in tinyc.ops.float_lut (LiteRT's LUT construction); C kernel tc_lut_s8.
"""
from __future__ import annotations

import numpy as np

from tinyc.ops.float_lut import FloatLutOp
from tinyc.ops.unary_lut import macs, shape  # noqa: F401  (the op's interface)


def mish(x, attrs):
    return x * np.tanh(np.logaddexp(0.0, x))


_op = FloatLutOp(mish)
table, ref, lower, float_ref = _op.table, _op.ref, _op.lower, _op.float_ref
