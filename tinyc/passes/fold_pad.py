"""fold_pad: a constant PAD over H/W only joins the padding of the window ops that read it."""
from __future__ import annotations

import math

from tinyc import ir
from tinyc.passes._util import remove_node

CONVS = ("conv2d", "depthwise_conv2d")
INT_MIN = {"int8": -128, "int16": -32768}


def _spatial_pads(n: ir.Node, x: ir.Tensor) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right) of a pad on a rank-4 NHWC tensor touching only H and W."""
    pads = [tuple(int(v) for v in p) for p in n.attrs.get("pads", ())]
    if len(x.shape) != 4 or len(pads) != 4 or pads[0] != (0, 0) or pads[3] != (0, 0):
        return None
    (pt, pb), (pl, pr) = pads[1], pads[2]
    return pt, pl, pb, pr


def _fill(n: ir.Node, g: ir.Graph, x: ir.Tensor, y: ir.Tensor):
    """The pad's stored fill value (an int for integer tensors, a float for float ones); None
    when the pad rescales (input and output quantization differ)."""
    v = float(n.attrs.get("value", 0.0))
    if x.dtype == "float32":
        return v
    if x.q is None or y.q is None or x.q.per_channel or y.q.per_channel:
        return None
    if abs(x.q.s() - y.q.s()) > 1e-9 * max(abs(x.q.s()), 1e-30) or x.q.zp() != y.q.zp():
        return None
    from tinyc.ops.pad import pad_value
    return pad_value(n, g)


def _windows_see_data(size: int, k: int, s: int, before: int, after: int) -> bool:
    """Every output window of a pool along one axis holds at least one real element."""
    out = (size + before + after - k) // s + 1
    return all(o * s - before + k > 0 and o * s - before < size for o in range(out))


def _foldable(c: ir.Node, g: ir.Graph, x: ir.Tensor, fill) -> bool:
    """Reading the pad's input with the pad added to c's own padding gives the same output."""
    if c.attrs.get("layout") == "NCHW":
        return False
    if c.op in CONVS:  # convs pad with real zero: the zero point (int) or 0.0 (float)
        return fill == (0.0 if x.dtype == "float32" else x.q.zp())
    if c.op == "max_pool2d":  # max pools skip padding: a fill nothing real is below is the same
        return fill == (-math.inf if x.dtype == "float32" else INT_MIN.get(x.dtype))
    return False  # avg pools count only real elements: a padded zero would change the mean


def fold_pad(g: ir.Graph) -> ir.Graph:
    """Afterwards no `pad` that fills H/W only with the value its readers' own padding uses (zero
    point / 0.0 for conv2d and depthwise_conv2d, the dtype minimum for max_pool2d) feeds only such
    readers: each reader reads the pad's input with the pad added to its pads. A pad that is a graph
    output, touches N or C, or rescales stays."""
    for n in [n for n in g.nodes if n.op == "pad"]:
        x, y = g.t(n.inputs[0]), g.t(n.outputs[0])
        sp = _spatial_pads(n, x)
        users = g.consumers(n.outputs[0])
        if sp is None or not users or n.outputs[0] in g.outputs:
            continue
        fill = _fill(n, g, x, y)
        if fill is None or not all(c.inputs[0] == n.outputs[0] and n.outputs[0] not in c.inputs[1:]
                                   and _foldable(c, g, x, fill) for c in users):
            continue
        if any(c.op == "max_pool2d" and not _pool_ok(c, x, sp) for c in users):
            continue
        for c in users:
            old = tuple(c.attrs.get("pads", (0, 0, 0, 0)))
            c.attrs["pads"] = tuple(a + b for a, b in zip(old, sp))
            c.inputs[0] = n.inputs[0]
        remove_node(g, n)
    g.prune()
    return g


def _pool_ok(c: ir.Node, x: ir.Tensor, sp) -> bool:
    kh, kw = c.attrs["kernel"]
    sh, sw = c.attrs.get("strides", (1, 1))
    t, l, b, r = (a + p for a, p in zip(c.attrs.get("pads", (0, 0, 0, 0)), sp))
    return _windows_see_data(x.shape[1], kh, sh, t, b) and _windows_see_data(x.shape[2], kw, sw, l, r)
