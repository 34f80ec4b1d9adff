"""transpose: permute the axes of a tensor up to rank 4 (TFLite TRANSPOSE, int8).

y.shape[i] = x.shape[perm[i]]. Lower ranks are padded to 4 at the front.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, dims4, inputs_of


def _perm(node, g) -> tuple[int, ...]:
    x = inputs_of(node, g)[0]
    rank = len(x.shape)
    perm = tuple(int(p) for p in node.attrs.get("perm", tuple(reversed(range(rank)))))
    loc = where(g.source, node.name, node.op)
    if x.dtype != "int8":
        raise TinycError(f"transpose supports int8 tensors, got {x.dtype}", loc)
    if rank > 4:
        raise TinycError(f"transpose supports rank <= 4, got rank {rank}", loc)
    if sorted(perm) != list(range(rank)):
        raise TinycError(f"perm {list(perm)} is not a permutation of {rank} axes", loc)
    return perm


def shape(node, g):
    x = inputs_of(node, g)[0]
    return [tuple(x.shape[p] for p in _perm(node, g))]


def macs(node, g) -> int:
    return 0


def ref(node, g, x):
    return [np.transpose(x, _perm(node, g)).astype(np.int8)]


def lower(node, g) -> Call:
    x = inputs_of(node, g)[0]
    perm = _perm(node, g)
    k = 4 - len(perm)
    perm4 = tuple(range(k)) + tuple(p + k for p in perm)
    return Call(
        template="transpose_s8.j2", node=node.name,
        inputs=list(node.inputs), outputs=list(node.outputs),
        params=dict(in_dims=dims4(x.shape), perm=perm4),
    )
