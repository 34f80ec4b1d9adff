"""One function per supported ONNX op: ONNX node -> IR nodes (float, NCHW).

Each function is named exactly like the ONNX op. Positional parameters are
the node's inputs (tensor names, None when absent); keyword-only parameters
are its attributes with ONNX's defaults. A function appends IR nodes through
`ctx.emit` and writes the node's outputs under their ONNX names. `OPS` is the
registry the loader dispatches through; the ops live in this module (fully
connected, reductions, softmax, index results, quantization) and its siblings:
onnx_window (Conv, ConvTranspose, BatchNormalization, pooling), onnx_activation
(activations, elementwise arithmetic), onnx_data_ops, onnx_norm, onnx_rnn and
onnx_transformer.
"""
from __future__ import annotations

import sys

import numpy as np

from tinyc.frontend.onnx_helpers import NO_ACT, _axes, _axis, _require_weight, ops_of
from tinyc.ir import QParams


# -- helpers -----------------------------------------------------------------
def _qparams(ctx, node, scale, zero_point, axis, rank):
    s = ctx.const(scale)
    if s is None or (zero_point and ctx.const(zero_point) is None):
        raise ctx.error(node, "scale and zero point must be constants")
    zp = ctx.const(zero_point) if zero_point else np.zeros_like(s, dtype=np.uint8)
    if s.size > 1:
        return QParams(s.astype(np.float32), zp.astype(np.int64), _axis(ctx, node, axis, rank)), zp.dtype
    return QParams(s.reshape(()).astype(np.float32), zp.reshape(()).astype(np.int64)), zp.dtype



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



# -- reductions -----------------------------------------------------------------
def ReduceMean(ctx, node, X, axes_in=None, *, axes=None, keepdims=1, noop_with_empty_axes=0):
    axes = _axes(ctx, node, X, axes_in, axes, noop_with_empty_axes)
    if not axes and noop_with_empty_axes:
        ctx.emit(node, "identity", [X], node.output)
        return
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


from tinyc.frontend import onnx_activation, onnx_data_ops, onnx_norm, onnx_window  # noqa: E402
from tinyc.frontend.onnx_rnn import GRU, LSTM  # noqa: E402  (registered here, defined in their own module)
from tinyc.frontend.onnx_transformer import LayerNormalization, matmul  # noqa: E402

# Later entries override earlier ones: onnx_norm wraps a few ops for rank-3 inputs and more cases.
OPS = {**ops_of(sys.modules[__name__]), **ops_of(onnx_window), **ops_of(onnx_activation), **ops_of(onnx_data_ops)}
OPS.update(LSTM=LSTM, GRU=GRU)
OPS.update(LayerNormalization=LayerNormalization, MatMul=matmul(MatMul))
OPS.update(ops_of(onnx_norm))  # normalisation, reductions, Pow/Sqrt/Div, Expand
OPS.update(Div=onnx_norm.div(onnx_activation.Div), ConvTranspose=onnx_norm.conv_transpose_1d(onnx_window.ConvTranspose),
           GlobalAveragePool=onnx_norm._rank3_as_2d(onnx_window.GlobalAveragePool, "GlobalAveragePool"),
           GlobalMaxPool=onnx_norm._rank3_as_2d(onnx_window.GlobalMaxPool, "GlobalMaxPool"),
           **{k: getattr(onnx_norm, k) for k in ("Abs", "Exp", "Log", "Neg", "Reciprocal", "Sin", "Cos")})
