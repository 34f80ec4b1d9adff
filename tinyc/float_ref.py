"""Float32 numpy executor of the tinyc IR: one function per op.

Spatial ops follow NHWC semantics (docs/ops.md); ops still carrying
`layout="NCHW"` (before the to_nhwc pass) are run by transposing around the
NHWC kernel. Integer tensors with QParams are read as `scale * (q - zp)` by
arithmetic ops; layout-only ops and `dequantize` see the stored integers, and
`quantize` produces integers, as does any arithmetic op writing an integer
tensor with QParams (quantize on store). The pre-canonical ops of the ONNX frontend
(batch_norm, sub, div, flatten, ...) run too, so every pass prefix can be
executed.
"""
from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from tinyc import ir
from tinyc.quant.fixedpoint import round_half_away

RAW_OPS = {"reshape", "flatten", "squeeze", "unsqueeze", "transpose", "identity", "dropout", "dequantize",
           "concat", "pad", "strided_slice"}
NCHW_TO_NHWC = (0, 2, 3, 1)
NHWC_TO_NCHW = (0, 3, 1, 2)


def run_float(g: ir.Graph, inputs: dict[str, np.ndarray], return_all: bool = False) -> dict[str, np.ndarray]:
    """Run g on `inputs` (by graph input name); returns the graph outputs (or every tensor)."""
    env = {}
    for name in g.inputs:
        t = g.t(name)
        env[name] = np.asarray(inputs[name]).astype(t.dtype).reshape(t.shape)
    for n in g.nodes:
        fn = OPS.get(n.op) or _module_float_ref(n.op)
        if fn is None:
            raise ir.IRError(f"float_ref: no implementation for op '{n.op}' ({n.name})")
        raw = n.op in RAW_OPS
        args = [None if x == "" else _value(g, env, x, raw) for x in n.inputs]
        res = fn(g, n, *args)
        for name, y in zip(n.outputs, res if isinstance(res, tuple) else (res,)):
            out_t, y = g.t(name), np.asarray(y)
            if not raw and n.op != "quantize" and out_t.dtype != "float32" and out_t.q is not None:
                y = quantize(g, n, y)  # an op writing an int tensor with QParams stores quantized values
            env[name] = y.astype(out_t.dtype, copy=False).reshape(out_t.shape)
    if return_all:
        for name, t in g.tensors.items():
            if t.is_const:
                env.setdefault(name, _value(g, env, name, False))
        return env
    return {name: env[name] for name in g.outputs}


def _module_float_ref(op: str):
    """The `float_ref(node, x)` of an op module that defines one (tinyc.ops.float_lut ops)."""
    from tinyc.ops import OPS as INT_OPS
    f = getattr(INT_OPS.get(op), "float_ref", None)
    return None if f is None else (lambda g, node, *xs: f(node, *xs))


def _value(g, env, name, raw: bool) -> np.ndarray:
    t = g.t(name)
    v = t.data if t.is_const else env[name]
    if raw or t.q is None or t.dtype == "float32":
        return v
    return dequant(v, t.q)


def dequant(q: np.ndarray, qp: ir.QParams) -> np.ndarray:
    """scale * (q - zp) in float32, per tensor or along qp.axis."""
    s, zp = qp.scale, qp.zero_point
    if qp.axis is not None and s.size > 1:
        shape = [1] * q.ndim
        shape[qp.axis] = -1
        s, zp = s.reshape(shape), zp.reshape(shape)
    return (s * (q.astype(np.int64) - zp).astype(np.float32)).astype(np.float32)


def _act(y, node):
    lo, hi = node.attrs.get("act", (-math.inf, math.inf))
    return np.clip(y, lo, hi).astype(np.float32) if (lo, hi) != (-math.inf, math.inf) else y


def _nchw(fn):
    """Run an NHWC kernel on an op that still has layout='NCHW'."""
    def wrapped(g, node, x, *rest):
        if node.attrs.get("layout") != "NCHW":
            return fn(g, node, x, *rest)
        return fn(g, node, x.transpose(NCHW_TO_NHWC), *rest).transpose(NHWC_TO_NCHW)
    wrapped.__name__ = fn.__name__
    return wrapped


def _windows(x, kernel, strides, dilations, pads, fill):
    """View [N, OH, OW, KH, KW, C] of the padded NHWC input."""
    t, l, b, r = pads
    xp = np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)), constant_values=fill)
    n, h, w, c = xp.shape
    (kh, kw), (sh, sw), (dh, dw) = kernel, strides, dilations
    oh, ow = (h - dh * (kh - 1) - 1) // sh + 1, (w - dw * (kw - 1) - 1) // sw + 1
    s = xp.strides
    return as_strided(xp, (n, oh, ow, kh, kw, c), (s[0], s[1] * sh, s[2] * sw, s[1] * dh, s[2] * dw, s[3]),
                      writeable=False)


