"""add: a + b with numpy broadcasting and two input scales (TFLite ADD, general rescaling path).

int8 and int16 (16x8) share TFLite's general path: each (q - zp) is shifted
left (20 bits for int8, 15 for int16), scaled by s_i / (2 max(s_a, s_b)),
summed, and scaled to the output. `sub` (tinyc/ops/sub.py) is this op with the
second input's multiplier negated, as LiteRT's SUB does.

Also home of the broadcast lowering shared with mul: the C kernels walk a
4-D output with per-input element strides (0 where an input is broadcast).
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import SUFFIX, Call, act_range_typed, check_int_io, output_of
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


def quant_params(node, g, sign: int = 1) -> dict:
    """The tc_add_params of an add (sign 1) or sub (sign -1: input 2's multiplier negated)."""
    check_int_io(node, g)
    a, b = (g.tensors[x] for x in node.inputs[:2])
    y = output_of(node, g)
    if b.dtype != y.dtype or b.q is None or b.q.per_channel:
        raise TinycError(f"{node.op} needs both inputs {y.dtype} with per-tensor QParams",
                         where(g.source, node.name, node.op))
    try:
        p = add_params(a.q.s(), b.q.s(), y.q.s(), left_shift=15 if y.dtype == "int16" else 20)
    except ValueError as e:
        raise TinycError(f"{node.op.upper()} scales {a.q.s()}, {b.q.s()} -> {y.q.s()} are out of TFLite's range: {e}",
                         where(g.source, node.name, node.op)) from None
    p["input2_multiplier"] *= sign
    lo, hi = act_range_typed(node, y)
    return dict(p, input1_offset=-a.q.zp(), input2_offset=-b.q.zp(), output_offset=y.q.zp(),
                act_min=lo, act_max=hi)


def _quant(node, g) -> dict:
    return quant_params(node, g, 1)


def shape(node, g):
    return [out_shape(node, g)]


def macs(node, g) -> int:
    """One per output element."""
    return int(np.prod(out_shape(node, g), dtype=np.int64))


def ref(node, g, a, b):
    """TFLite AddFunc: shift each (q - zp) left by 20 (int16: 15), scale each input, sum, scale to the output,
    add zp, clamp."""
    return add_ref(node, g, a, b, _quant(node, g))


def add_ref(node, g, a, b, p):
    sa = elementwise_requant(a, -p["input1_offset"], p["input1_multiplier"], p["input1_shift"], p["left_shift"])
    sb = elementwise_requant(b, -p["input2_offset"], p["input2_multiplier"], p["input2_shift"], p["left_shift"])
    y = mbqm_double(sa + sb, p["output_multiplier"], p["output_shift"]) + p["output_offset"]
    dtype = output_of(node, g).dtype
    return [np.clip(y, p["act_min"], p["act_max"]).astype(dtype).reshape(out_shape(node, g))]


def lower(node, g) -> Call:
    return add_call(node, g, _quant(node, g))


def add_call(node, g, p) -> Call:
    """The add / sub call; int8 with at least LUT_MIN_ELEMENTS outputs takes tc_add_s8_lut (add_tables)."""
    call = broadcast_call("add_s8.j2", node, g, dict(p, kernel=f"tc_add_{SUFFIX[output_of(node, g).dtype]}"))
    if output_of(node, g).dtype == "int8" and int(np.prod(out_shape(node, g))) >= LUT_MIN_ELEMENTS:
        call.arrays.update(zip(("lut_a", "lut_b"), add_tables(p)))
    return call


LUT_MIN_ELEMENTS = 256  # below this the two 1 KB tables cost more flash than they save time


def add_tables(p) -> tuple[np.ndarray, np.ndarray]:
    """Each int8 input's term of TFLite's AddFunc for every value q (index q + 128): exactly the
    reference's elementwise_requant, so tc_add_s8_lut only sums, requantizes the output and clamps."""
    q = np.arange(-128, 128)
    ta = elementwise_requant(q, -p["input1_offset"], p["input1_multiplier"], p["input1_shift"], p["left_shift"])
    tb = elementwise_requant(q, -p["input2_offset"], p["input2_multiplier"], p["input2_shift"], p["left_shift"])
    return ta.astype(np.int32), tb.astype(np.int32)
