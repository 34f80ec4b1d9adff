"""fuse_activations: a clamp (Relu / Relu6 / Clip) joins the op that produces its input."""
from __future__ import annotations

import math

from tinyc import ir
from tinyc.passes._util import remove_node, sole_consumer

FUSABLE = {"conv2d", "depthwise_conv2d", "fully_connected", "add", "mul", "max_pool2d", "avg_pool2d", "clamp"}


def fuse_activations(g: ir.Graph) -> ir.Graph:
    """Afterwards no `clamp` reads the output of a fusable op (conv2d, depthwise_conv2d,
    fully_connected, add, mul, pools, clamp) whose only reader it is: that op's `act` is the
    intersection of both ranges and it writes the clamp's output tensor (and its QParams)."""
    for c in [n for n in g.nodes if n.op == "clamp"]:
        prod = g.producer(c.inputs[0])
        if prod is None or prod.op not in FUSABLE or sole_consumer(g, c.inputs[0]) is not c:
            continue
        if g.t(c.inputs[0]).q is not None and prod.op != "clamp":
            continue  # the pre-activation tensor has its own quantization: keep it observable
        lo0, hi0 = prod.attrs.get("act", (-math.inf, math.inf))
        lo1, hi1 = c.attrs["act"]
        lo, hi = max(lo0, lo1), min(hi0, hi1)
        if lo > hi:
            continue
        prod.attrs["act"] = (lo, hi)
        prod.outputs = list(c.outputs)
        remove_node(g, c)
    g.prune()
    return g
