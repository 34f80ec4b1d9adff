"""The int8 op registry: one module per op (shape, ref, macs, lower; optional scratch, inplace).

Each module is the Python side of one op: `ref` is the numpy integer
reference that defines tinyc's semantics, and `lower` turns a node into a
kernel Call for templates/ops/. Register new ops here, explicitly.
"""
from __future__ import annotations

from types import ModuleType

from tinyc.ops import conv2d
from tinyc.ops import depthwise_conv2d
from tinyc.ops import fully_connected
from tinyc.ops import concat
from tinyc.ops import dequantize
from tinyc.ops import pad
from tinyc.ops import quantize
from tinyc.ops import reshape
from tinyc.ops import resize_nearest
from tinyc.ops import transpose
from tinyc.ops import add, avg_pool2d, clamp, max_pool2d, mean, mul
from tinyc.ops import hard_swish, logistic, softmax, tanh
from tinyc.ops import log_softmax
from tinyc.ops import batch_matmul, gather, rsqrt, token_stage
from tinyc.ops import erf, gelu, prelu, resize_bilinear
from tinyc.ops import arg_max, top_k
from tinyc.ops import gru_f32, lstm_f32
from tinyc.ops import silu
from tinyc.ops import leaky_relu, strided_slice, sub, transpose_conv
from tinyc.ops import lstm
from tinyc.ops import elu, mish, selu, softplus, sqrt
from tinyc.ops import group_norm, l2_norm, layer_norm, pad_edge
from tinyc.ops import abs, cos, exp, log, neg, reciprocal, sin  # noqa: A004  (op names)
from tinyc.ops import island_lut, maximum, minimum, squared_difference

OPS: dict[str, ModuleType] = {
    "conv2d": conv2d,
    "depthwise_conv2d": depthwise_conv2d,
    "fully_connected": fully_connected,
    "concat": concat,
    "dequantize": dequantize,
    "pad": pad,
    "quantize": quantize,
    "reshape": reshape,
    "resize_nearest": resize_nearest,
    "transpose": transpose,
    "max_pool2d": max_pool2d,
    "avg_pool2d": avg_pool2d,
    "mean": mean,
    "add": add,
    "mul": mul,
    "clamp": clamp,
    "softmax": softmax,
    "log_softmax": log_softmax,
    "logistic": logistic,
    "tanh": tanh,
    "hard_swish": hard_swish,
    "batch_matmul": batch_matmul,
    "gather": gather,
    "gelu": gelu,
    "rsqrt": rsqrt,
    "island_lut": island_lut,
    "squared_difference": squared_difference,
    "maximum": maximum,
    "minimum": minimum,
    "token_stage": token_stage,
    "erf": erf,
    "prelu": prelu,
    "resize_bilinear": resize_bilinear,
    "arg_max": arg_max,
    "top_k": top_k,
    "lstm_f32": lstm_f32,
    "gru_f32": gru_f32,
    "silu": silu,
    "leaky_relu": leaky_relu,
    "sub": sub,
    "strided_slice": strided_slice,
    "transpose_conv": transpose_conv,
    "lstm": lstm,
    "elu": elu,
    "selu": selu,
    "softplus": softplus,
    "mish": mish,
    "sqrt": sqrt,
    "group_norm": group_norm,
    "l2_norm": l2_norm,
    "layer_norm": layer_norm,
    "abs": abs,
    "exp": exp,
    "log": log,
    "neg": neg,
    "reciprocal": reciprocal,
    "sin": sin,
    "cos": cos,
    "pad_edge": pad_edge,
}


def op_module(op: str) -> ModuleType:
    return OPS[op]
