"""Small graph-editing helpers shared by the passes."""
from __future__ import annotations

import numpy as np

from tinyc import ir
from tinyc.float_ref import dequant


def replace_uses(g: ir.Graph, old: str, new: str) -> None:
    """Afterwards every node input and graph output that read `old` reads `new`."""
    for n in g.nodes:
        n.inputs = [new if x == old else x for x in n.inputs]
    g.outputs = [new if x == old else x for x in g.outputs]


def rename_tensor(g: ir.Graph, old: str, new: str) -> None:
    """Afterwards tensor `old` is called `new` everywhere (nodes, interface, tensor table)."""
    t = g.tensors.pop(old)
    t.name = new
    g.tensors[new] = t
    for n in g.nodes:
        n.inputs = [new if x == old else x for x in n.inputs]
        n.outputs = [new if x == old else x for x in n.outputs]
    g.inputs = [new if x == old else x for x in g.inputs]
    g.outputs = [new if x == old else x for x in g.outputs]


def remove_node(g: ir.Graph, node: ir.Node) -> None:
    g.nodes = [n for n in g.nodes if n is not node]


def sole_consumer(g: ir.Graph, tensor: str) -> ir.Node | None:
    """The only node reading `tensor`, if exactly one does and it is not a graph output."""
    if tensor in g.outputs:
        return None
    users = g.consumers(tensor)
    return users[0] if len(users) == 1 else None


def bypass(g: ir.Graph, node: ir.Node) -> bool:
    """Remove a one-in one-out node whose output equals its input; False if the interface forbids it."""
    x, y = node.inputs[0], node.outputs[0]
    if y not in g.outputs:
        remove_node(g, node)
        replace_uses(g, y, x)
        return True
    prod = g.producer(x)
    if prod is None or x in g.outputs or len(g.consumers(x)) != 1:
        return False
    remove_node(g, node)
    g.tensors.pop(y)
    rename_tensor(g, x, y)
    return True


def real_const(t: ir.Tensor) -> np.ndarray:
    """A constant's real value: integers with QParams read as scale * (q - zp)."""
    if t.q is None or t.dtype == "float32":
        return t.data
    return dequant(t.data, t.q)


def new_node_name(g: ir.Graph, base: str) -> str:
    names = {n.name for n in g.nodes}
    name, i = base, 1
    while name in names:
        name, i = f"{base}_{i}", i + 1
    return name


def is_identity_perm(perm) -> bool:
    return tuple(perm) == tuple(range(len(perm)))


def drop_dead(g: ir.Graph) -> None:
    """Remove nodes whose outputs nobody reads."""
    live = set(g.outputs)
    keep = []
    for n in reversed(g.nodes):
        if any(y in live for y in n.outputs):
            keep.append(n)
            live.update(x for x in n.inputs if x)
    g.nodes = list(reversed(keep))
