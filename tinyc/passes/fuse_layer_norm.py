"""fuse_layer_norm: LayerNorm over the last axis, spelled as IR ops, becomes one layer_norm op.

The frontend writes ONNX LayerNormalization as mean, sub, mul, mean, add eps, rsqrt, mul, mul
scale, add bias (the ops a TFLite converter emits), and a hand-written channel LayerNorm
(ConvNeXt: (x - u) / sqrt((x - u)^2 mean + eps) * w + b) gives the same chain over NCHW axis 1,
which is the last axis after to_nhwc. In int8 that chain rounds six times; tinyc.ops.layer_norm
once. Runs after to_nhwc. A scale / bias that is not a constant broadcast over the last axis, or
QDQ-annotated intermediates, keep the chain as it is.
"""
from __future__ import annotations

import math

import numpy as np

from tinyc import ir
from tinyc.passes._util import drop_dead, real_const, remove_node, sole_consumer

NO_ACT = (-math.inf, math.inf)


def _plain(n, op):
    return n is not None and n.op == op and n.attrs.get("act", NO_ACT) == NO_ACT


def _last_axis_mean(g, n, x):
    if n is None or n.op != "mean" or n.inputs[0] != x or not n.attrs.get("keepdims", True):
        return False
    rank = len(g.t(x).shape)
    return tuple(a % rank for a in n.attrs.get("axes", ())) == (rank - 1,)


def _channel_const(g, node, y, c):
    """[C] float values of the constant operand of node (a mul/add of y) broadcast over the last axis."""
    other = [i for i in node.inputs if i != y]
    if len(other) != 1 or not g.t(other[0]).is_const:
        return None
    v = real_const(g.t(other[0])).astype(np.float64)
    if v.size == 1:
        return np.full(c, float(v.reshape(-1)[0]))
    if v.shape[-1] != c or v.size != c:
        return None
    return v.reshape(c)


def fuse_layer_norm(g: ir.Graph) -> ir.Graph:
    """Afterwards no mean/sub/mul/mean/add/rsqrt/mul chain over the last axis (single-use intermediates)
    remains: each is a layer_norm node (gamma, beta, epsilon) writing the chain's last output."""
    drop_dead(g)
    for rs in [n for n in g.nodes if n.op == "rsqrt"]:
        if rs in g.nodes:
            _fuse_one(g, rs)
    g.prune()
    return g


def _fuse_one(g, rs):
    add = g.producer(rs.inputs[0])
    if not _plain(add, "add") or sole_consumer(g, rs.inputs[0]) is not rs:
        return
    eps_in = next((i for i in add.inputs if g.t(i).is_const and g.t(i).size == 1), None)
    if eps_in is None:
        return
    eps = float(real_const(g.t(eps_in)).reshape(-1)[0])
    var = next(i for i in add.inputs if i != eps_in)
    vmean = g.producer(var)
    if vmean is None or vmean.op != "mean" or sole_consumer(g, var) is not add:
        return
    sq = g.producer(vmean.inputs[0])
    if not _plain(sq, "mul") or sq.inputs[0] != sq.inputs[1] or sole_consumer(g, vmean.inputs[0]) is not vmean:
        return
    d = sq.inputs[0]
    sub = g.producer(d)
    if not _plain(sub, "sub"):
        return
    x, m = sub.inputs
    mmean = g.producer(m)
    if not _last_axis_mean(g, mmean, x) or not _last_axis_mean(g, vmean, sq.outputs[0]) or sole_consumer(g, m) is not sub:
        return
    nrm = sole_consumer(g, rs.outputs[0])
    users = {id(n) for n in g.consumers(d)}
    if not _plain(nrm, "mul") or sorted(nrm.inputs) != sorted([d, rs.outputs[0]]) or d in g.outputs or \
            users != {id(sq), id(nrm)}:
        return
    c = g.t(x).shape[-1]
    gamma, beta = np.ones(c), np.zeros(c)
    chain, y = [mmean, sub, sq, vmean, add, rs, nrm], nrm.outputs[0]
    nxt = sole_consumer(g, y)
    if _plain(nxt, "mul") and (v := _channel_const(g, nxt, y, c)) is not None:
        gamma, y = v, nxt.outputs[0]
        chain.append(nxt)
        nxt = sole_consumer(g, y)
    if _plain(nxt, "add") and (v := _channel_const(g, nxt, y, c)) is not None:
        beta, y = v, nxt.outputs[0]
        chain.append(nxt)
    if g.t(y).shape != g.t(x).shape or any(g.t(n.outputs[0]).q is not None for n in chain[:-1]):
        return
    last = chain[-1]
    g.nodes[g.nodes.index(last)] = ir.Node("layer_norm", last.name + "_layer_norm", [x], [y],
                                           {"gamma": gamma.tolist(), "beta": beta.tolist(), "epsilon": eps})
    for n in chain[:-1]:
        remove_node(g, n)
