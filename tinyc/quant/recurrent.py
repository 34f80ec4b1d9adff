"""Float32 arithmetic of the lstm / gru ops, in exactly the order of their C kernels.

Weights are int8 per output row with a float32 scale (or float32 rows, scale 1,
in the float graph). Every operation is one float32 operation, sums run over k
in order, and expf / tanhf come from the C library (tinyc.quant.lut), so the
numpy result equals the C kernel's bit for bit where both use the same libm
(the host). Gates follow ONNX: LSTM i, o, f, c; GRU z, r, h.
"""
from __future__ import annotations

import numpy as np

from tinyc.quant.lut import expf, tanhf

f32 = np.float32
_exp = np.vectorize(lambda v: expf(v), otypes=[np.float32])
_tanh = np.vectorize(lambda v: tanhf(v), otypes=[np.float32])


def sigmoid(v: np.ndarray) -> np.ndarray:
    return (f32(1.0) / (f32(1.0) + _exp(-v))).astype(np.float32)


def tanh(v: np.ndarray) -> np.ndarray:
    return _tanh(v).astype(np.float32)


def matvec(w: np.ndarray, scale: np.ndarray, v: np.ndarray) -> np.ndarray:
    """scale[c] * sum_k(v[k] * w[c, k]), summed in k order, float32 throughout."""
    wf = w.astype(np.float32)
    acc = np.zeros(w.shape[0], np.float32)
    for k in range(w.shape[1]):
        acc = (acc + v[k] * wf[:, k]).astype(np.float32)
    return (scale * acc).astype(np.float32)


def lstm(x, w, ws, r, rs, b, h, c, reverse: bool):
    """x [T, I] -> (y [T, H], h [H], c [H])."""
    t_len, hid = x.shape[0], r.shape[1]
    y = np.zeros((t_len, hid), np.float32)
    for step in range(t_len):
        t = t_len - 1 - step if reverse else step
        g = ((b + matvec(w, ws, x[t])).astype(np.float32) + matvec(r, rs, h)).astype(np.float32)
        i, o, f = sigmoid(g[:hid]), sigmoid(g[hid:2 * hid]), sigmoid(g[2 * hid:3 * hid])
        cand = tanh(g[3 * hid:])
        c = ((f * c).astype(np.float32) + (i * cand).astype(np.float32)).astype(np.float32)
        h = (o * tanh(c)).astype(np.float32)
        y[t] = h
    return y, h, c


def gru(x, w, ws, r, rs, wb, rb, h, reverse: bool, linear_before_reset: bool):
    """x [T, I] -> (y [T, H], h [H])."""
    t_len, hid = x.shape[0], r.shape[1]
    y = np.zeros((t_len, hid), np.float32)
    one = f32(1.0)
    for step in range(t_len):
        t = t_len - 1 - step if reverse else step
        gx = (wb + matvec(w, ws, x[t])).astype(np.float32)
        if linear_before_reset:
            gh = (rb + matvec(r, rs, h)).astype(np.float32)
            z = sigmoid((gx[:hid] + gh[:hid]).astype(np.float32))
            rr = sigmoid((gx[hid:2 * hid] + gh[hid:2 * hid]).astype(np.float32))
            n = tanh((gx[2 * hid:] + (rr * gh[2 * hid:]).astype(np.float32)).astype(np.float32))
        else:
            gh = (rb[:2 * hid] + matvec(r[:2 * hid], rs[:2 * hid], h)).astype(np.float32)
            z = sigmoid((gx[:hid] + gh[:hid]).astype(np.float32))
            rr = sigmoid((gx[hid:2 * hid] + gh[hid:2 * hid]).astype(np.float32))
            rh = (rr * h).astype(np.float32)
            hn = (rb[2 * hid:] + matvec(r[2 * hid:], rs[2 * hid:], rh)).astype(np.float32)
            n = tanh((gx[2 * hid:] + hn).astype(np.float32))
        h = (((one - z).astype(np.float32) * n).astype(np.float32) + (z * h).astype(np.float32)).astype(np.float32)
        y[t] = h
    return y, h
