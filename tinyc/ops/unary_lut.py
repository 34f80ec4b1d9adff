"""Shared parts of the int8 unary ops computed through a 256-entry table (logistic, tanh, hard_swish).

Each op module supplies only `table(node, g)`; the shape, MACs, numpy
reference and lowering (kernel tc_lut_s8, in place) are the same for all.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ir import Tensor
from tinyc.ops.common import Call, output_of
from tinyc.quant.lut import apply_lut_s8


def int8_io(node, g) -> tuple[Tensor, Tensor]:
    """(input, output), both quantized int8, or a TinycError naming the node."""
    x, y = g.tensors[node.inputs[0]], output_of(node, g)
    if x.dtype != "int8" or y.dtype != "int8" or x.q is None or y.q is None:
        raise TinycError(f"int8 {node.op} needs quantized int8 input and output, got {x.dtype} -> {y.dtype}",
                         where(g.source, node.name, node.op))
    return x, y


def shape(node, g):
    return [tuple(g.tensors[node.inputs[0]].shape)]


def macs(node, g) -> int:
    return 0


def lut_ref(table: np.ndarray, x: np.ndarray) -> list[np.ndarray]:
    return [apply_lut_s8(table, x)]


def lut_call(node, g, table: np.ndarray) -> Call:
    x, y = node.inputs[0], node.outputs[0]
    return Call(template="lut_s8.j2", node=node.name, inputs=[x], outputs=[y],
                params=dict(size=g.tensors[x].size), arrays=dict(table=table), inplace=(x, y))
