"""transpose: permute the axes of a tensor (TFLite TRANSPOSE, int8 / int16), any rank that collapses to 4.

int16 moves bytes: tc_transpose_s8 on the tensor viewed with a last axis of 2 bytes.

y.shape[i] = x.shape[perm[i]]. Before lowering, size-1 axes are dropped and runs
of input axes that stay adjacent and in order in the output are merged
(`collapse`): a rank-5 channel shuffle [1, g, C/g, H, W] -> perm (0, 2, 1, 3, 4)
is a rank-3 transpose [g, C/g, H*W]. Ranks up to 4 run on tc_transpose_s8 (padded to 4
at the front), ranks 5 and 6 (pixel shuffle with several output channels, MobileViT's
patch unfolding) on tc_transpose6_s8 (padded to 6); ranks still above 6 are an error.
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
    if x.dtype not in ("int8", "int16"):
        raise TinycError(f"transpose supports int8 and int16 tensors, got {x.dtype}", loc)
    if sorted(perm) != list(range(rank)):
        raise TinycError(f"perm {list(perm)} is not a permutation of {rank} axes", loc)
    rank4 = len(_byte_view(x, perm)[1])
    if rank4 > 6:
        raise TinycError(f"transpose of {x.dtype}{list(x.shape)} by {list(perm)} needs rank {rank4} "
                         "after merging adjacent axes; the kernels support up to 6", loc)
    return perm


def collapse(shape, perm) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(shape, perm) of the same data movement with size-1 axes dropped and adjacent in-order axes merged."""
    keep = [a for a in range(len(shape)) if shape[a] != 1]
    if not keep:
        return (), ()
    renum = {a: i for i, a in enumerate(keep)}
    dims = [shape[a] for a in keep]
    p = [renum[a] for a in perm if a in renum]
    groups = [[p[0]]]  # runs of output-adjacent axes that are consecutive input axes
    for a in p[1:]:
        if a == groups[-1][-1] + 1:
            groups[-1].append(a)
        else:
            groups.append([a])
    order = sorted(range(len(groups)), key=lambda i: groups[i][0])  # groups in input order
    new_shape = tuple(int(np.prod([dims[a] for a in groups[i]])) for i in order)
    pos = {gi: k for k, gi in enumerate(order)}
    return new_shape, tuple(pos[i] for i in range(len(groups)))


def _byte_view(x, perm):
    """collapse() of the move as bytes: int16 gets a trailing axis of its 2 bytes that stays last."""
    if x.dtype == "int16":
        return collapse((*x.shape, 2), (*perm, len(x.shape)))
    return collapse(x.shape, perm)


def shape(node, g):
    x = inputs_of(node, g)[0]
    return [tuple(x.shape[p] for p in _perm(node, g))]


def macs(node, g) -> int:
    return 0


def ref(node, g, x):
    return [np.transpose(x, _perm(node, g))]


def lower(node, g) -> Call:
    x = inputs_of(node, g)[0]
    shape, perm = _byte_view(x, _perm(node, g))
    if len(perm) > 4:
        k = 6 - len(perm)
        return Call(template="transpose6_s8.j2", node=node.name, inputs=list(node.inputs),
                    outputs=list(node.outputs),
                    params=dict(in_dims=(1,) * k + tuple(shape), perm=tuple(range(k)) + tuple(q + k for q in perm)))
    k = 4 - len(perm)
    perm4 = tuple(range(k)) + tuple(p + k for p in perm)
    return Call(
        template="transpose_s8.j2", node=node.name,
        inputs=list(node.inputs), outputs=list(node.outputs),
        params=dict(in_dims=dims4(shape), perm=perm4),
    )
