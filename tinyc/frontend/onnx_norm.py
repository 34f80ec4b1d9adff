"""ONNX normalisation and reduction ops spelled out by PyTorch exports (registered in onnx_ops.OPS).

- InstanceNormalization (nn.InstanceNorm*, and nn.GroupNorm's Reshape -> InstanceNormalization ->
  Reshape -> Mul -> Add) becomes one int8 group_norm op (tinyc.ops.group_norm), one rounding.
- Pow by 2 / 3 is mul(x, x) (and by x again); Pow by 0.5 / -0.5 is sqrt / rsqrt.
- Div by a run-time tensor is only supported where the divisor is a Sqrt (optionally behind a Clip
  to a tiny minimum or an Expand): a / sqrt(b) becomes mul(a, rsqrt(b)), as LayerNorm is computed.
  This covers hand-written LayerNorm (x - u) / sqrt(var + eps) and L2 normalisation
  x / sqrt(sum(x^2)) and F.normalize (x / Expand(Clip(ReduceL2(x), eps))): the Clip minimum
  (<= 1e-6 of the divisor's range) is below int8 resolution and dropped.
- ReduceSum is mean times the element count; ReduceL2 is sqrt of that on x*x; ReduceMax over the
  spatial axes is a global max pool (over NCHW channels: of the transposed tensor, pixels as channels).
- Expand is a mul by ones of the output shape (exact); DepthToSpace / SpaceToDepth are the
  reshape -> transpose -> reshape of their definition.
- Max / Min of two tensors are a + relu(b - a) / a - relu(a - b); Abs, Exp, Log, Neg, Reciprocal,
  Sin, Cos are table ops (tinyc.ops.float_lut); GlobalAveragePool / GlobalMaxPool of NCL and
  nn.ConvTranspose1d run as their 2-D forms with H = 1.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from tinyc.frontend.onnx_helpers import NO_ACT, _axes

CLIP_EPS_MAX = 1e-6


def _count(ctx, X, axes) -> int:
    return int(np.prod([ctx.shape(X)[a] for a in axes]))


def ReduceSum(ctx, node, X, axes_in=None, *, keepdims=1, noop_with_empty_axes=0):
    axes = _axes(ctx, node, X, axes_in, None, noop_with_empty_axes)
    if not axes:
        ctx.emit(node, "identity", [X], node.output)
        return
    out = node.output[0]
    m = ctx.tmp(out + "_mean", ctx.shape(out))
    ctx.emit(node, "mean", [X], [m], axes=axes, keepdims=bool(keepdims))
    ctx.emit(node, "mul", [m, ctx.add_const(out + "_count", np.float32(_count(ctx, X, axes)))], [out], act=NO_ACT)


def ReduceSumSquare(ctx, node, X, axes_in=None, *, axes=None, keepdims=1, noop_with_empty_axes=0):
    _sum_square(ctx, node, X, node.output[0], _axes(ctx, node, X, axes_in, axes, noop_with_empty_axes), keepdims)


def _sum_square(ctx, node, X, out, axes, keepdims):
    sq = ctx.tmp(out + "_sq", ctx.shape(X))
    ctx.emit(node, "mul", [X, X], [sq], act=NO_ACT)
    if not axes:
        ctx.emit(node, "identity", [sq], [out])
        return
    m = ctx.tmp(out + "_mean", ctx.g.t(out).shape if out in ctx.g.tensors else ctx.shape(out))
    ctx.emit(node, "mean", [sq], [m], axes=axes, keepdims=bool(keepdims))
    ctx.emit(node, "mul", [m, ctx.add_const(out + "_count", np.float32(_count(ctx, X, axes)))], [out], act=NO_ACT)


def ReduceL2(ctx, node, X, axes_in=None, *, axes=None, keepdims=1, noop_with_empty_axes=0):
    out = node.output[0]
    ss = ctx.tmp(out + "_sumsq", ctx.shape(out))
    _sum_square(ctx, node, X, ss, _axes(ctx, node, X, axes_in, axes, noop_with_empty_axes), keepdims)
    ctx.emit(node, "sqrt", [ss], [out])


def ReduceMax(ctx, node, X, axes_in=None, *, axes=None, keepdims=1, noop_with_empty_axes=0):
    shape = ctx.shape(X)
    rank = len(shape)
    axes = _axes(ctx, node, X, axes_in, axes, noop_with_empty_axes)
    out = node.output[0]
    if rank == 4 and axes == (2, 3):
        x4 = X
    elif rank == 3 and axes == (2,):
        x4 = ctx.tmp(X + "_2d", (shape[0], shape[1], 1, shape[2]))
        ctx.emit(node, "reshape", [X], [x4])
    elif rank == 3 and axes == (1,):
        xt = ctx.tmp(X + "_t", (shape[0], shape[2], shape[1]))
        ctx.emit(node, "transpose", [X], [xt], perm=(0, 2, 1))
        x4 = ctx.tmp(X + "_2d", (shape[0], shape[2], 1, shape[1]))
        ctx.emit(node, "reshape", [xt], [x4])
    elif rank == 4 and axes == (1,):  # max over channels (CBAM's spatial attention): pixels as the channels
        n, c, h, w = shape
        xt = ctx.tmp(X + "_t", (n, h, w, c))
        ctx.emit(node, "transpose", [X], [xt], perm=(0, 2, 3, 1))
        x4 = ctx.tmp(X + "_2d", (n, h * w, 1, c))
        ctx.emit(node, "reshape", [xt], [x4])
    else:
        raise ctx.error(node, f"ReduceMax over axes {list(axes)} of a rank-{rank} tensor is not supported "
                              "(the spatial or channel axes of NCHW, the length of NCL, the time axis of NTC)")
    n, c, h, w = ctx.g.t(x4).shape if x4 != X else shape
    pooled = out if keepdims and rank == 4 and axes == (2, 3) else ctx.tmp(out + "_pooled", (n, c, 1, 1))
    ctx.emit(node, "max_pool2d", [x4], [pooled], kernel=(h, w), strides=(1, 1), pads=(0, 0, 0, 0), act=NO_ACT,
             layout="NCHW")
    if pooled != out:
        ctx.emit(node, "reshape", [pooled], [out])


def Pow(ctx, node, X, Y):
    e = ctx.const(Y)
    if e is None or e.size != 1:
        raise ctx.error(node, "Pow needs a constant scalar exponent")
    e = float(e.reshape(-1)[0])
    out = node.output[0]
    if e == 2.0:
        ctx.emit(node, "mul", [X, X], [out], act=NO_ACT)
    elif e == 3.0:
        sq = ctx.tmp(out + "_sq", ctx.shape(X))
        ctx.emit(node, "mul", [X, X], [sq], act=NO_ACT)
        ctx.emit(node, "mul", [X, sq], [out], act=NO_ACT)
    elif e == 1.0:
        ctx.emit(node, "identity", [X], [out])
    elif e == 0.5:
        ctx.emit(node, "sqrt", [X], [out])
    elif e == -0.5:
        ctx.emit(node, "rsqrt", [X], [out])
    else:
        raise ctx.error(node, f"Pow exponent {e:g} is not supported (2, 3, 1, 0.5, -0.5)")


def Sqrt(ctx, node, X):
    ctx.emit(node, "sqrt", [X], node.output)


def Expand(ctx, node, X, shape):
    out = node.output[0]
    ones = ctx.add_const(out + "_ones", np.ones(ctx.shape(out), np.float32))
    ctx.emit(node, "mul", [X, ones], [out], act=NO_ACT)


def _sqrt_source(ctx, name):
    """b if `name` is sqrt(b), possibly behind a clamp to a tiny minimum and an Expand (mul by ones)."""
    g = ctx.g
    p = g.producer(name)
    if p is not None and p.op == "mul" and g.t(p.inputs[1]).is_const and np.all(g.t(p.inputs[1]).data == 1):
        p = g.producer(p.inputs[0])
    if p is not None and p.op == "clamp":
        lo, hi = p.attrs["act"]
        if hi != math.inf or not 0 <= lo <= CLIP_EPS_MAX:
            return None
        p = g.producer(p.inputs[0])
    return p.inputs[0] if p is not None and p.op == "sqrt" else None


def div(fallback):
    """Div: by a constant as before; by sqrt(b) as mul(a, rsqrt(b)); any other divisor is an error."""
    def Div(ctx, node, A, B):
        if ctx.const(B) is not None:
            return fallback(ctx, node, A, B)
        src = _sqrt_source(ctx, B)
        if src is None:
            raise ctx.error(node, "division by a run-time tensor is only supported for a Sqrt divisor "
                                  "(LayerNorm / L2 normalisation); other divisors need a constant")
        r = ctx.tmp(B + "_rsqrt", ctx.g.t(src).shape)
        ctx.emit(node, "rsqrt", [src], [r])
        ctx.emit(node, "mul", [A, r], node.output, act=NO_ACT)
    return Div


def InstanceNormalization(ctx, node, X, scale, B, *, epsilon=1e-5):
    """One int8 group_norm op (tinyc.ops.group_norm): groups = channels on NCHW; on NCL the 2-D form
    with H = 1, unless the NCL input is nn.GroupNorm's Reshape of an NCHW tensor to [1, G, C/G*H*W]:
    then group_norm runs on that NCHW tensor with G groups (fold_norm_affine later takes in the
    per-channel Mul / Add that follow the Reshape back)."""
    shape = ctx.shape(X)
    for name, what in ((scale, "scale"), (B, "B")):
        if ctx.const(name) is None:
            raise ctx.error(node, f"{what} must be a constant")
    sc, bi = ctx.const(scale).astype(np.float64).reshape(-1), ctx.const(B).astype(np.float64).reshape(-1)
    attrs = dict(epsilon=float(epsilon), layout="NCHW")
    out = node.output[0]
    if len(shape) == 4:
        ctx.emit(node, "group_norm", [X], [out], groups=shape[1], gamma=sc.tolist(), beta=bi.tolist(), **attrs)
        return
    if len(shape) != 3 or shape[0] != 1:
        raise ctx.error(node, f"InstanceNormalization of a rank-{len(shape)} input is not supported (NCHW or NCL)")
    p = ctx.g.producer(X)
    src = ctx.g.t(p.inputs[0]).shape if p is not None and p.op == "reshape" else ()
    if len(src) == 4 and src[0] == 1 and src[1] % shape[1] == 0 and src[1] * src[2] * src[3] == shape[1] * shape[2]:
        k = src[1] // shape[1]
        y4 = ctx.tmp(out + "_groups", src)
        ctx.emit(node, "group_norm", [p.inputs[0]], [y4], groups=shape[1], gamma=np.repeat(sc, k).tolist(),
                 beta=np.repeat(bi, k).tolist(), **attrs)
    else:
        x4 = ctx.tmp(X + "_2d", (1, shape[1], 1, shape[2]))
        ctx.emit(node, "reshape", [X], [x4])
        y4 = ctx.tmp(out + "_2d", (1, shape[1], 1, shape[2]))
        ctx.emit(node, "group_norm", [x4], [y4], groups=shape[1], gamma=sc.tolist(), beta=bi.tolist(), **attrs)
    ctx.emit(node, "reshape", [y4], [out])


def DepthToSpace(ctx, node, X, *, blocksize, mode="DCR"):
    n, c, h, w = ctx.shape(X)
    b = int(blocksize)
    if mode == "DCR":
        split, perm = (n, b, b, c // (b * b), h, w), (0, 3, 4, 1, 5, 2)
    else:
        split, perm = (n, c // (b * b), b, b, h, w), (0, 1, 4, 2, 5, 3)
    _reshape_transpose_reshape(ctx, node, X, split, perm)


def SpaceToDepth(ctx, node, X, *, blocksize):
    n, c, h, w = ctx.shape(X)
    b = int(blocksize)
    _reshape_transpose_reshape(ctx, node, X, (n, c, h // b, b, w // b, b), (0, 3, 5, 1, 2, 4))


def _reshape_transpose_reshape(ctx, node, X, split, perm):
    out = node.output[0]
    a = ctx.tmp(out + "_split", split)
    ctx.emit(node, "reshape", [X], [a])
    t = ctx.tmp(out + "_perm", tuple(split[p] for p in perm))
    ctx.emit(node, "transpose", [a], [t], perm=perm)
    ctx.emit(node, "reshape", [t], [out])


def _rank3_as_2d(fallback, what):
    """fallback on NCL inputs as its 2-D form with H = 1 (GlobalAveragePool / GlobalMaxPool of a Conv1d net)."""
    def op(ctx, node, X):
        if len(ctx.shape(X)) != 3:
            return fallback(ctx, node, X)
        n, c, length = ctx.shape(X)
        out = node.output[0]
        x4, y4 = ctx.tmp(X + "_2d", (n, c, 1, length)), ctx.tmp(out + "_2d", (n, c, 1, 1))
        ctx.shapes[x4], ctx.shapes[y4] = (n, c, 1, length), (n, c, 1, 1)
        ctx.emit(node, "reshape", [X], [x4])
        inner = type(node)()
        inner.CopyFrom(node)
        inner.output[0] = y4
        fallback(ctx, inner, x4)
        ctx.emit(node, "reshape", [y4], [out])
    op.__name__ = what
    return op


def conv_transpose_1d(fallback):
    """ConvTranspose of NCL (nn.ConvTranspose1d) as the 2-D op with H = 1; 2-D as before."""
    @functools.wraps(fallback)  # the loader checks attributes against fallback's keyword-only parameters
    def ConvTranspose(ctx, node, X, W, B=None, **attrs):
        if len(ctx.shape(X)) != 3:
            return fallback(ctx, node, X, W, B, **attrs)
        from tinyc.frontend.onnx_window import _one_d
        if attrs.get("output_padding") is not None:
            attrs["output_padding"] = [0, *attrs["output_padding"]]
        if attrs.get("output_shape") is not None:
            raise ctx.error(node, "ConvTranspose with output_shape is not supported")
        return _one_d(ctx, node, fallback, X, W, B, **attrs)
    return ConvTranspose


def _max_min(ctx, node, inputs, sign):
    """Max / Min of two tensors: max(a, b) = a + relu(b - a), min(a, b) = a - relu(a - b) (broadcasting,
    either operand constant); int8 then rounds three times."""
    if len(inputs) == 1:
        ctx.emit(node, "identity", inputs, node.output)
        return
    if len(inputs) != 2:
        raise ctx.error(node, f"{node.op_type} of {len(inputs)} inputs is not supported (1 or 2)")
    a, b = inputs
    out = node.output[0]
    shape = ctx.shape(out)
    diff, pos = ctx.tmp(out + "_diff", shape), ctx.tmp(out + "_relu", shape)
    ctx.emit(node, "sub", [b, a] if sign > 0 else [a, b], [diff], act=NO_ACT)
    ctx.emit(node, "clamp", [diff], [pos], act=(0.0, math.inf))
    ctx.emit(node, "add" if sign > 0 else "sub", [a, pos], [out], act=NO_ACT)


def Max(ctx, node, *inputs):
    _max_min(ctx, node, [x for x in inputs if x], +1)


def Min(ctx, node, *inputs):
    _max_min(ctx, node, [x for x in inputs if x], -1)


def _unary(op):
    def fn(ctx, node, X):
        ctx.emit(node, op, [X], node.output)
    return fn


Abs, Exp, Log, Neg, Reciprocal, Sin, Cos = (_unary(o) for o in ("abs", "exp", "log", "neg", "reciprocal", "sin",
                                                                  "cos"))
