"""One function per supported ONNX op: ONNX node -> IR nodes (float, NCHW).

Each function is named exactly like the ONNX op. Positional parameters are
the node's inputs (tensor names, None when absent); keyword-only parameters
are its attributes with ONNX's defaults. A function appends IR nodes through
`ctx.emit` and writes the node's outputs under their ONNX names. `OPS` is the
registry the loader dispatches through.
"""
from __future__ import annotations

import math

import numpy as np

from tinyc.frontend.onnx_helpers import _axis, _only_first_output
from tinyc.ir import QParams

NO_ACT = (-math.inf, math.inf)


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


def _require_weight(ctx, node, name, what):
    if not ctx.is_weight(name):
        raise ctx.error(node, f"{what} must be a constant (or a DequantizeLinear of one)")


def _qparams(ctx, node, scale, zero_point, axis, rank):
    s = ctx.const(scale)
    if s is None or (zero_point and ctx.const(zero_point) is None):
        raise ctx.error(node, "scale and zero point must be constants")
    zp = ctx.const(zero_point) if zero_point else np.zeros_like(s, dtype=np.uint8)
    if s.size > 1:
        return QParams(s.astype(np.float32), zp.astype(np.int64), _axis(ctx, node, axis, rank)), zp.dtype
    return QParams(s.reshape(()).astype(np.float32), zp.reshape(()).astype(np.int64)), zp.dtype


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


# -- activations --------------------------------------------------------------
def Relu(ctx, node, X):
    ctx.emit(node, "clamp", [X], node.output, act=(0.0, math.inf))


def Clip(ctx, node, X, lo=None, hi=None, *, min=None, max=None):
    lo_v = ctx.const(lo) if lo else min
    hi_v = ctx.const(hi) if hi else max
    if (lo and lo_v is None) or (hi and hi_v is None):
        raise ctx.error(node, "Clip min/max must be constants")
    act = (-math.inf if lo_v is None else float(lo_v), math.inf if hi_v is None else float(hi_v))
    ctx.emit(node, "clamp", [X], node.output, act=act)


def Sigmoid(ctx, node, X):
    ctx.emit(node, "logistic", [X], node.output)


def HardSwish(ctx, node, X):
    ctx.emit(node, "hard_swish", [X], node.output)


def HardSigmoid(ctx, node, X, *, alpha=0.2, beta=0.5):
    shape = ctx.shape(X)
    t1 = ctx.tmp(node.output[0] + "_scaled", shape)
    t2 = ctx.tmp(node.output[0] + "_shifted", shape)
    ctx.emit(node, "mul", [X, ctx.add_const("hard_sigmoid_alpha", np.float32(alpha))], [t1], act=NO_ACT)
    ctx.emit(node, "add", [t1, ctx.add_const("hard_sigmoid_beta", np.float32(beta))], [t2], act=NO_ACT)
    ctx.emit(node, "clamp", [t2], node.output, act=(0.0, 1.0))


def Erf(ctx, node, X):
    ctx.emit(node, "erf", [X], node.output)


