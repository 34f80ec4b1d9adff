"""dequantize: int8/int16 -> float32 (TFLite DEQUANTIZE): x = float32(scale * (q - zp)).

TFLite multiplies in double and casts to float; the product of a float32
scale and a 17-bit integer is exact in double, so a single float32 multiply
rounds to the same value. That is what the C kernel does.

attr `perm` (int8 only; passes/fold_output_transpose.py): the output is the
dequantized input transposed by perm, written in one pass (tc_dequantize_transpose_s8_f32):
a model's NHWC -> NCHW output transpose then needs no int8 copy in the arena.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, dims4, inputs_of, output_of
from tinyc.ops.transpose import collapse
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


def _perm(node, g) -> tuple[int, ...] | None:
    perm = node.attrs.get("perm")
    if perm is None:
        return None
    x = inputs_of(node, g)[0]
    perm = tuple(int(p) for p in perm)
    if x.dtype != "int8" or sorted(perm) != list(range(len(x.shape))) or len(collapse(x.shape, perm)[0]) > 4:
        raise TinycError(f"dequantize with perm {list(perm)} needs an int8 input whose move collapses to rank 4, "
                         f"got {x.dtype}{list(x.shape)}", where(g.source, node.name, node.op))
    return perm


def shape(node, g):
    x, perm = inputs_of(node, g)[0], _perm(node, g)
    return [x.shape if perm is None else tuple(x.shape[p] for p in perm)]


def macs(node, g) -> int:
    return 0


def ref(node, g, x):
    x_t, y = _io(node, g)
    f = dequantize_f32(x, x_t.q.s(), x_t.q.zp())
    perm = _perm(node, g)
    return [(f if perm is None else np.transpose(f.reshape(x_t.shape), perm)).reshape(y.shape)]


def lower(node, g) -> Call:
    x, y = _io(node, g)
    perm = _perm(node, g)
    if perm is not None:
        shp, p = collapse(x.shape, perm)
        k = 4 - len(p)
        return Call(template="dequantize_transpose.j2", node=node.name, inputs=[node.inputs[0]],
                    outputs=list(node.outputs), params=dict(in_dims=dims4(shp), perm=tuple(range(k)) + tuple(
                        q + k for q in p), scale=x.q.s(), zp=x.q.zp()))
    return Call(
        template="dequantize.j2", node=node.name,
        inputs=[node.inputs[0]], outputs=list(node.outputs),
        params=dict(kernel=f"tc_dequantize_{_SUFFIX[x.dtype]}_f32", size=x.size,
                    scale=x.q.s(), zp=x.q.zp()),
    )
