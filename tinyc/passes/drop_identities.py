"""drop_identities: remove nodes that do not change their input."""
from __future__ import annotations

from tinyc import ir
from tinyc.passes._util import bypass, drop_dead, is_identity_perm


def drop_identities(g: ir.Graph) -> ir.Graph:
    """Afterwards no identity / dropout node, no reshape to its input's shape, no transpose with
    the identity permutation, no strided_slice taking its whole input (GhostNet's `[:, :oup]` when
    the concat has oup channels) and no reshape reading another reshape remains (unless removing it
    would rename a graph input to an output)."""
    changed = True
    while changed:
        changed = False
        for n in list(g.nodes):
            if n not in g.nodes:
                continue
            same = g.t(n.inputs[0]).shape == g.t(n.outputs[0]).shape if n.inputs else False
            if n.op in ("identity", "dropout") or (n.op == "reshape" and same) or \
                    (n.op == "transpose" and is_identity_perm(n.attrs["perm"])) or \
                    (n.op == "strided_slice" and same and _whole(n)):
                changed |= bypass(g, n)
            elif n.op == "reshape":
                prod = g.producer(n.inputs[0])
                if prod is not None and prod.op == "reshape":
                    n.inputs = [prod.inputs[0]]
                    if not g.consumers(prod.outputs[0]) and prod.outputs[0] not in g.outputs:
                        g.nodes.remove(prod)
                    changed = True
    drop_dead(g)
    g.prune()
    return g


def _whole(n: ir.Node) -> bool:
    """A strided_slice from index 0 with unit strides (the caller checked the shapes are equal)."""
    a = n.attrs
    return all(int(b) == 0 for b in a.get("begin", ())) and all(int(x) == 1 for x in a.get("strides", ()))
