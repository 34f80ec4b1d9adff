"""ONNX ops that move or resample data, one function per op (see onnx_ops.py for the
conventions): shape ops, Slice/Split/Gather with constant indices, Transpose, Concat,
Pad and Resize. Registered in onnx_ops.OPS."""
from __future__ import annotations

import numpy as np

from tinyc.frontend.onnx_helpers import _axis, _only_first_output


def Flatten(ctx, node, X, *, axis=1):
    ctx.emit(node, "flatten", [X], node.output)


def Reshape(ctx, node, X, shape, *, allowzero=0):
    ctx.emit(node, "reshape", [X], node.output)


def Squeeze(ctx, node, X, axes_in=None, *, axes=None):
    ctx.emit(node, "squeeze", [X], node.output)


def Unsqueeze(ctx, node, X, axes_in=None, *, axes=None):
    ctx.emit(node, "unsqueeze", [X], node.output)


def Identity(ctx, node, X):
    ctx.emit(node, "identity", [X], node.output)


def Dropout(ctx, node, X, ratio_in=None, training_mode=None, *, seed=0, ratio=0.5, is_test=1):
    _only_first_output(ctx, node)
    if training_mode and (ctx.const(training_mode) is None or bool(ctx.const(training_mode))):
        raise ctx.error(node, "Dropout in training mode is not supported")
    ctx.emit(node, "dropout", [X], node.output[:1])


