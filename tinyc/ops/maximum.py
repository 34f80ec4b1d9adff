"""maximum: elementwise max of two int8 tensors with numpy broadcasting (TFLite MAXIMUM).

LiteRT's int8 MAXIMUM compares the stored int8 values (MaximumMinimumBroadcastSlow on the raw
data): no rescaling, the converter gives both inputs and the output one quantization. tinyc does
the same, so the result is LiteRT's for any parameters. `minimum` (tinyc/ops/minimum.py) is the
same op with min. C kernels tc_maximum_s8 / tc_minimum_s8 (the broadcast walk of tc_add_s8).
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.add import broadcast_call, out_shape
from tinyc.ops.common import output_of


def check(node, g) -> None:
    ts = [g.tensors[x] for x in node.inputs[:2]] + [output_of(node, g)]
    if any(t.dtype != "int8" for t in ts):
        raise TinycError(f"{node.op} supports int8 inputs and output, got {[t.dtype for t in ts]}",
                         where(g.source, node.name, node.op))


def shape(node, g):
    return [out_shape(node, g)]


def macs(node, g) -> int:
    return int(np.prod(out_shape(node, g), dtype=np.int64))


def ref(node, g, a, b):
    check(node, g)
    return [np.maximum(a, b).astype(np.int8).reshape(out_shape(node, g))]


def lower(node, g):
    check(node, g)
    return broadcast_call("maximum_s8.j2", node, g, dict(kernel="tc_maximum_s8"))
