"""add: a + b with numpy broadcasting and two input scales (TFLite ADD, int8 general rescaling path).

Also home of the broadcast lowering shared with mul: the C kernels walk a
4-D output with per-input element strides (0 where an input is broadcast).
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, act_range, output_of
from tinyc.quant.arith import add_params, broadcast_strides, elementwise_requant
from tinyc.quant.fixedpoint import mbqm_double


def out_shape(node, g) -> tuple[int, ...]:
    """numpy broadcast of the two inputs; TinycError when they do not broadcast."""
    a, b = (g.tensors[x] for x in node.inputs[:2])
    try:
        return tuple(int(d) for d in np.broadcast_shapes(a.shape, b.shape))
    except ValueError:
        raise TinycError(f"shapes {list(a.shape)} and {list(b.shape)} do not broadcast",
                         where(g.source, node.name, node.op)) from None


def broadcast_call(template: str, node, g, params: dict) -> Call:
    """A Call with 4-D output dims and per-input strides; in place on a full-shape activation input."""
    a, b = (g.tensors[x] for x in node.inputs[:2])
    y = output_of(node, g)
    shp = out_shape(node, g)
    plan = broadcast_strides([a.shape, b.shape], shp)
    if plan is None:
        raise TinycError(f"broadcast of {list(a.shape)} and {list(b.shape)} needs more than 4 dims",
                         where(g.source, node.name, node.op))
    dims, (sa, sb) = plan
    inplace = None
    for t in (a, b):
        if not t.is_const and t.size == y.size and t.dtype == y.dtype:
            inplace = (t.name, y.name)
            break
    return Call(template=template, node=node.name, inputs=list(node.inputs[:2]), outputs=list(node.outputs),
                params=dict(params, dims=dims, a_strides=sa, b_strides=sb), inplace=inplace)


def _quant(node, g) -> dict:
    a, b = (g.tensors[x] for x in node.inputs[:2])
    y = output_of(node, g)
    try:
        p = add_params(a.q.s(), b.q.s(), y.q.s())
    except ValueError as e:
        raise TinycError(f"ADD scales {a.q.s()}, {b.q.s()} -> {y.q.s()} are out of TFLite's range: {e}",
                         where(g.source, node.name, node.op)) from None
    lo, hi = act_range(node, y)
    return dict(p, input1_offset=-a.q.zp(), input2_offset=-b.q.zp(), output_offset=y.q.zp(),
                act_min=lo, act_max=hi)


def shape(node, g):
    return [out_shape(node, g)]


def macs(node, g) -> int:
    """One per output element."""
    return int(np.prod(out_shape(node, g), dtype=np.int64))


def ref(node, g, a, b):
    """TFLite AddFunc: shift each (q - zp) left by 20, scale each input, sum, scale to the output, add zp, clamp."""
    p = _quant(node, g)
    sa = elementwise_requant(a, -p["input1_offset"], p["input1_multiplier"], p["input1_shift"], p["left_shift"])
    sb = elementwise_requant(b, -p["input2_offset"], p["input2_multiplier"], p["input2_shift"], p["left_shift"])
    y = mbqm_double(sa + sb, p["output_multiplier"], p["output_shift"]) + p["output_offset"]
    return [np.clip(y, p["act_min"], p["act_max"]).astype(np.int8).reshape(out_shape(node, g))]


def lower(node, g) -> Call:
    return broadcast_call("add_s8.j2", node, g, _quant(node, g))
