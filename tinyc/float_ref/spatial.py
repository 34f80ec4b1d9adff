"""Float reference of the spatial ops: convolutions, fully connected, batch norm, pooling, resize."""
from __future__ import annotations

import numpy as np

from tinyc.float_ref.common import NCHW_TO_NHWC, NHWC_TO_NCHW, apply_act, nchw, windows
from tinyc.quant.fixedpoint import round_half_away


# -- convolution -------------------------------------------------------------------
def conv2d(g, node, x, w, b=None):
    a = node.attrs
    if a.get("layout") == "NCHW":
        y = _conv_nhwc(x.transpose(NCHW_TO_NHWC), w.transpose(NCHW_TO_NHWC), b, a).transpose(NHWC_TO_NCHW)
    else:
        y = _conv_nhwc(x, w, b, a)
    return apply_act(y, node)


def _conv_nhwc(x, w, b, a):
    cout, kh, kw, cg = w.shape
    groups = a.get("groups", 1)
    win = windows(x.astype(np.float32), (kh, kw), a["strides"], a["dilations"], a["pads"], 0.0)
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
    y = apply_act(y, node)
    return y.transpose(NHWC_TO_NCHW) if a.get("layout") == "NCHW" else y


def depthwise_conv2d(g, node, x, w, b=None):
    a = node.attrs
    mult = a.get("depth_multiplier", 1)
    x = np.repeat(x, mult, axis=3) if mult > 1 else x
    _, kh, kw, cout = w.shape
    win = windows(x.astype(np.float32), (kh, kw), a["strides"], a["dilations"], a["pads"], 0.0)
    y = np.einsum("nhwijc,ijc->nhwc", win, w[0].astype(np.float32), optimize=True)
    return apply_act(y + b.astype(np.float32) if b is not None else y, node)


def fully_connected(g, node, x, w, b=None):
    if node.attrs.get("w_layout") == "KC":
        w = w.T
    cout, k = w.shape
    y = x.reshape(-1, k).astype(np.float32) @ w.T.astype(np.float32)
    if b is not None:
        y = y + b.astype(np.float32)
    return apply_act(y.reshape(g.t(node.outputs[0]).shape), node)


def batch_norm(g, node, x, scale, bias, mean, var):
    shape = (-1,) + (1,) * (x.ndim - 2) if node.attrs.get("layout") == "NCHW" else (-1,)
    inv = (scale / np.sqrt(var + np.float32(node.attrs["epsilon"]))).astype(np.float32)
    return (x - mean.reshape(shape)) * inv.reshape(shape) + bias.reshape(shape)


# -- pooling ---------------------------------------------------------------------------
@nchw
def max_pool2d(g, node, x):
    a = node.attrs
    win = windows(x, a["kernel"], a["strides"], (1, 1), a["pads"], -np.inf)
    return apply_act(win.max(axis=(3, 4)), node)


@nchw
def avg_pool2d(g, node, x):
    a = node.attrs
    total = windows(x.astype(np.float32), a["kernel"], a["strides"], (1, 1), a["pads"], 0.0).sum(axis=(3, 4))
    ones = np.ones((1,) + x.shape[1:3] + (1,), np.float32)
    count = windows(ones, a["kernel"], a["strides"], (1, 1), a["pads"], 0.0).sum(axis=(3, 4))
    return apply_act(total / count, node)


def global_avg_pool(g, node, x):
    axes = (2, 3) if node.attrs.get("layout") == "NCHW" else (1, 2)
    return x.mean(axis=axes, keepdims=True, dtype=np.float32)


def mean(g, node, x):
    return x.mean(axis=tuple(node.attrs["axes"]), keepdims=bool(node.attrs.get("keepdims", True)),
                  dtype=np.float32)


@nchw
def resize_nearest(g, node, x):
    a = node.attrs
    idx = [_nearest_index(x.shape[1 + i], a["size"][i], a.get("align_corners", False),
                          a.get("half_pixel_centers", False)) for i in range(2)]
    return x[:, idx[0]][:, :, idx[1]]


@nchw
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
