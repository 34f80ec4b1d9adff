"""Float reference of the elementwise ops, activations, reductions to indices, recurrent and
attention ops."""
from __future__ import annotations

import math

import numpy as np

from tinyc.float_ref.common import apply_act


# -- elementwise and activations ---------------------------------------------------------
def add(g, node, a, b):
    return apply_act(np.add(a, b, dtype=np.float32), node)


def mul(g, node, a, b):
    return apply_act(np.multiply(a, b, dtype=np.float32), node)


def sub(g, node, a, b):
    return apply_act(np.subtract(a, b, dtype=np.float32), node)


def div(g, node, a, b):
    return apply_act(np.divide(a, b, dtype=np.float32), node)


def clamp(g, node, x):
    return apply_act(x.astype(np.float32), node)


def logistic(g, node, x):
    return (1.0 / (1.0 + np.exp(-x.astype(np.float64)))).astype(np.float32)


def tanh(g, node, x):
    return np.tanh(x.astype(np.float32))


def hard_swish(g, node, x):
    x = x.astype(np.float32)
    return x * np.clip(x + np.float32(3), 0, 6) / np.float32(6)


def gelu(g, node, x):
    x = x.astype(np.float64)
    if node.attrs.get("approximate", False):
        return (0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))).astype(np.float32)
    return (0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))).astype(np.float32)


def silu(g, node, x):
    x = x.astype(np.float64)
    return (x / (1.0 + np.exp(-x))).astype(np.float32)


def erf(g, node, x):
    return _erf(x.astype(np.float64)).astype(np.float32)


def _erf(x: np.ndarray) -> np.ndarray:
    return np.vectorize(math.erf, otypes=[np.float64])(x)


def prelu(g, node, x, alpha):
    x = x.astype(np.float32)
    return apply_act(np.where(x >= 0, x, x * alpha.astype(np.float32)).astype(np.float32), node)


def leaky_relu(g, node, x):
    x = x.astype(np.float32)
    return np.where(x >= 0, x, x * np.float32(node.attrs.get("alpha", 0.2))).astype(np.float32)


def arg_max(g, node, x):
    a = node.attrs
    v = -x if a.get("smallest", False) else x
    axis = a.get("axis", 0) % x.ndim
    if a.get("select_last_index", 0):
        idx = x.shape[axis] - 1 - np.argmax(np.flip(v, axis=axis), axis=axis)
    else:
        idx = np.argmax(v, axis=axis)
    return np.expand_dims(idx, axis) if a.get("keepdims", True) else idx


def top_k(g, node, x):
    k = int(node.attrs["k"])
    key = -x if node.attrs.get("largest", True) else x
    idx = np.argsort(key, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, idx, axis=-1), idx


def lstm_f32(g, node, x, w, r, b, h0=None, c0=None):
    from tinyc.quant import recurrent
    hid = r.shape[1]
    ones = np.ones(w.shape[0], np.float32)
    y, h, c = recurrent.lstm(x.astype(np.float32), w, ones, r, ones, b.astype(np.float32),
                             np.zeros(hid, np.float32) if h0 is None else h0.reshape(hid).astype(np.float32),
                             np.zeros(hid, np.float32) if c0 is None else c0.reshape(hid).astype(np.float32),
                             bool(node.attrs.get("reverse", False)))
    return y, h[None], c[None]


def gru_f32(g, node, x, w, r, wb, rb, h0=None):
    from tinyc.quant import recurrent
    hid = r.shape[1]
    ones = np.ones(w.shape[0], np.float32)
    y, h = recurrent.gru(x.astype(np.float32), w, ones, r, ones, wb.astype(np.float32), rb.astype(np.float32),
                         np.zeros(hid, np.float32) if h0 is None else h0.reshape(hid).astype(np.float32),
                         bool(node.attrs.get("reverse", False)), bool(node.attrs.get("linear_before_reset", 0)))
    return y, h[None]


def softmax(g, node, x):
    z = x.astype(np.float64) * node.attrs.get("beta", 1.0)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)


def log_softmax(g, node, x):
    z = x.astype(np.float64) * node.attrs.get("beta", 1.0)
    z = z - z.max(axis=-1, keepdims=True)
    return (z - np.log(np.exp(z).sum(axis=-1, keepdims=True))).astype(np.float32)


def rsqrt(g, node, x):
    return (np.float32(1) / np.sqrt(x.astype(np.float32))).astype(np.float32)


def batch_matmul(g, node, a, b):
    if node.attrs.get("adj_x"):
        a = np.swapaxes(a, -1, -2)
    if node.attrs.get("adj_y"):
        b = np.swapaxes(b, -1, -2)
    return np.matmul(a.astype(np.float32), b.astype(np.float32))


def gather(g, node, x):
    ind = np.asarray(node.attrs["indices"], dtype=np.int64).reshape(tuple(node.attrs.get("indices_shape", ())))
    return np.take(x, ind, axis=int(node.attrs["axis"]))
