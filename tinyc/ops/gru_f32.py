"""gru_f32: a whole one-directional GRU sequence, float32 activations with int8 weights (a float island).

inputs: x [T, I] float32, w [3H, I] and r [3H, H] (int8, per-row scales,
axis 0), wb [3H] and rb [3H] float32, h0 [1, H] float32 or "" (zeros).
attrs: reverse, linear_before_reset (PyTorch exports 1). outputs: y [T, H],
h_last [1, H], float32. Gates in ONNX order z, r, h. Arithmetic:
tinyc.quant.recurrent.gru; kernel tc_gru_f32, scratch 4H floats. See lstm_f32.py
for how the quantizer places the island.
"""
from __future__ import annotations

import numpy as np

from tinyc.ops.common import Call
from tinyc.ops.lstm_f32 import _state, geometry, weights
from tinyc.quant import recurrent


def shape(node, g):
    t_len, _, hid = geometry(node, g, 3)
    return [(t_len, hid), (1, hid)]


def macs(node, g) -> int:
    t_len, n_in, hid = geometry(node, g, 3)
    return t_len * 3 * hid * (n_in + hid)


def ref(node, g, x, w, r, wb, rb, h0=None):
    _, _, hid = geometry(node, g, 3)
    wq, ws = weights(g, node.inputs[1])
    rq, rs = weights(g, node.inputs[2])
    y, h = recurrent.gru(x.astype(np.float32), wq, ws, rq, rs, wb.astype(np.float32), rb.astype(np.float32),
                         _state(h0, hid), bool(node.attrs.get("reverse", False)),
                         bool(node.attrs.get("linear_before_reset", 0)))
    return [y, h[None]]


def lower(node, g) -> Call:
    t_len, n_in, hid = geometry(node, g, 3)
    _, ws = weights(g, node.inputs[1])
    _, rs = weights(g, node.inputs[2])
    return Call(template="gru_f32.j2", node=node.name, inputs=list(node.inputs), outputs=list(node.outputs),
                params=dict(steps=t_len, n_in=n_in, hidden=hid, reverse=int(bool(node.attrs.get("reverse", False))),
                            lbr=int(bool(node.attrs.get("linear_before_reset", 0)))),
                arrays=dict(w_scale=ws, r_scale=rs), scratch=4 * 4 * hid)
