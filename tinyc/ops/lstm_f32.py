"""lstm_f32: a whole one-directional LSTM sequence, float32 activations with int8 weights (a float island).

inputs: x [T, I] float32, w [4H, I] and r [4H, H] (int8, per-row symmetric
scales, axis 0), b [4H] float32 (ONNX Wb + Rb), h0 [1, H] and c0 [1, H]
float32 or "" (zeros). attrs: reverse. outputs: y [T, H] (h of every step, in
time order), h_last [1, H], c_last [1, H], all float32. Gates in ONNX order
i, o, f, c; sigmoid / tanh activations. The arithmetic (float32, sums in input
order, libm expf / tanhf) is tinyc.quant.recurrent.lstm; the quantizer reads
the island's int8 input through a dequantize and quantizes its outputs, as
onnxruntime's quantize_static leaves an LSTM in float. Kernel tc_lstm_f32,
scratch 4H floats (the gates).
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call
from tinyc.quant import recurrent


def weights(g, name):
    """(int8 or float32 rows, float32 per-row scales)."""
    t = g.tensors[name]
    if t.dtype == "int8" and t.q is not None:
        return t.data, np.broadcast_to(t.q.scale.astype(np.float32).reshape(-1), (t.shape[0],)).copy()
    if t.dtype == "float32":
        return t.data, np.ones(t.shape[0], np.float32)
    raise TinycError(f"recurrent weights must be int8 with QParams or float32, got {t.dtype}", g.source)


def geometry(node, g, gates: int):
    x, w, r = (g.tensors[n] for n in node.inputs[:3])
    t_len, n_in = x.shape
    hid = r.shape[1]
    if x.dtype != "float32" or w.shape != (gates * hid, n_in) or r.shape != (gates * hid, hid) \
            or not (w.is_const and r.is_const):
        raise TinycError(f"{node.op}: x {list(x.shape)} {x.dtype}, w {list(w.shape)}, r {list(r.shape)} do not fit",
                         where(g.source, node.name, node.op))
    return t_len, n_in, hid


def _state(v, hid):
    return np.zeros(hid, np.float32) if v is None else v.astype(np.float32).reshape(hid)


def shape(node, g):
    t_len, _, hid = geometry(node, g, 4)
    return [(t_len, hid), (1, hid), (1, hid)]


def macs(node, g) -> int:
    t_len, n_in, hid = geometry(node, g, 4)
    return t_len * 4 * hid * (n_in + hid)


def ref(node, g, x, w, r, b, h0=None, c0=None):
    _, _, hid = geometry(node, g, 4)
    wq, ws = weights(g, node.inputs[1])
    rq, rs = weights(g, node.inputs[2])
    y, h, c = recurrent.lstm(x.astype(np.float32), wq, ws, rq, rs, b.astype(np.float32), _state(h0, hid),
                             _state(c0, hid), bool(node.attrs.get("reverse", False)))
    return [y, h[None], c[None]]


def lower(node, g) -> Call:
    t_len, n_in, hid = geometry(node, g, 4)
    _, ws = weights(g, node.inputs[1])
    _, rs = weights(g, node.inputs[2])
    return Call(template="lstm_f32.j2", node=node.name, inputs=list(node.inputs), outputs=list(node.outputs),
                params=dict(steps=t_len, n_in=n_in, hidden=hid, reverse=int(bool(node.attrs.get("reverse", False)))),
                arrays=dict(w_scale=ws, r_scale=rs), scratch=4 * 4 * hid)
