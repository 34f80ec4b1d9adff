"""pad_edge: reflect or replicate (edge) padding of a tensor up to rank 4 (ONNX Pad mode='reflect' /
'edge', torch's ReflectionPad / ReplicationPad and F.pad(mode='reflect' / 'replicate'); int8, int16).

Values are copied, never computed: the output has the input's QParams. Per axis with input size n
and before-pad b, output index o reads input index i = o - b, mirrored at the edges without
repeating them for reflect (i < 0 -> -i, i >= n -> 2(n - 1) - i; pads must be < n), clamped to
[0, n - 1] for edge. Kernel tc_pad_edge (runtime_c/src/data), one kernel for 1- and 2-byte elements.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, dims4, inputs_of

ELEM_BYTES = {"int8": 1, "int16": 2}
MODES = {"reflect": 0, "edge": 1}


def _pads(node, g) -> list[tuple[int, int]]:
    x = inputs_of(node, g)[0]
    pads = [tuple(int(v) for v in p) for p in node.attrs.get("pads", ())]
    loc = where(g.source, node.name, node.op)
    if node.attrs.get("mode") not in MODES:
        raise TinycError(f"pad mode '{node.attrs.get('mode')}' is not supported (reflect, edge)", loc)
    if len(x.shape) > 4:
        raise TinycError(f"{node.attrs['mode']} padding supports rank <= 4, got rank {len(x.shape)}", loc)
    if len(pads) != len(x.shape) or any(len(p) != 2 or min(p) < 0 for p in pads):
        raise TinycError(f"pads {pads} are not non-negative (before, after) pairs for rank {len(x.shape)}", loc)
    if node.attrs["mode"] == "reflect" and any(max(p) >= d and max(p) > 0 for p, d in zip(pads, x.shape)):
        raise TinycError(f"reflect pads {pads} must be smaller than the padded dims {list(x.shape)}", loc)
    return pads


def shape(node, g):
    x = inputs_of(node, g)[0]
    return [tuple(d + a + b for d, (a, b) in zip(x.shape, _pads(node, g)))]


def macs(node, g) -> int:
    return 0


def float_ref(node, x):
    return np.pad(x, node.attrs["pads"], mode=node.attrs["mode"])


def ref(node, g, x):
    return [np.pad(x, _pads(node, g), mode=node.attrs["mode"]).astype(x.dtype)]


def lower(node, g) -> Call:
    x = inputs_of(node, g)[0]
    if x.dtype not in ELEM_BYTES:
        raise TinycError(f"{node.attrs.get('mode')} padding supports int8 and int16 tensors, got {x.dtype}",
                         where(g.source, node.name, node.op))
    pads = [(0, 0)] * (4 - len(x.shape)) + _pads(node, g)
    return Call(template="pad_edge.j2", node=node.name, inputs=list(node.inputs), outputs=list(node.outputs),
                params=dict(in_dims=dims4(x.shape), before=tuple(p[0] for p in pads),
                            after=tuple(p[1] for p in pads), mode=MODES[node.attrs["mode"]],
                            elem_bytes=ELEM_BYTES[x.dtype]))