def Gelu(ctx, node, X, *, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise ctx.error(node, f"Gelu approximate='{approximate}' is not supported (none, tanh)")
    ctx.emit(node, "gelu", [X], node.output, approximate=approximate == "tanh")


def Elu(ctx, node, X, *, alpha=1.0):
    ctx.emit(node, "elu", [X], node.output, alpha=float(alpha))


def Selu(ctx, node, X, *, alpha=1.67326319217681884765625, gamma=1.05070102214813232421875):
    ctx.emit(node, "selu", [X], node.output, alpha=float(alpha), gamma=float(gamma))


def Softplus(ctx, node, X):
    ctx.emit(node, "softplus", [X], node.output)


def Mish(ctx, node, X):
    ctx.emit(node, "mish", [X], node.output)


def PRelu(ctx, node, X, slope):
    if ctx.const(slope) is None:
        raise ctx.error(node, "PRelu slope must be a constant")
    ctx.emit(node, "prelu", [X, slope], node.output, act=NO_ACT)


def LeakyRelu(ctx, node, X, *, alpha=0.01):
    ctx.emit(node, "leaky_relu", [X], node.output, alpha=float(alpha))


def Tanh(ctx, node, X):
    ctx.emit(node, "tanh", [X], node.output)


# -- elementwise --------------------------------------------------------------
def Add(ctx, node, A, B):
    ctx.emit(node, "add", [A, B], node.output, act=NO_ACT)


def Mul(ctx, node, A, B):
    ctx.emit(node, "mul", [A, B], node.output, act=NO_ACT)


def Sub(ctx, node, A, B):
    ctx.emit(node, "sub", [A, B], node.output, act=NO_ACT)


def Div(ctx, node, A, B):
    if ctx.const(B) is None:
        raise ctx.error(node, "only division by a constant is supported")
    ctx.emit(node, "div", [A, B], node.output, act=NO_ACT)


# -- fully connected ------------------------------------------------------------
def MatMul(ctx, node, A, B):
    _require_weight(ctx, node, B, "second input")
    if len(ctx.shape(B)) != 2:
        raise ctx.error(node, "second input must be a 2-D matrix")
    ctx.emit(node, "fully_connected", [A, B, ""], node.output, act=NO_ACT, w_layout="KC")


def Gemm(ctx, node, A, B, C=None, *, alpha=1.0, beta=1.0, transA=0, transB=0):
    _require_weight(ctx, node, B, "B")
    out = node.output[0]
    if transA:
        m, k = ctx.shape(A)
        at = ctx.tmp(A + "_T", (k, m))
        ctx.emit(node, "transpose", [A], [at], perm=(1, 0))
        A = at
    scale_w = alpha != 1.0 and ctx.const(B) is not None
    if scale_w:
        B = ctx.add_const(B + "_alpha", (ctx.const(B) * np.float32(alpha)).astype(np.float32))
    mul_after = alpha != 1.0 and not scale_w
    n_out = ctx.shape(out)[-1]
    bias = ""
    if C is not None and not mul_after and ctx.const(C) is not None and ctx.const(C).size == n_out \
            and ctx.shape(C)[-1:] == (n_out,):
        c = ctx.const(C).reshape(n_out) * np.float32(beta)
        bias, C = ctx.add_const(C + "_bias", c.astype(np.float32)), None
    fc_out = out if C is None and not mul_after else ctx.tmp(out + "_fc", ctx.shape(out))
    ctx.emit(node, "fully_connected", [A, B, bias], [fc_out], act=NO_ACT, w_layout="CK" if transB else "KC")
    if mul_after:
        scaled = out if C is None else ctx.tmp(out + "_alpha", ctx.shape(out))
        ctx.emit(node, "mul", [fc_out, ctx.add_const("gemm_alpha", np.float32(alpha))], [scaled], act=NO_ACT)
        fc_out = scaled
    if C is not None:
        if beta != 1.0:
            if ctx.const(C) is None:
                raise ctx.error(node, "beta != 1 needs a constant C")
            C = ctx.add_const(C + "_beta", (ctx.const(C) * np.float32(beta)).astype(np.float32))
        ctx.emit(node, "add", [fc_out, C], [out], act=NO_ACT)


# -- pooling --------------------------------------------------------------------
def MaxPool(ctx, node, X, *, auto_pad="NOTSET", ceil_mode=0, dilations=None, kernel_shape=None, pads=None,
            storage_order=0, strides=None):
    _only_first_output(ctx, node)
    if len(ctx.shape(X)) == 3:
        return _one_d(ctx, node, MaxPool, X, auto_pad=auto_pad, ceil_mode=ceil_mode, dilations=dilations,
                      kernel_shape=kernel_shape, pads=pads, storage_order=storage_order, strides=strides)
    k = tuple(kernel_shape)
    s, d, p = _spatial(ctx, node, X, k, strides, dilations, pads, auto_pad)
    if d != (1, 1):
        raise ctx.error(node, "dilated pooling is not supported")
    if ceil_mode:
        p = _ceil_pads(ctx, node, X, k, s, p)
    ctx.emit(node, "max_pool2d", [X], node.output, kernel=k, strides=s, pads=p, act=NO_ACT, layout="NCHW")


def AveragePool(ctx, node, X, *, auto_pad="NOTSET", ceil_mode=0, count_include_pad=0, dilations=None,
                kernel_shape=None, pads=None, strides=None):
    if len(ctx.shape(X)) == 3:
        return _one_d(ctx, node, AveragePool, X, auto_pad=auto_pad, ceil_mode=ceil_mode,
                      count_include_pad=count_include_pad, dilations=dilations, kernel_shape=kernel_shape,
                      pads=pads, strides=strides)
    k = tuple(kernel_shape)
    s, d, p = _spatial(ctx, node, X, k, strides, dilations, pads, auto_pad)
    if d != (1, 1):
        raise ctx.error(node, "dilated pooling is not supported")
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


def ReduceMean(ctx, node, X, axes_in=None, *, axes=None, keepdims=1, noop_with_empty_axes=0):
    rank = len(ctx.shape(X))
    if axes_in:
        if ctx.const(axes_in) is None:
            raise ctx.error(node, "axes must be a constant")
        axes = ctx.const(axes_in).tolist()
    if not axes:
        if noop_with_empty_axes:
            ctx.emit(node, "identity", [X], node.output)
            return
        axes = range(rank)
    axes = tuple(sorted(_axis(ctx, node, a, rank) for a in axes))
    ctx.emit(node, "mean", [X], node.output, axes=axes, keepdims=bool(keepdims))


# -- shape and layout -------------------------------------------------------------
def _softmax(ctx, node, X, axis, op):
    shape = ctx.shape(X)
    rank = len(shape)
    if axis is None:
        axis = -1 if ctx.opset >= 13 else 1
    axis = _axis(ctx, node, axis, rank)
    out = node.output[0]
    if axis == rank - 1:
        ctx.emit(node, op, [X], [out], beta=1.0)
    elif ctx.opset < 13:  # softmax over the flattened trailing dims
        flat = (int(np.prod(shape[:axis])), int(np.prod(shape[axis:])))
        a, b = ctx.tmp(out + "_2d", flat), ctx.tmp(out + "_2d_sm", flat)
        ctx.emit(node, "reshape", [X], [a])
        ctx.emit(node, op, [a], [b], beta=1.0)
        ctx.emit(node, "reshape", [b], [out])
    else:  # move the axis last and back
        perm = tuple(i for i in range(rank) if i != axis) + (axis,)
        inv = tuple(int(i) for i in np.argsort(perm))
        moved = tuple(shape[i] for i in perm)
        a, b = ctx.tmp(out + "_last", moved), ctx.tmp(out + "_last_sm", moved)
        ctx.emit(node, "transpose", [X], [a], perm=perm)
        ctx.emit(node, op, [a], [b], beta=1.0)
        ctx.emit(node, "transpose", [b], [out], perm=inv)


def Softmax(ctx, node, X, *, axis=None):
    _softmax(ctx, node, X, axis, "softmax")


def LogSoftmax(ctx, node, X, *, axis=None):
    _softmax(ctx, node, X, axis, "log_softmax")


# -- index results (integer outputs, int32 in tinyc) -------------------------------
def _int32_outputs(ctx, names):
    for y in names:
        if y:
            ctx.g.t(y).dtype = "int32"


def ArgMax(ctx, node, X, *, axis=0, keepdims=1, select_last_index=0):
    ctx.emit(node, "arg_max", [X], node.output, axis=_axis(ctx, node, axis, len(ctx.shape(X))),
             keepdims=bool(keepdims), select_last_index=int(select_last_index))
    _int32_outputs(ctx, node.output)


def ArgMin(ctx, node, X, *, axis=0, keepdims=1, select_last_index=0):
    ctx.emit(node, "arg_max", [X], node.output, axis=_axis(ctx, node, axis, len(ctx.shape(X))),
             keepdims=bool(keepdims), select_last_index=int(select_last_index), smallest=True)
    _int32_outputs(ctx, node.output)


def TopK(ctx, node, X, K, *, axis=-1, largest=1, sorted=1):
    rank = len(ctx.shape(X))
    if ctx.const(K) is None or _axis(ctx, node, axis, rank) != rank - 1:
        raise ctx.error(node, "TopK needs a constant K and the last axis")
    if not sorted:
        raise ctx.error(node, "unsorted TopK is not supported")
    outs = list(node.output)
    if len(outs) != 2 or not all(outs):
        raise ctx.error(node, "TopK needs both outputs (values and indices)")
    ctx.emit(node, "top_k", [X], outs, k=int(ctx.const(K).reshape(-1)[0]), largest=bool(largest))
    _int32_outputs(ctx, outs[1:])


# -- quantization -----------------------------------------------------------------
def _same_q(a: QParams, b: QParams) -> bool:
    return (a.axis == b.axis and a.scale.shape == b.scale.shape and np.array_equal(a.scale, b.scale)
            and np.array_equal(a.zero_point, b.zero_point))


# -- resize -----------------------------------------------------------------------


def QuantizeLinear(ctx, node, X, y_scale, y_zero_point=None, *, axis=1, saturate=1, block_size=0,
                   output_dtype=0):
    if block_size:
        raise ctx.error(node, "blocked quantization is not supported")
    q, _ = _qparams(ctx, node, y_scale, y_zero_point, axis, len(ctx.shape(X)))
    ctx.emit(node, "quantize", [X], node.output)
    ctx.g.t(node.output[0]).q = q


def DequantizeLinear(ctx, node, X, x_scale, x_zero_point=None, *, axis=1, block_size=0):
    if block_size:
        raise ctx.error(node, "blocked quantization is not supported")
    q, _ = _qparams(ctx, node, x_scale, x_zero_point, axis, len(ctx.shape(X)))
    ctx.tensor(X)
    t = ctx.g.t(X)
    if t.q is not None and not _same_q(t.q, q):
        raise ctx.error(node, "DequantizeLinear parameters differ from the QuantizeLinear that made its input")
    t.q = q
    ctx.emit(node, "dequantize", [X], node.output)


OPS = {name: fn for name, fn in dict(globals()).items()
       if callable(fn) and getattr(fn, "__module__", "") == __name__ and name[0].isupper()}

from tinyc.frontend import onnx_data_ops  # noqa: E402  (shape, slice, transpose, concat, pad, resize)

OPS.update({name: fn for name, fn in vars(onnx_data_ops).items()
            if callable(fn) and getattr(fn, "__module__", "") == onnx_data_ops.__name__ and name[0].isupper()})

from tinyc.frontend.onnx_rnn import GRU, LSTM  # noqa: E402  (registered here, defined in their own module)

OPS.update(LSTM=LSTM, GRU=GRU)

from tinyc.frontend.onnx_transformer import LayerNormalization, matmul  # noqa: E402

OPS.update(LayerNormalization=LayerNormalization, MatMul=matmul(MatMul))

from tinyc.frontend import onnx_norm  # noqa: E402  (normalisation, reductions, Pow/Sqrt/Div, Expand)

OPS.update({name: fn for name, fn in vars(onnx_norm).items()
            if callable(fn) and getattr(fn, "__module__", "") == onnx_norm.__name__ and name[0].isupper()})
OPS.update(Div=onnx_norm.div(Div), ConvTranspose=onnx_norm.conv_transpose_1d(ConvTranspose),
           GlobalAveragePool=onnx_norm._rank3_as_2d(GlobalAveragePool, "GlobalAveragePool"),
           GlobalMaxPool=onnx_norm._rank3_as_2d(GlobalMaxPool, "GlobalMaxPool"),
           **{k: getattr(onnx_norm, k) for k in ("Abs", "Exp", "Log", "Neg", "Reciprocal", "Sin", "Cos")})
