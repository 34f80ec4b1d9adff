"""hard_swish, int8: y = x * relu6(x + 3) / 6 with TFLite's int16 fixed-point arithmetic.

LiteRT's int8 HARD_SWISH (BUILTIN_REF) is reference_ops::HardSwish: the input
moves to a 2^-7 finer int16 scale, a "reluish" factor in [0, 1] comes from an
int16 rescale to [-3, 3] -> [0, 1], and the product is shifted to the output
scale. The output only depends on the int8 input value, so tinyc evaluates
that arithmetic for all 256 values at compile time (tinyc.quant.lut) and the
C kernel is tc_lut_s8.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, output_of
from tinyc.quant.lut import apply_lut_s8, hard_swish_lut_s8


def table(node, g) -> np.ndarray:
    """int8[256]: the output for every input value q, at index q + 128."""
    x, y = g.tensors[node.inputs[0]], output_of(node, g)
    loc = where(g.source, node.name, node.op)
    if x.dtype != "int8" or y.dtype != "int8" or x.q is None or y.q is None:
        raise TinycError(f"int8 hard_swish needs quantized int8 input and output, got {x.dtype} -> {y.dtype}", loc)
    try:
        return hard_swish_lut_s8(x.q.s(), x.q.zp(), y.q.s(), y.q.zp())
    except ValueError:
        raise TinycError(f"hard_swish output scale {y.q.s():g} is too small for input scale {x.q.s():g} "
                         "(TFLite needs s_in / s_out < 128)", loc) from None


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
