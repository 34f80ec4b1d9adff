"""fold_channel_shuffle: ShuffleNet's channel shuffle, exported from PyTorch as
reshape [N, C, H, W] -> [N, g, C/g, H, W], transpose (0, 2, 1, 3, 4), reshape back to [N, C, H, W],
becomes one gather of the channel axis with constant indices.

Why: as three nodes the shuffle pins its tensors to NCHW (to_nhwc cannot move a rank-5 transpose),
so every ShuffleNet unit pays a transpose to NCHW and back, with its buffers. A channel gather
follows the NHWC layout like any per-channel op.
"""
from __future__ import annotations

from tinyc import ir
from tinyc.passes._util import sole_consumer


def fold_channel_shuffle(g: ir.Graph) -> ir.Graph:
    """Afterwards no reshape -> transpose (0, 2, 1, 3, 4) -> reshape chain that permutes the channels of
    a rank-4 NCHW tensor remains: the last reshape is a gather (axis 1, indices
    (j % g) * (C / g) + j // g), and the first two are dropped once nothing else reads them."""
    for r1 in list(g.nodes):
        chain = _match(g, r1)
        if chain is None:
            continue
        t, r2, groups, c = chain
        per = c // groups
        idx = tuple((j % groups) * per + j // groups for j in range(c))
        r2.op, r2.inputs = "gather", [r1.inputs[0]]
        r2.attrs = {"axis": 1, "indices": idx, "indices_shape": (c,)}
        g.nodes = [n for n in g.nodes if n is not r1 and n is not t]
    g.prune()
    return g


def _match(g: ir.Graph, r1: ir.Node):
    if r1.op != "reshape":
        return None
    x, mid = g.t(r1.inputs[0]), g.t(r1.outputs[0])
    if len(x.shape) != 4 or len(mid.shape) != 5 or x.is_const:
        return None
    n, c, h, w = x.shape
    if mid.shape[0] != n or tuple(mid.shape[3:]) != (h, w) or mid.shape[1] * mid.shape[2] != c:
        return None
    t = sole_consumer(g, r1.outputs[0])
    if t is None or t.op != "transpose" or tuple(t.attrs.get("perm", ())) != (0, 2, 1, 3, 4):
        return None
    r2 = sole_consumer(g, t.outputs[0])
    if r2 is None or r2.op != "reshape" or tuple(g.t(r2.outputs[0]).shape) != tuple(x.shape):
        return None
    return t, r2, int(mid.shape[1]), int(c)
