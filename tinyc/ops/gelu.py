"""gelu: x * Phi(x) (TFLite GELU, int8 and int16), exact (erf) or approximate (tanh) by attr `approximate`.

LiteRT builds a 256-entry table at prepare time (LUTPopulate with
GeluTransform / GeluTransformApproximate in float32); tinyc computes the same
table at compile time (tinyc.quant.transformer) and runs tc_lut_s8, in place.
int16 (zero points 0): LUTPopulate<int16_t>, 513 entries read with interpolation
(tc_lut_interp_s16), as LiteRT.
The ONNX frontend's fuse_gelu pass makes the exact form from the
Div -> Erf -> Add -> Mul -> Mul pattern PyTorch exports for nn.GELU().
"""
from __future__ import annotations

import numpy as np

from tinyc.ops.lut16 import lut16_call, lut16_ref, s16_io
from tinyc.ops.unary_lut import int8_io, lut_call, lut_ref, macs, shape  # noqa: F401  (the op's interface)
from tinyc.quant.lut import float_lut_s8
from tinyc.quant.transformer import gelu_f32, gelu_tanh_f32, lut_populate_s16


def transform(node):
    return gelu_tanh_f32 if node.attrs.get("approximate", False) else gelu_f32


def table(node, g) -> np.ndarray:
    """int8[256] (the output for q at index q + 128) or, for int16, LiteRT's 513-entry LUT."""
    if g.tensors[node.inputs[0]].dtype == "int16":
        x, y = s16_io(node, g)
        return lut_populate_s16(x.q.s(), 0, y.q.s(), 0, transform(node))
    x, y = int8_io(node, g)
    return float_lut_s8(x.q.s(), x.q.zp(), y.q.s(), y.q.zp(), transform(node))


def ref(node, g, x):
    if x.dtype == np.int16:
        return lut16_ref(table(node, g), x)
    return lut_ref(table(node, g), x)


def lower(node, g):
    if g.tensors[node.inputs[0]].dtype == "int16":
        return lut16_call(node, g, table(node, g))
    return lut_call(node, g, table(node, g))
