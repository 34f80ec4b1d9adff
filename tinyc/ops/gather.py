"""gather: y = take(x, indices, axis) with constant indices (TFLite GATHER, batch_dims 0).

Node: input x; attrs axis, indices (flat tuple of ints), indices_shape (tuple).

y.shape = x.shape[:axis] + indices.shape + x.shape[axis+1:]. A pure copy: any
dtype, the output keeps x's QParams. Negative indices count from the end (as
the frontends resolve them); an index out of range is a compile-time error.
Kernel tc_gather (byte rows), no requantization.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call


def _check(node, g):
    x = g.tensors[node.inputs[0]]
    loc = where(g.source, node.name, node.op)
    axis = int(node.attrs.get("axis", 0))
    if not -len(x.shape) <= axis < len(x.shape):
        raise TinycError(f"gather axis {axis} is out of range for rank {len(x.shape)}", loc)
    axis %= len(x.shape)
    ishape = tuple(int(d) for d in node.attrs.get("indices_shape", ()))
    ind = np.asarray(node.attrs.get("indices", ()), dtype=np.int64).reshape(ishape)
    ind = np.where(ind < 0, ind + x.shape[axis], ind)
    if ((ind < 0) | (ind >= x.shape[axis])).any():
        raise TinycError(f"gather index out of range for dim {x.shape[axis]}: {ind.reshape(-1).tolist()}", loc)
    return x, ishape, axis, ind


def shape(node, g):
    x, ishape, axis, _ = _check(node, g)
    return [tuple(x.shape[:axis]) + ishape + tuple(x.shape[axis + 1:])]


def macs(node, g) -> int:
    return 0


def ref(node, g, x):
    _, _, axis, ind = _check(node, g)
    return [np.take(x, ind, axis=axis)]


def lower(node, g) -> Call:
    x, _, axis, ind = _check(node, g)
    outer = int(np.prod(x.shape[:axis], dtype=np.int64))
    row = int(np.prod(x.shape[axis + 1:], dtype=np.int64)) * np.dtype(x.dtype).itemsize
    return Call(template="gather.j2", node=node.name, inputs=[node.inputs[0]], outputs=list(node.outputs),
                params=dict(outer=outer, axis_size=int(x.shape[axis]), row_bytes=row, count=int(ind.size)),
                arrays=dict(indices=ind.reshape(-1).astype(np.int32)))
