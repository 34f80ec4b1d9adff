"""ONNX ops of transformers: LayerNormalization, MatMul of two activations (registered in onnx_ops.OPS).

LayerNormalization becomes the float IR ops a TFLite converter emits for it
(mean, sub, mul, mean, add eps, rsqrt, mul, mul scale, add bias), so int8
LayerNorm has the same arithmetic on both paths and token tiling applies.
"""
from __future__ import annotations

import numpy as np

from tinyc.frontend.onnx_helpers import NO_ACT


def LayerNormalization(ctx, node, X, Scale, B=None, *, axis=-1, epsilon=1e-5, stash_type=1):
    shape = ctx.shape(X)
    rank = len(shape)
    if axis % rank != rank - 1:
        raise ctx.error(node, f"only normalization over the last axis is supported, not axis={axis}")
    if any(y for y in node.output[1:]):
        raise ctx.error(node, "the Mean / InvStdDev outputs are not supported")
    for name, what in ((Scale, "Scale"), (B, "B")):
        if name and ctx.const(name) is None:
            raise ctx.error(node, f"{what} must be a constant")
    last = (rank - 1,)
    red = (*shape[:-1], 1)
    base = node.name or "layernorm"
    m = ctx.tmp(f"{base}_mean", red)
    ctx.emit(node, "mean", [X], [m], axes=last, keepdims=True)
    d = ctx.tmp(f"{base}_centered", shape)
    ctx.emit(node, "sub", [X, m], [d], act=NO_ACT)
    d2 = ctx.tmp(f"{base}_squared", shape)
    ctx.emit(node, "mul", [d, d], [d2], act=NO_ACT)
    v = ctx.tmp(f"{base}_var", red)
    ctx.emit(node, "mean", [d2], [v], axes=last, keepdims=True)
    ve = ctx.tmp(f"{base}_var_eps", red)
    ctx.emit(node, "add", [v, ctx.add_const(f"{base}_eps", np.float32(epsilon))], [ve], act=NO_ACT)
    r = ctx.tmp(f"{base}_rsqrt", red)
    ctx.emit(node, "rsqrt", [ve], [r])
    nrm = ctx.tmp(f"{base}_norm", shape)
    ctx.emit(node, "mul", [d, r], [nrm], act=NO_ACT)
    out = node.output[0]
    if B:
        sc = ctx.tmp(f"{base}_scaled", shape)
        ctx.emit(node, "mul", [nrm, Scale], [sc], act=NO_ACT)
        ctx.emit(node, "add", [sc, B], [out], act=NO_ACT)
    else:
        ctx.emit(node, "mul", [nrm, Scale], [out], act=NO_ACT)


def matmul(fallback):
    """MatMul: a constant 2-D B stays a fully connected layer; two activations give batch_matmul."""
    def MatMul(ctx, node, A, B):
        if ctx.const(B) is not None or ctx.is_weight(B):  # a constant, or a DequantizeLinear of one
            return fallback(ctx, node, A, B)
        if len(ctx.shape(A)) < 2 or len(ctx.shape(B)) < 2:
            raise ctx.error(node, "MatMul of two activations needs rank >= 2 inputs")
        ctx.emit(node, "batch_matmul", [A, B], node.output, adj_x=False, adj_y=False)
    return MatMul
