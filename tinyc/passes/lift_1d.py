"""lift_1d: elementwise ops between 1-D convolutions run on their 4-D form, not on NCL.

The ONNX frontend runs a Conv1d / MaxPool1d as its 2-D form between two reshapes (NCL [N, C, L]
-> [N, C, 1, L] -> op -> [N, C', 1, L'] -> [N, C', L']; tinyc.frontend.onnx_ops._one_d). An
activation or a residual add that follows then reads the rank-3 NCL tensor, which to_nhwc
cannot move to NHWC: every such op got a transpose to NCHW and back (a TCN or 1-D ResNet block:
four transposes, and no patch stage reaches past the first). This pass runs such an op on the
[N, C, 1, L] tensors the reshapes read (a reshape of its result keeps the NCL name for any
other reader), and removes reshape round trips ([N, C, 1, L] -> [N, C, L] -> [N, C, 1, L]), so
to_nhwc sees conv -> relu -> conv -> add chains like those of a 2-D CNN. Values are unchanged:
an elementwise op does not care how its operands are shaped when they are shaped alike.
"""
from __future__ import annotations

from tinyc import ir
from tinyc.passes._util import new_node_name, replace_uses

LIFT = {"clamp", "logistic", "tanh", "hard_swish", "gelu", "erf", "silu", "leaky_relu", "add", "mul", "sub", "pad"}


def lift_1d(g: ir.Graph) -> ir.Graph:
    """Afterwards no LIFT op reads only rank-3 tensors that reshapes made from [N, C, 1, L] ones
    (constants: scalars), no mean over the time axis of such a tensor remains (_lift_mean), and no
    reshape round trip [N, C, 1, L] -> [N, C, L] -> [N, C, 1, L] remains."""
    changed = True
    while changed:
        changed = False
        for n in list(g.nodes):
            if (n.op in LIFT and _lift(g, n)) or (n.op == "mean" and _lift_mean(g, n)):
                changed = True
    _drop_round_trips(g)
    g.prune()
    return g


def _source_4d(g: ir.Graph, x: str) -> str | None:
    """The [N, C, 1, L] tensor a reshape made rank-3 x from, or None."""
    p = g.producer(x)
    if p is None or p.op != "reshape":
        return None
    src, shape = p.inputs[0], g.t(x).shape
    s = g.t(src).shape
    return src if len(shape) == 3 and s == (shape[0], shape[1], 1, shape[2]) else None


def _lift(g: ir.Graph, n: ir.Node) -> bool:
    acts = [x for x in n.inputs if x and not g.t(x).is_const]
    consts = [x for x in n.inputs if x and g.t(x).is_const]
    if not acts or len(n.outputs) != 1 or any(g.t(c).size != 1 for c in consts):
        return False
    srcs = [_source_4d(g, x) for x in acts]
    y = n.outputs[0]
    if n.op == "pad":  # a causal / same pad of the time axis (TCN): pads per axis (before, after)
        pads = [tuple(int(v) for v in p) for p in n.attrs["pads"]]
        if None in srcs or len(acts) != 1 or len(pads) != 3 or pads[0] != (0, 0) or pads[1] != (0, 0):
            return False
        n.attrs = dict(n.attrs, pads=[(0, 0), (0, 0), (0, 0), pads[2]])
    elif None in srcs or g.t(y).shape != g.t(acts[0]).shape:
        return False
    t = g.t(y)
    shape4 = (t.shape[0], t.shape[1], 1, t.shape[2])
    y4 = g.add_tensor(ir.Tensor(g.unique_name(f"{y}_4d"), shape4, t.dtype, q=t.q))
    n.inputs = [srcs[acts.index(x)] if x in acts else x for x in n.inputs]
    n.outputs = [y4.name]
    g.nodes.insert(g.nodes.index(n) + 1, ir.Node("reshape", new_node_name(g, f"{n.name}_ncl"), [y4.name], [y]))
    return True


def _lift_mean(g: ir.Graph, n: ir.Node) -> bool:
    """A mean over the time axis of NCL (x.mean(-1), a global average pool's export) as a mean over
    axes (2, 3) of [N, C, 1, L] (axis 2 has size 1), which to_nhwc moves to NHWC."""
    x = n.inputs[0]
    src = _source_4d(g, x)
    if src is None or {int(a) % 3 for a in n.attrs.get("axes", ())} != {2}:
        return False
    n.inputs = [src]
    n.attrs = dict(n.attrs, axes=(2, 3))
    if n.attrs.get("keepdims", True):  # [N, C, 1] -> its 4-D form [N, C, 1, 1], reshaped back
        y = n.outputs[0]
        t = g.t(y)
        y4 = g.add_tensor(ir.Tensor(g.unique_name(f"{y}_4d"), (*t.shape, 1), t.dtype, q=t.q))
        n.outputs = [y4.name]
        g.nodes.insert(g.nodes.index(n) + 1, ir.Node("reshape", new_node_name(g, f"{n.name}_ncl"), [y4.name], [y]))
    return True


def _drop_round_trips(g: ir.Graph) -> None:
    for b in list(g.nodes):
        if b.op != "reshape" or b not in g.nodes or b.outputs[0] in g.outputs:
            continue
        a = g.producer(b.inputs[0])
        if a is None or a.op != "reshape" or g.t(a.inputs[0]).shape != g.t(b.outputs[0]).shape:
            continue
        if len(g.t(a.inputs[0]).shape) != 4:
            continue
        g.nodes.remove(b)
        replace_uses(g, b.outputs[0], a.inputs[0])
    live = set(g.outputs)
    keep = []
    for n in reversed(g.nodes):  # reshapes nobody reads any more
        if n.op != "reshape" or any(y in live for y in n.outputs):
            keep.append(n)
            live.update(x for x in n.inputs if x)
    g.nodes = list(reversed(keep))
