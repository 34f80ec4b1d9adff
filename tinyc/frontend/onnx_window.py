"""ONNX window ops: Conv, ConvTranspose, BatchNormalization and pooling (float, NCHW).

One function per op, named like the op (see onnx_ops.py for the calling convention);
rank-3 (NCL) Conv and pools run as their 2-D form with H = 1. Registered in onnx_ops.OPS.
"""
from __future__ import annotations

import numpy as np

from tinyc.frontend.onnx_helpers import NO_ACT, _only_first_output, _require_weight


# -- helpers -----------------------------------------------------------------
def _spatial(ctx, node, X, kernel, strides, dilations, pads, auto_pad):
    """(strides, dilations, pads as (top, left, bottom, right)) for a 2-D window op."""
    if len(ctx.shape(X)) != 4 or len(kernel) != 2:
        raise ctx.error(node, "only 2-D (rank-4 NCHW) inputs are supported")
    strides = tuple(strides or (1, 1))
    dilations = tuple(dilations or (1, 1))
    if auto_pad in ("NOTSET", ""):
        p = tuple(pads or (0, 0, 0, 0))
        return strides, dilations, (p[0], p[1], p[2], p[3])
    if auto_pad == "VALID":
        return strides, dilations, (0, 0, 0, 0)
    if auto_pad not in ("SAME_UPPER", "SAME_LOWER"):
        raise ctx.error(node, f"unsupported auto_pad '{auto_pad}'")
    begin, end = [], []
    for i in range(2):
        size = ctx.shape(X)[2 + i]
        out = -(-size // strides[i])
        total = max((out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - size, 0)
        small = total // 2
        b = small if auto_pad == "SAME_UPPER" else total - small
        begin.append(b)
        end.append(total - b)
    return strides, dilations, (begin[0], begin[1], end[0], end[1])


def _ceil_pads(ctx, node, X, kernel, strides, pads):
    """Extend bottom/right pads so the floor formula yields the inferred (ceil_mode) output size."""
    out = ctx.shape(node.output[0])
    p = list(pads)
    for i in range(2):
        size = ctx.shape(X)[2 + i] + p[i] + p[i + 2]
        need = (out[2 + i] - 1) * strides[i] + kernel[i] - size
        p[i + 2] += max(need, 0)
    return tuple(p)


def _one_d(ctx, node, fn, X, W=None, B=None, **attrs):
    """A 1-D Conv / pool (rank-3 NCL) as its 2-D form with H = 1, between two reshapes."""
    n, c, length = ctx.shape(X)
    out = node.output[0]
    on, oc, olen = ctx.shape(out)
    x4 = ctx.tmp(X + "_2d", (n, c, 1, length))
    y4 = ctx.tmp(out + "_2d", (on, oc, 1, olen))
    ctx.shapes[x4], ctx.shapes[y4] = (n, c, 1, length), (on, oc, 1, olen)
    ctx.emit(node, "reshape", [X], [x4])
    if W is not None:
        if ctx.const(W) is None:
            raise ctx.error(node, "1-D convolution needs a constant float weight")
        w4 = ctx.add_const(W + "_2d", ctx.const(W)[:, :, None, :])
        ctx.consts[w4] = ctx.g.t(w4).data
        W = w4
    for key, one in (("kernel_shape", 1), ("strides", 1), ("dilations", 1)):
        if attrs.get(key) is not None:
            attrs[key] = [one, *attrs[key]]
    if attrs.get("pads") is not None:
        attrs["pads"] = [0, attrs["pads"][0], 0, attrs["pads"][1]]
    n2 = type(node)()
    n2.CopyFrom(node)
    n2.output[0] = y4
    if W is None:
        fn(ctx, n2, x4, **attrs)
    else:
        fn(ctx, n2, x4, W, B, **attrs)
    ctx.emit(node, "reshape", [y4], [out])



# -- convolution and normalisation --------------------------------------------
def Conv(ctx, node, X, W, B=None, *, auto_pad="NOTSET", dilations=None, group=1, kernel_shape=None,
         pads=None, strides=None):
    if len(ctx.shape(X)) == 3:
        return _one_d(ctx, node, Conv, X, W, B, auto_pad=auto_pad, dilations=dilations, group=group,
                      kernel_shape=kernel_shape, pads=pads, strides=strides)
    _require_weight(ctx, node, W, "weight")
    kernel = tuple(ctx.shape(W)[2:])
    if len(kernel) != 2:
        raise ctx.error(node, "only 2-D convolution is supported")
    s, d, p = _spatial(ctx, node, X, kernel, strides, dilations, pads, auto_pad)
    ctx.emit(node, "conv2d", [X, W, B or ""], [node.output[0]], strides=s, dilations=d, pads=p,
             groups=int(group), act=NO_ACT, layout="NCHW")


def ConvTranspose(ctx, node, X, W, B=None, *, auto_pad="NOTSET", dilations=None, group=1, kernel_shape=None,
                  output_padding=None, output_shape=None, pads=None, strides=None):
    w = ctx.const(W)
    if w is None or w.ndim != 4 or len(ctx.shape(X)) != 4:
        raise ctx.error(node, "only 2-D ConvTranspose with a constant float weight is supported")
    if group != 1 or auto_pad not in ("NOTSET", "") or output_shape is not None or any(d != 1 for d in dilations or ()):
        raise ctx.error(node, "ConvTranspose with group > 1, auto_pad, output_shape or dilations is not supported")
    p = list(pads or (0, 0, 0, 0))
    op = list(output_padding or (0, 0))
    pads4 = (int(p[0]), int(p[1]), int(p[2]) - int(op[0]), int(p[3]) - int(op[1]))
    w_oihw = ctx.add_const(W + "_oihw", np.ascontiguousarray(w.transpose(1, 0, 2, 3)))
    ctx.emit(node, "transpose_conv", [X, w_oihw, B or ""], node.output, strides=tuple(strides or (1, 1)),
             dilations=(1, 1), pads=pads4, act=NO_ACT, layout="NCHW")


def BatchNormalization(ctx, node, X, scale, B, input_mean, input_var, *, epsilon=1e-5, momentum=0.9,
                       training_mode=0, spatial=1):
    _only_first_output(ctx, node)
    if training_mode or not spatial:
        raise ctx.error(node, "only inference-mode, spatial BatchNormalization is supported")
    for x in (scale, B, input_mean, input_var):
        if ctx.const(x) is None:
            raise ctx.error(node, "BatchNormalization parameters must be constants")
    ctx.emit(node, "batch_norm", [X, scale, B, input_mean, input_var], [node.output[0]],
             epsilon=float(epsilon), layout="NCHW")



# -- pooling --------------------------------------------------------------------
def _pool_window(ctx, node, X, kernel_shape, strides, dilations, pads, auto_pad):
    """(kernel, strides, pads) of a 2-D pool; dilation is not supported."""
    k = tuple(kernel_shape)
    s, d, p = _spatial(ctx, node, X, k, strides, dilations, pads, auto_pad)
    if d != (1, 1):
        raise ctx.error(node, "dilated pooling is not supported")
    return k, s, p


def MaxPool(ctx, node, X, *, auto_pad="NOTSET", ceil_mode=0, dilations=None, kernel_shape=None, pads=None,
            storage_order=0, strides=None):
    _only_first_output(ctx, node)
    if len(ctx.shape(X)) == 3:
        return _one_d(ctx, node, MaxPool, X, auto_pad=auto_pad, ceil_mode=ceil_mode, dilations=dilations,
                      kernel_shape=kernel_shape, pads=pads, storage_order=storage_order, strides=strides)
    k, s, p = _pool_window(ctx, node, X, kernel_shape, strides, dilations, pads, auto_pad)
    if ceil_mode:
        p = _ceil_pads(ctx, node, X, k, s, p)
    ctx.emit(node, "max_pool2d", [X], node.output, kernel=k, strides=s, pads=p, act=NO_ACT, layout="NCHW")


def AveragePool(ctx, node, X, *, auto_pad="NOTSET", ceil_mode=0, count_include_pad=0, dilations=None,
                kernel_shape=None, pads=None, strides=None):
    if len(ctx.shape(X)) == 3:
        return _one_d(ctx, node, AveragePool, X, auto_pad=auto_pad, ceil_mode=ceil_mode,
                      count_include_pad=count_include_pad, dilations=dilations, kernel_shape=kernel_shape,
                      pads=pads, strides=strides)
    k, s, p = _pool_window(ctx, node, X, kernel_shape, strides, dilations, pads, auto_pad)
    if ceil_mode:
        p2 = _ceil_pads(ctx, node, X, k, s, p)
        if count_include_pad and p2 != p:
            raise ctx.error(node, "ceil_mode with count_include_pad is not supported")
        p = p2
    if count_include_pad and any(p):
        n, c, h, w = ctx.shape(X)
        padded = ctx.tmp(node.output[0] + "_padded", (n, c, h + p[0] + p[2], w + p[1] + p[3]))
        ctx.emit(node, "pad", [X], [padded], pads=((0, 0), (0, 0), (p[0], p[2]), (p[1], p[3])), value=0.0)
        X, p = padded, (0, 0, 0, 0)
    ctx.emit(node, "avg_pool2d", [X], node.output, kernel=k, strides=s, pads=p, act=NO_ACT, layout="NCHW")


def GlobalAveragePool(ctx, node, X):
    if len(ctx.shape(X)) != 4:
        raise ctx.error(node, "only rank-4 NCHW inputs are supported")
    ctx.emit(node, "global_avg_pool", [X], node.output, layout="NCHW")


def GlobalMaxPool(ctx, node, X):
    if len(ctx.shape(X)) != 4:
        raise ctx.error(node, "only rank-4 NCHW inputs are supported")
    k = tuple(ctx.shape(X)[2:])
    ctx.emit(node, "max_pool2d", [X], node.output, kernel=k, strides=(1, 1), pads=(0, 0, 0, 0), act=NO_ACT,
             layout="NCHW")

