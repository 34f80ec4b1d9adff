"""fold_qdq: QuantizeLinear/DequantizeLinear pairs -> QParams annotations."""
from __future__ import annotations

import copy

from tinyc import ir
from tinyc.passes._util import new_node_name, remove_node, replace_uses

SHAPE_OPS = {"reshape", "flatten", "squeeze", "unsqueeze", "transpose", "identity", "dropout"}


def fold_qdq(g: ir.Graph) -> ir.Graph:
    """Afterwards:
    - no `dequantize` reads a constant: its readers use the integer constant itself (with its QParams);
    - no quantize -> dequantize pair remains on an activation: the float tensor carries the QParams
      in Tensor.q (a Q -> reshape/transpose -> DQ chain is folded too, the shape op then runs in float);
    - at an int8 interface the integer tensor itself is used: a `dequantize` of a graph input (or
      of a reshape/transpose of one) is dropped and its readers read the integers (with QParams),
      and the op before a `quantize` that writes a graph output writes that int8 tensor directly
      (the float reference quantizes on store);
    - a quantize / dequantize that cannot be folded stays, and the float tensor on its other side
      carries the same QParams.
    """
    _fold_weight_dq(g)
    while _fold_one_pair(g):
        pass
    _fold_interface(g)
    for n in g.nodes:
        if n.op == "dequantize" and g.t(n.outputs[0]).q is None:
            g.t(n.outputs[0]).q = copy.deepcopy(g.t(n.inputs[0]).q)
        if n.op == "quantize" and g.t(n.inputs[0]).q is None:
            g.t(n.inputs[0]).q = copy.deepcopy(g.t(n.outputs[0]).q)
    g.prune()
    return g


def _fold_weight_dq(g: ir.Graph) -> None:
    for n in list(g.nodes):
        if n.op == "dequantize" and g.t(n.inputs[0]).is_const and n.outputs[0] not in g.outputs:
            remove_node(g, n)
            replace_uses(g, n.outputs[0], n.inputs[0])


def _fold_interface(g: ir.Graph) -> None:
    for n in list(g.nodes):
        x, y = n.inputs[0] if n.inputs else "", n.outputs[0]
        if n.op == "dequantize" and y not in g.outputs and _from_input(g, x):
            remove_node(g, n)
            replace_uses(g, y, x)
        elif n.op == "quantize" and y in g.outputs and x not in g.outputs and len(g.consumers(x)) == 1:
            prod = g.producer(x)
            if prod is not None and prod.op not in SHAPE_OPS | {"quantize", "dequantize"}:
                prod.outputs = [y if o == x else o for o in prod.outputs]
                remove_node(g, n)


def _from_input(g: ir.Graph, name: str) -> bool:
    """name is a graph input, or reshapes / transposes of one; if so the chain gets name's QParams."""
    chain = [name]
    while chain[-1] not in g.inputs:
        prod = g.producer(chain[-1])
        if prod is None or prod.op not in SHAPE_OPS or g.t(name).q is None or g.t(name).q.per_channel:
            return False
        chain.append(prod.inputs[0])
    for x in chain[1:]:
        g.t(x).q = g.t(x).q or copy.deepcopy(g.t(name).q)
    return True


def _fold_one_pair(g: ir.Graph) -> bool:
    """Fold or move one quantize node; False when nothing changed."""
    for q in g.nodes:
        if q.op != "quantize" or q.outputs[0] in g.outputs:
            continue
        x, xq = q.inputs[0], q.outputs[0]
        users = g.consumers(xq)
        if not users or not all(u.op == "dequantize" or _movable(g, u) for u in users):
            continue
        g.t(x).q = copy.deepcopy(g.t(xq).q)
        for u in users:
            if u.op == "dequantize":
                remove_node(g, u)
                replace_uses(g, u.outputs[0], x)
            else:
                _move_after(g, q, u)
        remove_node(g, q)
        return True
    return False


def _movable(g: ir.Graph, node: ir.Node) -> bool:
    return node.op in SHAPE_OPS and len(node.inputs) == 1 and g.t(node.inputs[0]).q is not None \
        and not g.t(node.inputs[0]).q.per_channel


def _move_after(g: ir.Graph, q: ir.Node, shape_op: ir.Node) -> None:
    """shape_op now reads q's float input and a new quantize follows it."""
    y_int = g.t(shape_op.outputs[0])
    y_f = g.add_tensor(ir.Tensor(g.unique_name(y_int.name + "_float"), y_int.shape, "float32"))
    y_int.q = copy.deepcopy(g.t(q.outputs[0]).q)
    shape_op.inputs = [q.inputs[0]]
    shape_op.outputs = [y_f.name]
    new_q = ir.Node("quantize", new_node_name(g, q.name + "_moved"), [y_f.name], [y_int.name])
    g.nodes.insert(g.nodes.index(shape_op) + 1, new_q)