# -- convolution -------------------------------------------------------------------
def conv2d(g, node, x, w, b=None):
    a = node.attrs
    if a.get("layout") == "NCHW":
        y = _conv_nhwc(x.transpose(NCHW_TO_NHWC), w.transpose(NCHW_TO_NHWC), b, a).transpose(NHWC_TO_NCHW)
    else:
        y = _conv_nhwc(x, w, b, a)
    return _act(y, node)


def _conv_nhwc(x, w, b, a):
    cout, kh, kw, cg = w.shape
    groups = a.get("groups", 1)
    win = _windows(x.astype(np.float32), (kh, kw), a["strides"], a["dilations"], a["pads"], 0.0)
    n, oh, ow = win.shape[:3]
    if groups == 1:
        y = win.reshape(n * oh * ow, kh * kw * cg) @ w.reshape(cout, -1).T.astype(np.float32)
    else:
        win = win.reshape(n, oh, ow, kh, kw, groups, cg)
        wg = w.reshape(groups, cout // groups, kh, kw, cg).astype(np.float32)
        y = np.einsum("nhwijgc,goijc->nhwgo", win, wg, optimize=True)
    y = y.reshape(n, oh, ow, cout)
    return y + b.astype(np.float32) if b is not None else y


def transpose_conv(g, node, x, w, b=None, out_shape=None):
    a = node.attrs
    if a.get("layout") == "NCHW":
        x, w = x.transpose(NCHW_TO_NHWC), w.transpose(NCHW_TO_NHWC)
    cout, kh, kw, _ = w.shape
    _, h, wd, _ = x.shape
    sh, sw = a["strides"]
    pt, pl, pb, pr = a["pads"]
    full_h, full_w = (h - 1) * sh + kh, (wd - 1) * sw + kw
    oh, ow = full_h - pt - pb, full_w - pl - pr
    full = np.zeros((max(full_h, pt + oh), max(full_w, pl + ow), cout), np.float32)
    for ky in range(kh):
        for kx in range(kw):
            full[ky:ky + (h - 1) * sh + 1:sh, kx:kx + (wd - 1) * sw + 1:sw] += \
                x[0].astype(np.float32) @ w[:, ky, kx, :].T.astype(np.float32)
    y = full[pt:pt + oh, pl:pl + ow][None]
    if b is not None:
        y = y + b.astype(np.float32)
    y = _act(y, node)
    return y.transpose(NHWC_TO_NCHW) if a.get("layout") == "NCHW" else y


def depthwise_conv2d(g, node, x, w, b=None):
    a = node.attrs
    mult = a.get("depth_multiplier", 1)
    x = np.repeat(x, mult, axis=3) if mult > 1 else x
    _, kh, kw, cout = w.shape
    win = _windows(x.astype(np.float32), (kh, kw), a["strides"], a["dilations"], a["pads"], 0.0)
    y = np.einsum("nhwijc,ijc->nhwc", win, w[0].astype(np.float32), optimize=True)
    return _act(y + b.astype(np.float32) if b is not None else y, node)


def fully_connected(g, node, x, w, b=None):
    if node.attrs.get("w_layout") == "KC":
        w = w.T
    cout, k = w.shape
    y = x.reshape(-1, k).astype(np.float32) @ w.T.astype(np.float32)
    if b is not None:
        y = y + b.astype(np.float32)
    return _act(y.reshape(g.t(node.outputs[0]).shape), node)


def batch_norm(g, node, x, scale, bias, mean, var):
    shape = (-1,) + (1,) * (x.ndim - 2) if node.attrs.get("layout") == "NCHW" else (-1,)
    inv = (scale / np.sqrt(var + np.float32(node.attrs["epsilon"]))).astype(np.float32)
    return (x - mean.reshape(shape)) * inv.reshape(shape) + bias.reshape(shape)


# -- pooling ---------------------------------------------------------------------------
@_nchw
def max_pool2d(g, node, x):
    a = node.attrs
    win = _windows(x, a["kernel"], a["strides"], (1, 1), a["pads"], -np.inf)
    return _act(win.max(axis=(3, 4)), node)


@_nchw
def avg_pool2d(g, node, x):
    a = node.attrs
    total = _windows(x.astype(np.float32), a["kernel"], a["strides"], (1, 1), a["pads"], 0.0).sum(axis=(3, 4))
    ones = np.ones((1,) + x.shape[1:3] + (1,), np.float32)
    count = _windows(ones, a["kernel"], a["strides"], (1, 1), a["pads"], 0.0).sum(axis=(3, 4))
    return _act(total / count, node)


def global_avg_pool(g, node, x):
    axes = (2, 3) if node.attrs.get("layout") == "NCHW" else (1, 2)
    return x.mean(axis=axes, keepdims=True, dtype=np.float32)


def mean(g, node, x):
    return x.mean(axis=tuple(node.attrs["axes"]), keepdims=bool(node.attrs.get("keepdims", True)),
                  dtype=np.float32)


@_nchw
def resize_nearest(g, node, x):
    a = node.attrs
    idx = [_nearest_index(x.shape[1 + i], a["size"][i], a.get("align_corners", False),
                          a.get("half_pixel_centers", False)) for i in range(2)]
    return x[:, idx[0]][:, :, idx[1]]


@_nchw
def resize_bilinear(g, node, x):
    """ONNX Resize mode=linear: source coordinate by coordinate mode, clamped to [0, in - 1]."""
    a = node.attrs
    out = x.astype(np.float32)
    for axis in (1, 2):
        n_in, n_out = x.shape[axis], a["size"][axis - 1]
        c = _source_coords(n_in, n_out, a.get("ctm", "half_pixel"), (a.get("scale") or (None, None))[axis - 1])
        c = np.clip(c, 0, n_in - 1)
        lo = np.floor(c).astype(np.int64)
        hi = np.minimum(lo + 1, n_in - 1)
        w = (c - lo).astype(np.float32)
        shape = [1, 1, 1, 1]
        shape[axis] = -1
        out = np.take(out, lo, axis=axis) * (1 - w.reshape(shape)) + np.take(out, hi, axis=axis) * w.reshape(shape)
    return out.astype(np.float32)


def _source_coords(n_in, n_out, ctm, scale):
    o = np.arange(n_out, dtype=np.float64)
    ratio = n_out / n_in if scale is None else 1.0 / scale  # ONNX's output / input scale
    if ctm == "align_corners":
        return o * (n_in - 1) / (n_out - 1) if n_out > 1 else np.zeros(n_out)
    if ctm == "asymmetric":
        return o / ratio
    if ctm == "pytorch_half_pixel" and n_out == 1:
        return np.zeros(1)
    return (o + 0.5) / ratio - 0.5


def _nearest_index(n_in, n_out, align_corners, half_pixel_centers):
    """TFLite RESIZE_NEAREST_NEIGHBOR source indices along one axis."""
    scale = np.float32((n_in - 1) / (n_out - 1) if align_corners and n_out > 1 else n_in / n_out)
    o = np.arange(n_out, dtype=np.float32)
    src = (o + np.float32(0.5)) * scale if half_pixel_centers else o * scale
    idx = round_half_away(src) if align_corners else np.floor(src)
    return np.minimum(idx.astype(np.int64), n_in - 1)


# -- elementwise and activations ---------------------------------------------------------
def add(g, node, a, b):
    return _act(np.add(a, b, dtype=np.float32), node)


def mul(g, node, a, b):
    return _act(np.multiply(a, b, dtype=np.float32), node)


def sub(g, node, a, b):
    return _act(np.subtract(a, b, dtype=np.float32), node)


def div(g, node, a, b):
    return _act(np.divide(a, b, dtype=np.float32), node)


def clamp(g, node, x):
    return _act(x.astype(np.float32), node)


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
    return _act(np.where(x >= 0, x, x * alpha.astype(np.float32)).astype(np.float32), node)


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


# -- layout ------------------------------------------------------------------------------
def reshape(g, node, x):
    return x.reshape(g.t(node.outputs[0]).shape)


flatten = squeeze = unsqueeze = reshape


def identity(g, node, x):
    return x


dropout = identity


def transpose(g, node, x):
    return x.transpose(node.attrs["perm"])


def concat(g, node, *xs):
    return np.concatenate(xs, axis=node.attrs["axis"])


def strided_slice(g, node, x):
    a = node.attrs
    idx = tuple(np.arange(n, dtype=np.int64) * s + b for b, n, s in zip(a["begin"], a["size"], a["strides"]))
    return x[np.ix_(*idx)].reshape(g.t(node.outputs[0]).shape)


def pad(g, node, x):
    value = node.attrs.get("value", 0.0)
    return np.pad(x, node.attrs["pads"], constant_values=value)


# -- quantization --------------------------------------------------------------------------
def quantize(g, node, x):
    out = g.t(node.outputs[0])
    qp = out.q
    info = np.iinfo(out.dtype)
    s, zp = qp.scale, qp.zero_point
    if qp.axis is not None and s.size > 1:
        shape = [1] * x.ndim
        shape[qp.axis] = -1
        s, zp = s.reshape(shape), zp.reshape(shape)
    q = round_half_away(x.astype(np.float32) / s) + zp
    return np.clip(q, info.min, info.max).astype(out.dtype)


def dequantize(g, node, x):
    return dequant(x, g.t(node.inputs[0]).q)


OPS = {name: fn for name, fn in dict(globals()).items()
       if callable(fn) and not name.startswith("_") and name not in ("run_float", "dequant")
       and getattr(fn, "__module__", "") == __name__}