def Slice(ctx, node, data, starts, ends, axes=None, steps=None):
    shape = ctx.shape(data)
    rank = len(shape)
    vals = [ctx.const(v) for v in (starts, ends, axes, steps)]
    if any(v is None for v, name in zip(vals, (starts, ends, axes, steps)) if name):
        raise ctx.error(node, "starts, ends, axes and steps must be constants")
    st, en = vals[0].tolist(), vals[1].tolist()
    ax = vals[2].tolist() if axes else list(range(len(st)))
    sp = vals[3].tolist() if steps else [1] * len(st)
    begin, size, strides = [0] * rank, list(shape), [1] * rank
    for a, b, e, step in zip(ax, st, en, sp):
        a = _axis(ctx, node, a, rank)
        d = shape[a]
        if step == 0:
            raise ctx.error(node, "Slice step 0")
        b, e = (b + d if b < 0 else b), (e + d if e < 0 else e)
        if step > 0:
            b, e = min(max(b, 0), d), min(max(e, 0), d)
        else:
            b, e = min(max(b, 0), d - 1), min(max(e, -1), d - 1)
        n = max(0, -(-(e - b) // step))
        if n == 0:
            raise ctx.error(node, "Slice gives an empty tensor")
        begin[a], size[a], strides[a] = int(b), int(n), int(step)
    ctx.emit(node, "strided_slice", [data], node.output, begin=tuple(begin), size=tuple(size),
             strides=tuple(strides))


def Split(ctx, node, X, split_in=None, *, axis=0, split=None, num_outputs=None):
    shape = ctx.shape(X)
    axis = _axis(ctx, node, axis, len(shape))
    offset = 0
    for y in node.output:
        n = ctx.shape(y)[axis]
        begin = [0] * len(shape)
        begin[axis] = offset
        size = list(shape)
        size[axis] = n
        ctx.emit(node, "strided_slice", [X], [y], begin=tuple(begin), size=tuple(size),
                 strides=(1,) * len(shape))
        offset += n


def Gather(ctx, node, data, indices, *, axis=0):
    idx = ctx.const(indices)
    if idx is None or ctx.const(data) is not None:
        raise ctx.error(node, "only Gather of a run-time tensor with constant indices is supported")
    shape = ctx.shape(data)
    rank = len(shape)
    axis = _axis(ctx, node, axis, rank)
    flat = [int(i) + shape[axis] if int(i) < 0 else int(i) for i in np.asarray(idx).reshape(-1)]
    if idx.ndim > 1 or not flat:
        raise ctx.error(node, "Gather indices must be a scalar or a 1-D list")
    step = flat[1] - flat[0] if len(flat) > 1 else 1
    if step != 0 and all(b - a == step for a, b in zip(flat, flat[1:])):
        begin, size, strides = [0] * rank, list(shape), [1] * rank
        begin[axis], size[axis], strides[axis] = flat[0], len(flat), step
        ctx.emit(node, "strided_slice", [data], node.output, begin=tuple(begin), size=tuple(size),
                 strides=tuple(strides))
        return
    parts = []
    for i in flat:
        size = list(shape)
        size[axis] = 1
        begin = [0] * rank
        begin[axis] = i
        part = ctx.tmp(node.output[0] + f"_g{i}", size)
        ctx.emit(node, "strided_slice", [data], [part], begin=tuple(begin), size=tuple(size), strides=(1,) * rank)
        parts.append(part)
    ctx.emit(node, "concat", parts, node.output, axis=axis)


def Transpose(ctx, node, X, *, perm=None):
    rank = len(ctx.shape(X))
    perm = tuple(perm) if perm is not None else tuple(reversed(range(rank)))
    ctx.emit(node, "transpose", [X], node.output, perm=perm)


def Concat(ctx, node, *inputs, axis=0):
    rank = len(ctx.shape(node.output[0]))
    ctx.emit(node, "concat", [x for x in inputs if x], node.output, axis=_axis(ctx, node, axis, rank))


def Pad(ctx, node, X, pads_in=None, value_in=None, axes_in=None, *, mode="constant", pads=None, value=0.0):
    if mode not in ("constant", "reflect", "edge"):
        raise ctx.error(node, f"Pad mode '{mode}' is not supported (constant, reflect, edge)")
    rank = len(ctx.shape(X))
    if pads_in:
        if ctx.const(pads_in) is None:
            raise ctx.error(node, "pads must be a constant")
        pads = ctx.const(pads_in).tolist()
    if value_in:
        if ctx.const(value_in) is None:
            raise ctx.error(node, "constant_value must be a constant")
        value = float(ctx.const(value_in))
    axes = list(range(rank))
    if axes_in:
        axes = [_axis(ctx, node, a, rank) for a in ctx.const(axes_in).tolist()]
    full = [[0, 0] for _ in range(rank)]
    for i, a in enumerate(axes):
        full[a] = [int(pads[i]), int(pads[i + len(axes)])]
    if any(b < 0 or e < 0 for b, e in full):
        raise ctx.error(node, "negative pads are not supported")
    if mode != "constant":  # tinyc.ops.pad_edge
        ctx.emit(node, "pad_edge", [X], node.output, pads=tuple(tuple(p) for p in full), mode=mode)
        return
    ctx.emit(node, "pad", [X], node.output, pads=tuple(tuple(p) for p in full), value=float(value))


def Resize(ctx, node, X, roi=None, scales=None, sizes=None, *, mode="nearest", antialias=0, axes=None,
           coordinate_transformation_mode="half_pixel", cubic_coeff_a=-0.75, exclude_outside=0,
           extrapolation_value=0.0, keep_aspect_ratio_policy="stretch", nearest_mode="round_prefer_floor"):
    if mode == "linear":
        return _resize_linear(ctx, node, X, scales, coordinate_transformation_mode, antialias)
    _resize(ctx, node, X, mode, coordinate_transformation_mode, nearest_mode)


def _resize_linear(ctx, node, X, scales, ctm, antialias):
    shape_in, shape_out = ctx.shape(X), ctx.shape(node.output[0])
    if len(shape_in) != 4 or shape_in[:2] != shape_out[:2] or antialias:
        raise ctx.error(node, "only linear resize of the spatial dims of a rank-4 input is supported")
    if ctm not in ("half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric"):
        raise ctx.error(node, f"unsupported coordinate_transformation_mode '{ctm}' for linear resize")
    if ctm == "pytorch_half_pixel" and min(shape_out[2:]) == 1:
        raise ctx.error(node, "pytorch_half_pixel resize to a size of 1 is not supported")
    sc = ctx.const(scales) if scales else None
    scale = None
    if sc is not None and sc.size == 4:  # the coordinate transform uses the given scales, not out / in
        scale = tuple(float(1.0 / np.float32(v)) for v in sc.reshape(-1)[2:])
    ctx.emit(node, "resize_bilinear", [X], node.output, size=tuple(shape_out[2:]),
             align_corners=ctm == "align_corners", half_pixel_centers=ctm in ("half_pixel", "pytorch_half_pixel"),
             scale=scale, ctm=ctm, layout="NCHW")


def Upsample(ctx, node, X, scales_in=None, *, mode="nearest", scales=None):
    _resize(ctx, node, X, mode, "asymmetric", "floor")


def _resize(ctx, node, X, mode, ctm, nearest_mode):
    shape_in, shape_out = ctx.shape(X), ctx.shape(node.output[0])
    if mode != "nearest":
        raise ctx.error(node, f"resize mode '{mode}' is not supported (nearest, linear)")
    if len(shape_in) != 4 or shape_in[:2] != shape_out[:2]:
        raise ctx.error(node, "only nearest resize of the spatial dims of a rank-4 input is supported")
    ratios = [shape_out[i] / shape_in[i] for i in (2, 3)]
    integer = all(r == int(r) and r >= 1 for r in ratios)
    if ctm == "asymmetric" and nearest_mode == "floor":
        hpc = False
    elif ctm in ("half_pixel", "pytorch_half_pixel") and (nearest_mode == "round_prefer_ceil" or integer):
        hpc = True
    else:
        raise ctx.error(node, f"unsupported coordinate_transformation_mode/nearest_mode '{ctm}'/'{nearest_mode}'")
    ctx.emit(node, "resize_nearest", [X], node.output, size=tuple(shape_out[2:]), align_corners=False,
             half_pixel_centers=hpc, layout="NCHW")
