"""Shared parts of int16 unary ops computed through LiteRT's 513-entry interpolated table
(LUTPopulate<int16_t> / LUTLookup): gelu and rsqrt in 16x8. Kernel tc_lut_interp_s16, in place."""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call
from tinyc.quant.softmax16 import lut_lookup


def s16_io(node, g):
    """(input, output): int16 with zero points 0 (TFLite 16x8), or a TinycError naming the node."""
    x, y = g.tensors[node.inputs[0]], g.tensors[node.outputs[0]]
    if y.dtype != "int16" or x.q is None or y.q is None or x.q.zp() != 0 or y.q.zp() != 0:
        raise TinycError(f"int16 {node.op} needs int16 input and output with zero points 0",
                         where(g.source, node.name, node.op))
    return x, y


def lut16_ref(table: np.ndarray, x: np.ndarray) -> list[np.ndarray]:
    return [lut_lookup(np.asarray(x, dtype=np.int64), table).astype(np.int16)]


def lut16_call(node, g, table: np.ndarray) -> Call:
    x, y = node.inputs[0], node.outputs[0]
    return Call(template="lut_interp_s16.j2", node=node.name, inputs=[x], outputs=[y],
                params=dict(size=g.tensors[x].size), arrays=dict(table=np.asarray(table, dtype=np.int16)),
                inplace=(x, y))
