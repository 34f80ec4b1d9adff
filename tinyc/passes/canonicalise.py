"""canonicalise: rewrite the frontend's remaining ONNX-flavoured ops into the docs/ops.md vocabulary."""
from __future__ import annotations

import copy
import math

import numpy as np

from tinyc import ir
from tinyc.passes._util import new_node_name, real_const, remove_node, sole_consumer

NO_ACT = (-math.inf, math.inf)


def canonicalise(g: ir.Graph) -> ir.Graph:
    """Afterwards:
    - fully_connected (no bias, no act) -> add(per-output-channel constant) is one fully_connected
      with that bias and the add's act;
    - conv2d with groups == Cin and Cout a multiple of Cin is depthwise_conv2d (w [1,KH,KW,Cout]);
    - global_avg_pool is mean(axes=(1, 2), keepdims=True); flatten / squeeze / unsqueeze are reshape;
    - sub of a constant is add of its negation (sub of two run-time tensors stays sub); div by a constant
      is mul by its reciprocal.
    """
    for n in list(g.nodes):
        if n not in g.nodes:
            continue
        if n.op == "fully_connected":
            _absorb_bias(g, n)
        elif n.op == "conv2d":
            _depthwise(g, n)
        elif n.op == "global_avg_pool":
            n.op, n.attrs = "mean", {"axes": (1, 2), "keepdims": True}
        elif n.op in ("flatten", "squeeze", "unsqueeze"):
            n.op, n.attrs = "reshape", {}
        elif n.op == "sub":
            _sub(g, n)
        elif n.op == "div":
            n.op = "mul"
            n.inputs[1] = g.const(g.unique_name(n.inputs[1] + "_recip"),
                                  (np.float32(1) / real_const(g.t(n.inputs[1]))).astype(np.float32)).name
    g.prune()
    return g


def _absorb_bias(g: ir.Graph, fc: ir.Node) -> None:
    if (len(fc.inputs) > 2 and fc.inputs[2]) or fc.attrs.get("act", NO_ACT) != NO_ACT:
        return
    add = sole_consumer(g, fc.outputs[0])
    if add is None or add.op != "add" or g.t(fc.outputs[0]).q is not None:
        return
    other = [x for x in add.inputs if x != fc.outputs[0]]
    cout = g.t(fc.inputs[1]).shape[0]
    if len(other) != 1 or not g.t(other[0]).is_const:
        return
    b = g.t(other[0])
    if b.size != cout or (b.shape and b.shape[-1] != cout) or g.t(add.outputs[0]).shape != g.t(fc.outputs[0]).shape:
        return
    if b.shape != (cout,):
        b = g.const(g.unique_name(b.name + "_bias"), b.data.reshape(cout), copy.deepcopy(b.q))
    fc.inputs = [fc.inputs[0], fc.inputs[1], b.name]
    fc.attrs["act"] = add.attrs.get("act", NO_ACT)
    fc.outputs = list(add.outputs)
    remove_node(g, add)


def _depthwise(g: ir.Graph, n: ir.Node) -> None:
    groups = n.attrs.get("groups", 1)
    cin = g.t(n.inputs[0]).shape[3]
    w = g.t(n.inputs[1])
    cout = w.shape[0]
    if groups == 1 or groups != cin or cout % cin or not w.is_const:
        return
    q = copy.deepcopy(w.q)
    if q is not None and q.axis is not None:
        q.axis = 3
    wd = g.const(g.unique_name(w.name + "_dw"), np.ascontiguousarray(w.data.transpose(3, 1, 2, 0)), q)
    n.op = "depthwise_conv2d"
    n.inputs[1] = wd.name
    del n.attrs["groups"]
    n.attrs["depth_multiplier"] = cout // cin


def _sub(g: ir.Graph, n: ir.Node) -> None:
    a, b = n.inputs
    if g.t(b).is_const:
        n.op = "add"
        n.inputs[1] = g.const(g.unique_name(b + "_neg"), (-real_const(g.t(b))).astype(np.float32)).name
    # a run-time b stays a sub (TFLite SUB arithmetic, docs/ops.md)
