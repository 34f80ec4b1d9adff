"""fully_connected: y[N, Cout] = x[N, K] . w[Cout, K]^T + b (TFLite FULLY_CONNECTED, int8)."""
from __future__ import annotations

import numpy as np

from tinyc.ops.common import Call, act_range, channel_multipliers, inputs_of, output_of
from tinyc.quant.fixedpoint import requantize_s8


def _dims(node, g):
    x, w, _ = (inputs_of(node, g) + [None])[:3]
    cout, k = w.shape
    return x.size // k, k, cout


def shape(node, g):
    n, _, cout = _dims(node, g)
    return [(n, cout)]


def macs(node, g) -> int:
    n, k, cout = _dims(node, g)
    return n * k * cout


def _quant(node, g):
    x, w = inputs_of(node, g)[:2]
    y = output_of(node, g)
    m0, sh = channel_multipliers(x, w, y, w.shape[0])
    lo, hi = act_range(node, y)
    return x.q.zp(), y.q.zp(), m0, sh, lo, hi


def ref(node, g, x, w, b=None):
    n, k, cout = _dims(node, g)
    x_zp, y_zp, m0, sh, lo, hi = _quant(node, g)
    acc = (x.reshape(n, k).astype(np.int64) - x_zp) @ w.astype(np.int64).T
    if b is not None:
        acc = acc + b.astype(np.int64)
    return [requantize_s8(acc, m0, sh, y_zp, lo, hi)]


def lower(node, g) -> Call:
    n, k, cout = _dims(node, g)
    x_zp, y_zp, m0, sh, lo, hi = _quant(node, g)
    return Call(
        template="fully_connected_s8.j2", node=node.name,
        inputs=list(node.inputs), outputs=list(node.outputs),
        params=dict(batches=n, in_ch=k, out_ch=cout, input_offset=-x_zp,
                    output_offset=y_zp, act_min=lo, act_max=hi),
        arrays=dict(mult=m0, shift=sh),
    )
