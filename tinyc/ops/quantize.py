"""quantize: float32 -> int8/int16 (TFLite AffineQuantize), or int8/int16 -> int8/int16 (TFLite Requantize).

float input:  q = clamp(zp + roundf(x / scale)), float32 divide.
int input:    q = clamp(MBQM(x - zp_in, M0, shift) + zp_out), M = s_in / s_out.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, inputs_of, output_of
from tinyc.quant.affine import int_range, quantize_f32, requantize, requantize_multiplier

_SUFFIX = {"float32": "f32", "int8": "s8", "int16": "s16", "int32": "s32"}
_PAIRS = {("int8", "int8"), ("int8", "int16"), ("int16", "int8"), ("int16", "int16"), ("int32", "int16"),
          ("int16", "int32"), ("float32", "int8"), ("float32", "int16")}


def _io(node, g):
    x = inputs_of(node, g)[0]
    y = output_of(node, g)
    loc = where(g.source, node.name, node.op)
    if (x.dtype, y.dtype) not in _PAIRS:
        raise TinycError(f"quantize from {x.dtype} to {y.dtype} is not supported "
                         "(supported: float32/int8/int16 -> int8/int16, int32 <-> int16)", loc)
    for t in (x, y) if x.dtype != "float32" else (y,):
        if t.q is None or t.q.per_channel:
            raise TinycError(f"tensor '{t.name}' needs per-tensor QParams", loc)
    if x.size != y.size:
        raise TinycError(f"input {list(x.shape)} and output {list(y.shape)} sizes differ", loc)
    return x, y


def kernel_name(x, y) -> str:
    """tc_quantize_f32_<out> or tc_requantize_<in>_<out>."""
    if x.dtype == "float32":
        return f"tc_quantize_f32_{_SUFFIX[y.dtype]}"
    return f"tc_requantize_{_SUFFIX[x.dtype]}_{_SUFFIX[y.dtype]}"


def shape(node, g):
    return [inputs_of(node, g)[0].shape]


def macs(node, g) -> int:
    return 0


def ref(node, g, x):
    x_t, y = _io(node, g)
    lo, hi = int_range(y.dtype)
    if x_t.dtype == "float32":
        q = quantize_f32(x, y.q.s(), y.q.zp(), lo, hi)
    else:
        q = requantize(x, x_t.q.s(), x_t.q.zp(), y.q.s(), y.q.zp(), lo, hi)
    return [q.astype(y.dtype).reshape(y.shape)]


def lower(node, g) -> Call:
    x, y = _io(node, g)
    params = dict(kernel=kernel_name(x, y), size=y.size, output_zp=y.q.zp())
    if x.dtype == "float32":
        params.update(scale=y.q.s())
    else:
        m0, shift = requantize_multiplier(x.q.s(), y.q.s())
        params.update(input_zp=x.q.zp(), mult=m0, shift=shift)
    # forward walk: output element i is written after input element i (and every
    # input byte it overlaps) was read, so narrowing or same-width runs in place
    narrowing = np.dtype(y.dtype).itemsize <= np.dtype(x.dtype).itemsize
    return Call(
        template="quantize.j2", node=node.name,
        inputs=[node.inputs[0]], outputs=list(node.outputs), params=params,
        inplace=(node.inputs[0], node.outputs[0]) if narrowing else None,
    )
