"""fold_norm_affine: the per-channel Mul / Add after a group_norm become its gamma / beta.

torch exports nn.GroupNorm as Reshape -> InstanceNormalization(1, 0) -> Reshape -> Mul(weight) ->
Add(bias); the frontend makes the middle one group_norm on the NCHW tensor (plus the reshape
pair). Folding the affine part keeps one rounding instead of three.
"""
from __future__ import annotations

import math

import numpy as np

from tinyc import ir
from tinyc.passes._util import real_const, remove_node, sole_consumer

NO_ACT = (-math.inf, math.inf)


def _per_channel(g, node, y, c):
    """The [C] values of the constant operand of a plain mul/add of y that broadcasts per NCHW channel."""
    if node is None or node.op not in ("mul", "add") or node.attrs.get("act", NO_ACT) != NO_ACT:
        return None
    other = [x for x in node.inputs if x != y]
    if len(other) != 1 or not g.t(other[0]).is_const or g.t(node.outputs[0]).q is not None:
        return None
    v = real_const(g.t(other[0])).astype(np.float64)
    if v.size == 1:
        return np.full(c, float(v.reshape(-1)[0]))
    shp = v.shape[-3:] if v.ndim >= 3 else None
    if shp is None or any(d != 1 for d in v.shape[:-3]) or shp != (c, 1, 1):
        return None
    return v.reshape(c)


def fold_norm_affine(g: ir.Graph) -> ir.Graph:
    """Afterwards no NCHW group_norm is followed (through reshapes back to its own shape) by a plain
    mul and/or add of a per-channel constant: they are in its gamma / beta."""
    for n in [n for n in g.nodes if n.op == "group_norm" and n.attrs.get("layout") == "NCHW"]:
        shape = g.t(n.outputs[0]).shape
        c = shape[1]
        chain, y = [], n.outputs[0]
        while True:
            nxt = sole_consumer(g, y)
            if nxt is None or nxt.op != "reshape":
                break
            chain.append(nxt)
            y = nxt.outputs[0]
        if g.t(y).shape != shape or g.t(n.outputs[0]).q is not None:
            continue
        gamma, beta = np.asarray(n.attrs["gamma"], np.float64), np.asarray(n.attrs["beta"], np.float64)
        folded = []
        nxt = sole_consumer(g, y)
        v = _per_channel(g, nxt, y, c)
        if v is not None and nxt.op == "mul":
            gamma, beta, y = gamma * v, beta * v, nxt.outputs[0]
            folded.append(nxt)
            nxt = sole_consumer(g, y)
            v = _per_channel(g, nxt, y, c)
        if v is not None and nxt.op == "add":
            beta, y = beta + v, nxt.outputs[0]
            folded.append(nxt)
        if not folded:
            continue
        n.attrs["gamma"], n.attrs["beta"] = gamma.tolist(), beta.tolist()
        n.outputs = [y]
        for m in chain + folded:
            remove_node(g, m)
    g.prune()
    return g
