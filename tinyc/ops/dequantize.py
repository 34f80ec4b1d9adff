"""dequantize: int8/int16 -> float32 (TFLite DEQUANTIZE): x = float32(scale * (q - zp)).

TFLite multiplies in double and casts to float; the product of a float32
scale and a 17-bit integer is exact in double, so a single float32 multiply
rounds to the same value. That is what the C kernel does.
"""
from __future__ import annotations

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, inputs_of, output_of
from tinyc.quant.affine import dequantize_f32

_SUFFIX = {"int8": "s8", "int16": "s16"}


def _io(node, g):
    x = inputs_of(node, g)[0]
    y = output_of(node, g)
    loc = where(g.source, node.name, node.op)
    if x.dtype not in _SUFFIX or y.dtype != "float32":
        raise TinycError(f"dequantize from {x.dtype} to {y.dtype} is not supported "
                         "(supported: int8/int16 -> float32)", loc)
    if x.q is None or x.q.per_channel:
        raise TinycError(f"tensor '{x.name}' needs per-tensor QParams", loc)
    return x, y


def shape(node, g):
    return [inputs_of(node, g)[0].shape]


def macs(node, g) -> int:
    return 0


def ref(node, g, x):
    x_t, y = _io(node, g)
    return [dequantize_f32(x, x_t.q.s(), x_t.q.zp()).reshape(y.shape)]


def lower(node, g) -> Call:
    x, y = _io(node, g)
    return Call(
        template="dequantize.j2", node=node.name,
        inputs=[node.inputs[0]], outputs=list(node.outputs),
        params=dict(kernel=f"tc_dequantize_{_SUFFIX[x.dtype]}_f32", size=x.size,
                    scale=x.q.s(), zp=x.q.zp()),
    )
