"""fuse_gelu / fuse_silu: the GELU and SiLU patterns PyTorch exports become one table op each."""
from __future__ import annotations

import math

from tinyc import ir
from tinyc.passes._util import real_const, remove_node, sole_consumer


def fuse_gelu(g: ir.Graph) -> ir.Graph:
    """Afterwards no erf is left that computes x * 0.5 * (1 + erf(x / sqrt(2))) in any of the orders
    torch.onnx exports (div or mul by 1/sqrt(2); the 0.5 applied to x first or to the product last):
    the pattern is one gelu(x) node writing the last node's output. Other erf nodes stay."""
    for erf in [n for n in g.nodes if n.op == "erf"]:
        if erf in g.nodes:
            _fuse_one(g, erf)
    g.prune()
    return g


def fuse_silu(g: ir.Graph) -> ir.Graph:
    """Afterwards no logistic(x) whose only reader is mul(x, logistic(x)) remains: the pair is one
    silu(x) writing the mul's output (unless QDQ annotations pin the intermediate tensor)."""
    for sig in [n for n in g.nodes if n.op == "logistic"]:
        mul = sole_consumer(g, sig.outputs[0])
        x = sig.inputs[0]
        if mul is None or mul.op != "mul" or sorted(mul.inputs) != sorted([x, sig.outputs[0]]) or \
                mul.attrs.get("act", (-math.inf, math.inf)) != (-math.inf, math.inf) or \
                g.t(sig.outputs[0]).q is not None:
            continue
        g.nodes[g.nodes.index(mul)] = ir.Node("silu", mul.name, [x], list(mul.outputs), {})
        remove_node(g, sig)
    g.prune()
    return g


def _const_value(g, name):
    t = g.t(name) if name else None
    return float(real_const(t).reshape(-1)[0]) if t is not None and t.is_const and t.size == 1 else None


def _other(n, name):
    rest = [x for x in n.inputs if x != name]
    return rest[0] if len(rest) == 1 else None


def _near(v, want):
    return v is not None and abs(v - want) <= 1e-4 * abs(want)


def _fuse_one(g: ir.Graph, erf: ir.Node) -> None:
    scale = g.producer(erf.inputs[0])
    if scale is None or sole_consumer(g, erf.inputs[0]) is not erf or scale.op not in ("div", "mul"):
        return
    x = next((i for i in scale.inputs if not g.t(i).is_const), None)
    c = _const_value(g, _other(scale, x)) if x else None
    if not (scale.op == "div" and _near(c, math.sqrt(2.0)) or scale.op == "mul" and _near(c, 1 / math.sqrt(2.0))):
        return
    add = sole_consumer(g, erf.outputs[0])
    if add is None or add.op != "add" or not _near(_const_value(g, _other(add, erf.outputs[0])), 1.0):
        return
    mul = sole_consumer(g, add.outputs[0])
    if mul is None or mul.op != "mul":
        return
    other = _other(mul, add.outputs[0])
    chain = [scale, erf, add, mul]
    if other == x:  # x * (1 + erf) then * 0.5
        final = sole_consumer(g, mul.outputs[0])
        if final is None or final.op != "mul" or not _near(_const_value(g, _other(final, mul.outputs[0])), 0.5):
            return
        chain.append(final)
    else:  # (x * 0.5) * (1 + erf)
        half = g.producer(other) if other else None
        if half is None or half.op != "mul" or x not in half.inputs or \
                not _near(_const_value(g, _other(half, x)), 0.5) or sole_consumer(g, other) is not mul:
            return
        chain.append(half)
        final = mul
    if g.t(x).q is not None or any(g.t(n.outputs[0]).q is not None for n in chain if n is not final):
        return  # QDQ-annotated intermediate tensors: keep them observable
    g.nodes[g.nodes.index(final)] = ir.Node("gelu", erf.name + "_gelu", [x], list(final.outputs), {})
    for n in chain:
        if n is not final:
            remove_node(g, n)
