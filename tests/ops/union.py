"""Several independent graphs as one (disjoint union): one build and one QEMU run for many small cases."""
from __future__ import annotations

import copy

from tinyc.ir import Graph, Node


def union_graph(graphs: list[Graph], name: str = "union") -> Graph:
    """Tensor names get a g<k>_ prefix; inputs, nodes and outputs are concatenated in order."""
    u = Graph(name, source="tests/ops/union.py")
    for k, g in enumerate(graphs):
        ren = {t: f"g{k}_{t}" for t in g.tensors}
        for t in g.tensors.values():
            c = copy.deepcopy(t)
            c.name = ren[t.name]
            u.add_tensor(c)
        for n in g.nodes:
            u.nodes.append(Node(n.op, f"g{k}_{n.name}", [ren[x] if x else "" for x in n.inputs],
                                [ren[y] for y in n.outputs], dict(n.attrs)))
        u.inputs += [ren[x] for x in g.inputs]
        u.outputs += [ren[y] for y in g.outputs]
        if g.meta.get("prequantized"):
            u.meta["prequantized"] = True
    return u
