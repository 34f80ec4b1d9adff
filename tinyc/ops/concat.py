"""concat: join tensors along one axis (TFLite CONCATENATION, int8; int16 with equal QParams, copied).

An input whose scale and zero point equal the output's is copied. Any other
input is rescaled the way TFLite's ConcatenationWithScaling does, in float32
(tinyc.quant.affine.rescale); the kernel reads the result from a 256-entry
table computed here, so host and Cortex-M give the same bytes.
"""
from __future__ import annotations

import math

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, inputs_of, output_of
from tinyc.quant.affine import rescale_lut


def _axis(node, g) -> int:
    xs = inputs_of(node, g)
    rank = len(xs[0].shape)
    axis = int(node.attrs.get("axis", 0))
    axis = axis + rank if axis < 0 else axis
    loc = where(g.source, node.name, node.op)
    if not 0 <= axis < rank:
        raise TinycError(f"axis {node.attrs.get('axis')} is out of range for rank {rank}", loc)
    y = output_of(node, g)
    for x in xs:
        if x is None or x.dtype not in ("int8", "int16") or x.dtype != y.dtype:
            raise TinycError("concat supports int8 or int16 inputs and output of one dtype", loc)
        if x.dtype == "int16" and not _same_q(x, y):  # LiteRT's int16 concatenation does not rescale
            raise TinycError(f"int16 concat needs every input quantized as the output, got {x.q!r} and {y.q!r}", loc)
        if len(x.shape) != rank or any(a != b for i, (a, b) in enumerate(zip(x.shape, xs[0].shape)) if i != axis):
            raise TinycError(f"input shapes {[list(t.shape) for t in xs]} differ off axis {axis}", loc)
    return axis


def _same_q(x, y) -> bool:
    return x.q.s() == y.q.s() and x.q.zp() == y.q.zp()


def shape(node, g):
    xs = inputs_of(node, g)
    axis = _axis(node, g)
    out = list(xs[0].shape)
    out[axis] = sum(x.shape[axis] for x in xs)
    return [tuple(out)]


def macs(node, g) -> int:
    return 0


def ref(node, g, *xs):
    axis = _axis(node, g)
    y = output_of(node, g)
    parts = []
    for t, x in zip(inputs_of(node, g), xs):
        if not _same_q(t, y):
            lut = rescale_lut(t.q.s(), t.q.zp(), y.q.s(), y.q.zp())
            x = lut[x.astype(np.int64) + 128]
        parts.append(x)
    return [np.concatenate(parts, axis=axis).astype(y.dtype)]


def lower(node, g) -> Call:
    xs = inputs_of(node, g)
    axis = _axis(node, g)
    y = output_of(node, g)
    inner = math.prod(y.shape[axis + 1:])
    parts, arrays, offset = [], {}, 0
    for i, t in enumerate(xs):
        lut = ""
        if not _same_q(t, y):
            lut = f"lut{i}"
            arrays[lut] = rescale_lut(t.q.s(), t.q.zp(), y.q.s(), y.q.zp())
        in_inner = t.shape[axis] * inner
        parts.append(dict(in_inner=in_inner, offset=offset, lut=lut))
        offset += in_inner
    return Call(
        template="concat_s8.j2", node=node.name,
        inputs=list(node.inputs), outputs=list(node.outputs),
        params=dict(outer=math.prod(y.shape[:axis]), out_inner=y.shape[axis] * inner, parts=parts,
                    kernel="tc_concat_s16" if y.dtype == "int16" else "tc_concat_s8"),
        arrays=arrays,
    )
