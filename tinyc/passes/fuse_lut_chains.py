"""fuse_mish / fuse_gelu_tanh: activation chains torch.onnx exports at opset 17 become one table op.

- nn.Mish: Softplus -> Tanh -> Mul(x, .)  ->  mish(x)
- F.gelu(approximate='tanh'): x*x*x (or Pow(x, 3)) * 0.044715 + x, * sqrt(2/pi), Tanh, + 1, * x, * 0.5
  (or (0.5 x) * (...))  ->  gelu(x, approximate=True) (TFLite GELU's tanh form, tinyc.ops.gelu)
One rounding instead of one per node, as fuse_gelu / fuse_silu do. Chains whose
intermediate tensors carry QDQ annotations are kept (they must stay observable).
"""
from __future__ import annotations

import math

from tinyc import ir
from tinyc.passes._util import remove_node, sole_consumer
from tinyc.passes.fuse_gelu import _const_value, _near, _other

NO_ACT = (-math.inf, math.inf)


def _plain(g, n, op):
    return n is not None and n.op == op and n.attrs.get("act", NO_ACT) == NO_ACT


def _replace(g, chain, final, op, x, **attrs):
    if g.t(x).q is not None or any(g.t(n.outputs[0]).q is not None for n in chain if n is not final):
        return
    g.nodes[g.nodes.index(final)] = ir.Node(op, final.name + f"_{op}", [x], list(final.outputs), attrs)
    for n in chain:
        if n is not final:
            remove_node(g, n)


def fuse_mish(g: ir.Graph) -> ir.Graph:
    """Afterwards no softplus(x) -> tanh -> mul(x, .) chain with single-use intermediates remains."""
    for sp in [n for n in g.nodes if n.op == "softplus"]:
        x = sp.inputs[0]
        th = sole_consumer(g, sp.outputs[0])
        if th is None or th.op != "tanh":
            continue
        mul = sole_consumer(g, th.outputs[0])
        if not _plain(g, mul, "mul") or sorted(mul.inputs) != sorted([x, th.outputs[0]]):
            continue
        _replace(g, [sp, th, mul], mul, "mish", x)
    g.prune()
    return g


def _cube_of(g, name, chain):
    """x if `name` is x*x*x computed from x alone (mul chains or pow(x, 3)), else None; appends the nodes."""
    p = g.producer(name)
    if p is None or sole_consumer(g, name) is None:
        return None
    if p.op == "pow" and _near(_const_value(g, p.inputs[1]), 3.0):
        chain.append(p)
        return p.inputs[0]
    if not _plain(g, p, "mul") or len(p.inputs) != 2:
        return None
    for a, b in (p.inputs, p.inputs[::-1]):
        q = g.producer(b)
        if _plain(g, q, "mul") and q.inputs == [a, a] and sole_consumer(g, b) is p:
            chain += [p, q]
            return a
    return None


def fuse_gelu_tanh(g: ir.Graph) -> ir.Graph:
    """Afterwards no tanh computes the tanh-approximated GELU in the orders torch.onnx exports."""
    for th in [n for n in g.nodes if n.op == "tanh"]:
        if th in g.nodes:
            _fuse_gelu_tanh(g, th)
    g.prune()
    return g


def _fuse_gelu_tanh(g, th):
    chain = [th]
    m4 = g.producer(th.inputs[0])
    if not _plain(g, m4, "mul") or sole_consumer(g, th.inputs[0]) is not th:
        return
    a = next((i for i in m4.inputs if _near(_const_value(g, _other(m4, i)), math.sqrt(2 / math.pi))), None)
    add = g.producer(a) if a else None
    if not _plain(g, add, "add") or sole_consumer(g, a) is not m4:
        return
    chain += [m4, add]
    for x, m3_out in (add.inputs, add.inputs[::-1]):
        m3 = g.producer(m3_out)
        if not _plain(g, m3, "mul") or sole_consumer(g, m3_out) is not add:
            continue
        cube = next((i for i in m3.inputs if _near(_const_value(g, _other(m3, i)), 0.044715)), None)
        sub = []
        if cube is not None and _cube_of(g, cube, sub) == x:
            chain += [m3, *sub]
            break
    else:
        return
    one = sole_consumer(g, th.outputs[0])
    if not _plain(g, one, "add") or not _near(_const_value(g, _other(one, th.outputs[0])), 1.0):
        return
    mul = sole_consumer(g, one.outputs[0])
    if not _plain(g, mul, "mul"):
        return
    chain += [one, mul]
    other = _other(mul, one.outputs[0])
    if other == x:
        final = sole_consumer(g, mul.outputs[0])
        if not _plain(g, final, "mul") or not _near(_const_value(g, _other(final, mul.outputs[0])), 0.5):
            return
        chain.append(final)
    else:
        half = g.producer(other) if other else None
        if not _plain(g, half, "mul") or x not in half.inputs or not _near(_const_value(g, _other(half, x)), 0.5) \
                or sole_consumer(g, other) is not mul:
            return
        chain.append(half)
        final = mul
    _replace(g, chain, final, "gelu", x, approximate=True)
