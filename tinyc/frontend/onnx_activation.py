"""ONNX activations and elementwise arithmetic (float): one function per op.

See onnx_ops.py for the calling convention. Registered in onnx_ops.OPS.
"""
from __future__ import annotations

import math

import numpy as np

from tinyc.frontend.onnx_helpers import NO_ACT


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

