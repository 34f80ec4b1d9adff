"""pad: constant padding of any tensor up to rank 4 (TFLite PAD / PADV2, int8 and int16).

PAD fills with the output zero point (real 0.0); PADV2's value arrives in
real units and is quantized with the output's QParams.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import QRANGE, Call, dims4, inputs_of, output_of
from tinyc.quant.affine import quantize_f32

ELEM_BYTES = {"int8": 1, "int16": 2}  # one data-movement kernel, tc_pad


def _pads(node, g) -> list[tuple[int, int]]:
    x = inputs_of(node, g)[0]
    pads = [tuple(int(v) for v in p) for p in node.attrs.get("pads", ())]
    loc = where(g.source, node.name, node.op)
    if x.dtype not in ("int8", "int16"):
        raise TinycError(f"pad supports int8 and int16 tensors, got {x.dtype}", loc)
    if len(x.shape) > 4:
        raise TinycError(f"pad supports rank <= 4, got rank {len(x.shape)}", loc)
    if len(pads) != len(x.shape) or any(len(p) != 2 or min(p) < 0 for p in pads):
        raise TinycError(f"pads {pads} are not non-negative (before, after) pairs for rank {len(x.shape)}", loc)
    return pads


def pad_value(node, g) -> int:
    """The fill value: the real attr 'value' quantized with the output's QParams."""
    y = output_of(node, g)
    return int(quantize_f32(float(node.attrs.get("value", 0.0)), y.q.s(), y.q.zp(), *QRANGE[y.dtype]))


def shape(node, g):
    x = inputs_of(node, g)[0]
    return [tuple(d + a + b for d, (a, b) in zip(x.shape, _pads(node, g)))]


def macs(node, g) -> int:
    return 0


def ref(node, g, x):
    return [np.pad(x, _pads(node, g), mode="constant", constant_values=pad_value(node, g)).astype(x.dtype)]


def lower(node, g) -> Call:
    x = inputs_of(node, g)[0]
    pads = [(0, 0)] * (4 - len(x.shape)) + _pads(node, g)
    return Call(
        template="pad_s8.j2", node=node.name,
        inputs=list(node.inputs), outputs=list(node.outputs),
        params=dict(in_dims=dims4(x.shape), before=tuple(p[0] for p in pads),
                    after=tuple(p[1] for p in pads), pad_value=pad_value(node, g),
                    elem_bytes=ELEM_BYTES[x.dtype]),
    )
