"""gelu: x * Phi(x) (TFLite GELU, int8), exact (erf) or approximate (tanh) by attr `approximate`.

LiteRT builds a 256-entry table at prepare time (LUTPopulate with
GeluTransform / GeluTransformApproximate in float32); tinyc computes the same
table at compile time (tinyc.quant.transformer) and runs tc_lut_s8, in place.
The ONNX frontend's fuse_gelu pass makes the exact form from the
Div -> Erf -> Add -> Mul -> Mul pattern PyTorch exports for nn.GELU().
"""
from __future__ import annotations

import numpy as np

from tinyc.ops.unary_lut import int8_io, lut_call, lut_ref, macs, shape  # noqa: F401  (the op's interface)
from tinyc.quant.lut import float_lut_s8
from tinyc.quant.transformer import gelu_f32, gelu_tanh_f32


def transform(node):
    return gelu_tanh_f32 if node.attrs.get("approximate", False) else gelu_f32


def table(node, g) -> np.ndarray:
    """int8[256]: the output for every input value q, at index q + 128."""
    x, y = int8_io(node, g)
    return float_lut_s8(x.q.s(), x.q.zp(), y.q.s(), y.q.zp(), transform(node))


def ref(node, g, x):
    return lut_ref(table(node, g), x)


def lower(node, g):
    return lut_call(node, g, table(node, g))
