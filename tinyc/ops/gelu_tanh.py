"""gelu_tanh, int8: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) through a 256-entry table.

ONNX Gelu(approximate='tanh') (opset 20) and the Pow/Mul/Tanh chain torch.onnx exports for
F.gelu(x, approximate='tanh') at opset 17 (the fuse_gelu_tanh pass). Defined as in
tinyc.ops.float_lut (LiteRT's LUT construction); C kernel tc_lut_s8.
"""
from __future__ import annotations

import math

import numpy as np

from tinyc.ops.float_lut import FloatLutOp
from tinyc.ops.unary_lut import macs, shape  # noqa: F401  (the op's interface)


def gelu_tanh(x, attrs):
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


_op = FloatLutOp(gelu_tanh)
table, ref, lower, float_ref = _op.table, _op.ref, _op.lower, _op.float_ref
