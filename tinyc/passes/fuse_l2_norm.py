"""fuse_l2_norm: L2 normalisation over the last axis becomes one l2_norm op (tinyc.ops.l2_norm).

The frontend turns x / sqrt(sum(x^2) + eps) and F.normalize's x / Expand(Clip(ReduceL2(x), eps))
into mul(x, rsqrt(S)) with S = mul(mean(mul(x, x), last axis), count) [+ eps]. That chain rounds
five times in int8; the fused op once.
"""
from __future__ import annotations

import math

from tinyc import ir
from tinyc.passes._util import drop_dead, remove_node, sole_consumer
from tinyc.passes.fuse_gelu import _const_value, _near, _other

NO_ACT = (-math.inf, math.inf)


def _plain(n, op):
    return n is not None and n.op == op and n.attrs.get("act", NO_ACT) == NO_ACT


def fuse_l2_norm(g: ir.Graph) -> ir.Graph:
    """Afterwards no mul(x, rsqrt([add eps](mul(mean(mul(x, x), last axis, keepdims), n)))) with
    single-use intermediates remains; each is l2_norm(x) writing the outer mul's output."""
    drop_dead(g)  # the frontend's unused sqrt of a Div(a, Sqrt(b)) must not count as a reader of b
    for rs in [n for n in g.nodes if n.op == "rsqrt"]:
        _fuse_one(g, rs)
    g.prune()
    return g


def _fuse_one(g, rs):
    outer = sole_consumer(g, rs.outputs[0])
    if not _plain(outer, "mul"):
        return
    x = _other(outer, rs.outputs[0])
    if x is None or g.t(x).is_const:
        return
    shape = g.t(x).shape
    chain, eps, s, reader = [rs, outer], 0.0, rs.inputs[0], rs
    p = g.producer(s)
    if _plain(p, "add") and sole_consumer(g, s) is rs:
        const = next((i for i in p.inputs if g.t(i).is_const), None)
        eps = _const_value(g, const) if const else None
        if eps is None or eps < 0:
            return
        chain.append(p)
        s, reader = _other(p, const), p
        p = g.producer(s)
    if not _plain(p, "mul") or sole_consumer(g, s) is not reader:
        return
    mean_out = next((i for i in p.inputs if not g.t(i).is_const), None)
    count = _const_value(g, _other(p, mean_out)) if mean_out else None
    m = g.producer(mean_out) if mean_out else None
    if m is None or m.op != "mean" or not _near(count, float(shape[-1]) if shape else 1.0) or \
            tuple(m.attrs.get("axes", ())) != (len(shape) - 1,) or not m.attrs.get("keepdims", True) or \
            sole_consumer(g, mean_out) is not p:
        return
    sq = g.producer(m.inputs[0])
    if not _plain(sq, "mul") or sq.inputs != [x, x] or sole_consumer(g, m.inputs[0]) is not m:
        return
    chain += [p, m, sq]
    if any(g.t(n.outputs[0]).q is not None for n in chain if n is not outer):
        return  # QDQ-annotated intermediates stay observable
    g.nodes[g.nodes.index(outer)] = ir.Node("l2_norm", outer.name + "_l2_norm", [x], list(outer.outputs),
                                            {"epsilon": float(eps)})
    for n in chain:
        if n is not outer:
            remove_node(g, n)
