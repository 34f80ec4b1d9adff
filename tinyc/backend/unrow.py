"""One-column window calls back to their one-row geometry, for speed (no change of bytes).

tinyc.passes.rows_1d relabels a 1-D model's maps [1, 1, W, C] as [1, W, 1, C] so that the patch
loop can band the time axis. The kernels walk rows in their outer loop, so a W x 1 map pays a
row's setup per time step (the 16x8 Keras Conv1D net on mps2-an386: +9% on the layers after the
stage, more inside it). A conv, depthwise or pool call whose input and output are one column wide,
with a one-column kernel and no left padding, reads and writes exactly the bytes of its 1 x W
twin (weights [O, K, 1, I] and [O, 1, K, I] are the same array too), so its geometry parameters
are swapped back before the C is rendered. An in-place depthwise keeps its geometry: its ring
of output rows was sized for it.
"""
from __future__ import annotations

from tinyc.ops.common import Call

PAIRS = (("h", "w"), ("oh", "ow"), ("kh", "kw"), ("stride_h", "stride_w"), ("sh", "sw"), ("dil_h", "dil_w"),
         ("pad_top", "pad_left"))
WINDOW = ("conv2d_s8.j2", "conv2d_1x1_s8.j2", "depthwise_conv2d_s8.j2", "max_pool2d_s8.j2", "avg_pool2d_s8.j2",
          "conv2d_s16.j2", "depthwise_conv2d_s16.j2", "conv2d_s4.j2", "depthwise_conv2d_s4.j2")


def one_column(call: Call) -> bool:
    p = call.params
    if call.template not in WINDOW:
        return False
    if call.template.startswith("depthwise") and call.inplace is not None:
        return False
    return (p.get("w") == 1 and p.get("ow") == 1 and p.get("kw") == 1 and p.get("pad_left", 0) == 0
            and p.get("h", 1) > 1)


def unrow(call: Call) -> Call:
    """call with its one-column geometry swapped to one row (see the module docstring), else as it is."""
    if one_column(call):
        p = call.params
        for a, b in PAIRS:
            if a in p and b in p:
                p[a], p[b] = p[b], p[a]
    return call


def unrow_all(calls: list[Call]) -> list[Call]:
    for c in calls:
        unrow(c)
    return calls
