"""arg_max: index of the largest (or smallest) int8 value along one axis; int32 output (ONNX ArgMax / ArgMin).

attrs axis, keepdims, select_last_index (ONNX's), smallest=False (ArgMin).
Ties go to the first index, or the last with select_last_index. The input is
the quantized tensor: values that differ in float but share an int8 code tie.
The output tensor is int32 (ONNX says int64; tinyc's interface gives int32).
Kernel tc_arg_max_s8 over [outer, axis_len, inner].
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, output_of


def _geometry(node, g):
    x = g.tensors[node.inputs[0]]
    rank = len(x.shape)
    axis = int(node.attrs.get("axis", 0))
    if not -rank <= axis < rank or x.dtype != "int8" or output_of(node, g).dtype != "int32":
        raise TinycError(f"arg_max needs an int8 input, an axis in range and an int32 output, got "
                         f"{x.dtype}{list(x.shape)} axis {axis}", where(g.source, node.name, node.op))
    axis %= rank
    return axis, int(np.prod(x.shape[:axis], dtype=np.int64)), x.shape[axis], int(np.prod(x.shape[axis + 1:], dtype=np.int64))


def shape(node, g):
    x = g.tensors[node.inputs[0]]
    axis = _geometry(node, g)[0]
    if node.attrs.get("keepdims", True):
        return [tuple(1 if i == axis else d for i, d in enumerate(x.shape))]
    return [tuple(d for i, d in enumerate(x.shape) if i != axis)]


def macs(node, g) -> int:
    return 0


def ref(node, g, x):
    axis, outer, n, inner = _geometry(node, g)
    v = x.astype(np.int64).reshape(outer, n, inner)
    if node.attrs.get("smallest", False):
        v = -v
    if node.attrs.get("select_last_index", 0):
        idx = n - 1 - np.argmax(v[:, ::-1], axis=1)
    else:
        idx = np.argmax(v, axis=1)
    return [idx.astype(np.int32).reshape(output_of(node, g).shape)]


def lower(node, g) -> Call:
    axis, outer, n, inner = _geometry(node, g)
    return Call(template="arg_max_s8.j2", node=node.name, inputs=[node.inputs[0]], outputs=list(node.outputs),
                params=dict(outer=outer, n=n, inner=inner, smallest=int(bool(node.attrs.get("smallest", False))),
                            last=int(bool(node.attrs.get("select_last_index", 0)))))
