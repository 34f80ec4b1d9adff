"""logistic (sigmoid), int8: TFLite LOGISTIC through LiteRT's float32 lookup table.

LiteRT's int8 LOGISTIC (reference and optimized) evaluates
1.0f / (1.0f + expf(-x)) on every dequantized int8 value once, at prepare
time, and looks values up. tinyc computes the same table at compile time
(tinyc.quant.lut) and the C kernel is tc_lut_s8. TFLite requires
s_out = 1/256 and zp_out = -128; tinyc accepts any output qparams.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, output_of
from tinyc.quant.lut import apply_lut_s8, float_lut_s8, logistic_f32


def table(node, g) -> np.ndarray:
    """int8[256]: the output for every input value q, at index q + 128."""
    x, y = g.tensors[node.inputs[0]], output_of(node, g)
    if x.dtype != "int8" or y.dtype != "int8" or x.q is None or y.q is None:
        raise TinycError(f"int8 logistic needs quantized int8 input and output, got {x.dtype} -> {y.dtype}",
                         where(g.source, node.name, node.op))
    return float_lut_s8(x.q.s(), x.q.zp(), y.q.s(), y.q.zp(), logistic_f32)


def shape(node, g):
    return [tuple(g.tensors[node.inputs[0]].shape)]


def macs(node, g) -> int:
    return 0


def ref(node, g, x):
    return [apply_lut_s8(table(node, g), x)]


def lower(node, g) -> Call:
    x, y = node.inputs[0], node.outputs[0]
    return Call(template="lut_s8.j2", node=node.name, inputs=[x], outputs=[y],
                params=dict(size=g.tensors[x].size), arrays=dict(table=table(node, g)), inplace=(x, y))
