"""drop_identities: remove nodes that do not change their input."""
from __future__ import annotations

from tinyc import ir
from tinyc.passes._util import bypass, is_identity_perm


def drop_identities(g: ir.Graph) -> ir.Graph:
    """Afterwards no identity / dropout node, no reshape to its input's shape, no transpose with
    the identity permutation and no reshape reading another reshape remains (unless removing it
    would rename a graph input to an output)."""
    changed = True
    while changed:
        changed = False
        for n in list(g.nodes):
            if n not in g.nodes:
                continue
            same = g.t(n.inputs[0]).shape == g.t(n.outputs[0]).shape if n.inputs else False
            if n.op in ("identity", "dropout") or (n.op == "reshape" and same) or \
                    (n.op == "transpose" and is_identity_perm(n.attrs["perm"])):
                changed |= bypass(g, n)
            elif n.op == "reshape":
                prod = g.producer(n.inputs[0])
                if prod is not None and prod.op == "reshape":
                    n.inputs = [prod.inputs[0]]
                    if not g.consumers(prod.outputs[0]) and prod.outputs[0] not in g.outputs:
                        g.nodes.remove(prod)
                    changed = True
    _drop_dead(g)
    g.prune()
    return g


def _drop_dead(g: ir.Graph) -> None:
    """Remove nodes whose outputs nobody reads."""
    live = set(g.outputs)
    keep = []
    for n in reversed(g.nodes):
        if any(y in live for y in n.outputs):
            keep.append(n)
            live.update(x for x in n.inputs if x)
    g.nodes = list(reversed(keep))
