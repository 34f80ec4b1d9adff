"""One converter per TFLite builtin op, named like the op: TFLite operator -> tinyc IR Node.

Each converter takes the operator's context `cx` (tflite_context.OpContext),
reads its inputs, options and parameter tensors through it, and returns the
IR Node with the attributes docs/ops.md defines. Anything tinyc cannot
express raises TinycError through `cx.fail`. `OPS` maps each supported op
name to (converter, options table class name, option fields to read).
This module holds the arithmetic ops and the table; the data-movement
converters are in tflite_data_ops.py.
"""
from __future__ import annotations

import math

import numpy as np

from tinyc.frontend.tflite_context import (SAME, VALID, OpContext, clamp, fused_act, norm_axis, unary,
                                           window_attrs)
from tinyc.frontend.tflite_data_ops import (CONCATENATION, EXPAND_DIMS, GATHER, PACK, PAD, PADV2, RESHAPE,
                                            RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR, SHAPE, SPLIT, SPLIT_V, SQUEEZE,
                                            STRIDED_SLICE, TILE, TRANSPOSE, UNPACK)
from tinyc.ir import Node

INF = math.inf


def convert(b, op) -> Node | list[Node]:
    """The IR Node(s) for TFLite operator `op` (loader builder `b`; one per output for SPLIT / UNPACK), or
    TinycError if tinyc cannot express it."""
    cx = OpContext(b, op)
    state = STATE_INPUTS.get(op.opname, ())
    for k, i in enumerate((*op.inputs, *op.outputs)):
        if i >= 0:
            b.check_storage(i, cx.loc, allow_variable=k in state)
    if op.opname not in OPS:
        name = f"CUSTOM '{op.custom_code}'" if op.opname == "CUSTOM" else op.opname
        cx.fail(f"unsupported op {name}; supported ops: {', '.join(sorted(OPS))}")
    if op.opts is None:
        cx.fail(f"its options table has the wrong type ({op.opts_type})")
    if not op.outputs or min(op.outputs) < 0:
        cx.fail("the operator has no (or a missing) output")
    return OPS[op.opname][0](cx)



# -- converters -----------------------------------------------------------------
def CONV_2D(cx) -> Node:
    x, w = cx.need_rank(0, 4), cx.need_rank(1, 4)
    if w[3] < 1 or x[3] % w[3] or w[0] % (x[3] // w[3]):
        cx.fail(f"input channels {x[3]} and filter shape {list(w)} do not give a whole number of groups")
    dil = (cx.opts.get("DilationHFactor", 1), cx.opts.get("DilationWFactor", 1))
    attrs = window_attrs(cx, w[1:3], dil)
    return cx.node("conv2d", [cx.x(0), cx.weight(1, axis=0), cx.bias(2)],
                   **attrs, groups=x[3] // w[3], act=fused_act(cx))


def DEPTHWISE_CONV_2D(cx) -> Node:
    x, w = cx.need_rank(0, 4), cx.need_rank(1, 4)
    if w[0] != 1 or x[3] < 1 or w[3] % x[3]:
        cx.fail(f"filter shape {list(w)} is not [1, KH, KW, Cin * multiplier] for {x[3]} input channels")
    dil = (cx.opts.get("DilationHFactor", 1), cx.opts.get("DilationWFactor", 1))
    attrs = window_attrs(cx, w[1:3], dil)
    return cx.node("depthwise_conv2d", [cx.x(0), cx.weight(1, axis=3), cx.bias(2)],
                   **attrs, depth_multiplier=w[3] // x[3], act=fused_act(cx))


def FULLY_CONNECTED(cx) -> Node:
    w = cx.need_rank(1, 2)
    if cx.opts.get("WeightsFormat", 0) != 0:
        cx.fail("shuffled weights (SHUFFLED4x16INT8) are not supported")
    size = int(np.prod(cx.in_shape(0), dtype=np.int64))
    if w[1] < 1 or size % w[1]:
        cx.fail(f"input of {size} elements is not a multiple of the weights' K = {w[1]}")
    return cx.node("fully_connected", [cx.x(0), cx.weight(1, axis=0), cx.bias(2)], act=fused_act(cx))


def _check_pot16(cx) -> None:
    """LiteRT runs int16 ADD/SUB with pot_scale_int16 (the schema default) and power-of-two scales with zero
    points 0 through a separate shift-only path (meant for LSTM cells), which tinyc does not implement."""
    ts = [cx.b.g.tensors[n] for n in (cx.x(0), cx.x(1))]
    ts.append(cx.b.g.tensors[cx.b.ir_tensor(cx.op.outputs[0], cx.loc)])
    if not cx.opts.get("PotScaleInt16", True) or any(t.dtype != "int16" or t.q is None for t in ts):
        return
    if all(t.q.zp() == 0 and math.frexp(t.q.s())[0] == 0.5 for t in ts):
        cx.fail("int16 ADD/SUB with pot_scale_int16 and power-of-two scales (TFLite's shift-only LSTM path) "
                "is not supported; convert with pot_scale_int16=false")


def ADD(cx) -> Node:
    _check_pot16(cx)
    return cx.node("add", [cx.x(0), cx.x(1)], act=fused_act(cx))


def SUB(cx) -> Node:
    _check_pot16(cx)
    return cx.node("sub", [cx.x(0), cx.x(1)], act=fused_act(cx))


def LEAKY_RELU(cx) -> Node:
    return cx.node("leaky_relu", [cx.x(0)], alpha=float(np.float32(cx.opts.get("Alpha", 0.0))))

def TRANSPOSE_CONV(cx) -> Node:
    x, w = cx.need_rank(2, 4), cx.need_rank(1, 4)
    y = cx.out_shape(0)
    if len(y) != 4 or w[3] != x[3] or y[3] != w[0]:
        cx.fail(f"input {list(x)}, filter {list(w)} and output {list(y)} do not fit [1,H,W,Cin], [Cout,KH,KW,Cin]")
    padding = cx.opts.get("Padding", SAME)
    strides = (cx.opts.get("StrideH", 1), cx.opts.get("StrideW", 1))
    if padding not in (SAME, VALID) or min(strides) < 1:
        cx.fail(f"padding {padding} / strides {strides} are not supported")
    pads = []
    for axis in (1, 2):  # TFLite's ComputePaddingHeightWidth, run as for the forward conv from y to x
        k, st = w[axis], strides[axis - 1]
        fwd_out = (y[axis] + st - 1) // st if padding == SAME else (y[axis] - k + st) // st
        top = max(0, (fwd_out - 1) * st + k - y[axis]) // 2
        pads.append((top, (x[axis] - 1) * st + k - top - y[axis]))
    shape_in = ""
    if cx.b.is_const(cx._index(0), cx.loc):
        out_shape = cx.param(0).reshape(-1).tolist()
        if out_shape != list(y):
            cx.fail(f"output_shape {out_shape} differs from the output tensor's shape {list(y)}")
    else:
        shape_in = cx.x(0)
    inputs = [cx.x(2), cx.weight(1, axis=0, data_input=2), cx.bias(3)]
    if shape_in:
        inputs.append(shape_in)
    return cx.node("transpose_conv", inputs, strides=strides, dilations=(1, 1),
                   pads=(pads[0][0], pads[1][0], pads[0][1], pads[1][1]), act=fused_act(cx))


def UNIDIRECTIONAL_SEQUENCE_LSTM(cx) -> Node:
    """int8 LSTM (TFLite's 8x8_16 integer kernel): 4 gates, no CIFG / peephole / projection / layer norm."""
    ins = cx.op.inputs + [-1] * (24 - len(cx.op.inputs))
    for k, what in ((1, "CIFG (no input gate)"), (9, "peephole"), (10, "peephole"), (11, "peephole"),
                    (16, "projection"), (17, "projection"), (20, "layer norm"), (21, "layer norm"),
                    (22, "layer norm"), (23, "layer norm")):
        if (ins[k] >= 0) != (k == 1):
            cx.fail(f"LSTM with {what} is not supported" if k != 1 else f"LSTM with {what} is not supported")
    if cx.opts.get("FusedActivationFunction", 4) != 4:
        cx.fail("LSTM activations other than TANH are not supported")
    if cx.opts.get("ProjClip", 0.0):
        cx.fail("LSTM projection clipping is not supported")
    x = cx.b.g.tensors[cx.x(0)]
    if x.dtype != "int8" or len(x.shape) != 3:
        cx.fail(f"LSTM input must be int8 [batch, time, features] (or time-major), got {x.dtype}{list(x.shape)}")
    if len(cx.op.intermediates) != 5:
        cx.fail(f"int8 LSTM needs TFLite's 5 intermediate tensors (hidden-state scale), got {len(cx.op.intermediates)}")
    hid = cx.b.tensor(cx.op.intermediates[4], cx.loc)
    if hid.scales.size != 1:
        cx.fail("the LSTM's effective hidden scale intermediate is not quantized")
    weights = [cx.weight(i, axis=0) for i in (1, 2, 3, 4, 5, 6, 7, 8)]
    for w in weights:
        q = cx.b.g.tensors[w].q
        if q is None or q.per_channel or cx.b.g.tensors[w].dtype != "int8":
            cx.fail(f"LSTM weights '{w}' must be int8 with one scale")
    biases = [cx.bias(i) for i in (12, 13, 14, 15)]
    if any(not b or cx.b.g.tensors[b].dtype != "int32" for b in biases):
        cx.fail("LSTM gate biases must be int32 constants")
    states = [cx.b.state_tensor(ins[i], cx.loc) for i in (18, 19)]
    return cx.node("lstm", [cx.x(0), *weights, *biases, *states], time_major=bool(cx.opts.get("TimeMajor", False)),
                   cell_clip=float(cx.opts.get("CellClip", 0.0)),
                   hidden_scale=float(hid.scales[0]), hidden_zp=int(hid.zero_points[0]) if hid.zero_points.size else 0)


def MUL(cx) -> Node:
    return cx.node("mul", [cx.x(0), cx.x(1)], act=fused_act(cx))


def _pool(op: str):
    def convert(cx) -> Node:
        cx.need_rank(0, 4)
        k = (cx.opts.get("FilterHeight", 1), cx.opts.get("FilterWidth", 1))
        attrs = window_attrs(cx, k)
        del attrs["dilations"]
        return cx.node(op, [cx.x(0)], kernel=k, **attrs, act=fused_act(cx))
    return convert


AVERAGE_POOL_2D = _pool("avg_pool2d")
MAX_POOL_2D = _pool("max_pool2d")


def MEAN(cx) -> Node:
    rank = len(cx.in_shape(0))
    axes = sorted({norm_axis(cx, int(a), rank) for a in cx.param(1).reshape(-1)})
    return cx.node("mean", [cx.x(0)], axes=tuple(axes), keepdims=bool(cx.opts.get("KeepDims", False)))

def SOFTMAX(cx) -> Node:
    return cx.node("softmax", [cx.x(0)], beta=float(cx.opts.get("Beta", 1.0)))


def LOG_SOFTMAX(cx) -> Node:
    return cx.node("log_softmax", [cx.x(0)], beta=1.0)


def BATCH_MATMUL(cx) -> Node:
    return cx.node("batch_matmul", [cx.x(0), cx.x(1)], adj_x=bool(cx.opts.get("AdjX", False)),
                   adj_y=bool(cx.opts.get("AdjY", False)))


def PRELU(cx) -> Node:
    if not cx.b.is_const(cx._index(1), cx.loc):
        cx.fail("input 1 (alpha) is not a constant; tinyc needs constant PReLU slopes")
    return cx.node("prelu", [cx.x(0), cx.x(1)], act=(-INF, INF))


def REDUCE_MAX(cx) -> list[Node]:
    """Max over H and W of an NHWC tensor (Keras GlobalMaxPooling2D): a max_pool2d over the whole map (on the
    stored values, as LiteRT's int8 REDUCE_MAX), then a reshape without keep_dims."""
    from tinyc.ir import Tensor
    shape = cx.in_shape(0)
    axes = sorted({norm_axis(cx, int(a), len(shape)) for a in cx.param(1).reshape(-1)})
    if len(shape) != 4 or axes != [1, 2]:
        cx.fail(f"REDUCE_MAX over axes {axes} of shape {list(shape)} is not supported (only H and W of NHWC)")
    attrs = dict(kernel=tuple(shape[1:3]), strides=(1, 1), pads=(0, 0, 0, 0), act=(-INF, INF))
    if cx.opts.get("KeepDims", False):
        return [cx.node("max_pool2d", [cx.x(0)], **attrs)]
    g, x = cx.b.g, cx.x(0)
    mid = g.unique_name(f"{cx.node_name}_pooled")
    g.add_tensor(Tensor(mid, (shape[0], 1, 1, shape[3]), g.tensors[x].dtype, None, g.tensors[x].q))
    return [Node("max_pool2d", f"{cx.node_name}_pool", [x], [mid], attrs), Node("reshape", cx.node_name, [mid],
                                                                               [cx.b.ir_tensor(cx.op.outputs[0],
                                                                                               cx.loc)], {})]


def GELU(cx) -> Node:
    return cx.node("gelu", [cx.x(0)], approximate=bool(cx.opts.get("Approximate", False)))

# operator input positions that are variable (state) tensors
STATE_INPUTS = {"UNIDIRECTIONAL_SEQUENCE_LSTM": (18, 19)}

_WINDOW = ("Padding", "StrideW", "StrideH")
_CONV = (*_WINDOW, "FusedActivationFunction", "DilationWFactor", "DilationHFactor")
_POOL = (*_WINDOW, "FilterWidth", "FilterHeight", "FusedActivationFunction")
_FUSED = ("FusedActivationFunction",)

OPS = {
    "CONV_2D": (CONV_2D, "Conv2DOptions", _CONV),
    "DEPTHWISE_CONV_2D": (DEPTHWISE_CONV_2D, "DepthwiseConv2DOptions", _CONV),
    "FULLY_CONNECTED": (FULLY_CONNECTED, "FullyConnectedOptions", (*_FUSED, "WeightsFormat")),
    "ADD": (ADD, "AddOptions", (*_FUSED, "PotScaleInt16")),
    "MUL": (MUL, "MulOptions", _FUSED),
    "SUB": (SUB, "SubOptions", (*_FUSED, "PotScaleInt16")),
    "SQUARED_DIFFERENCE": (lambda cx: cx.node("squared_difference", [cx.x(0), cx.x(1)]), None, ()),
    "UNIDIRECTIONAL_SEQUENCE_LSTM": (UNIDIRECTIONAL_SEQUENCE_LSTM, "UnidirectionalSequenceLSTMOptions",
                                     ("FusedActivationFunction", "CellClip", "ProjClip", "TimeMajor")),
    "LEAKY_RELU": (LEAKY_RELU, "LeakyReluOptions", ("Alpha",)),
    "STRIDED_SLICE": (STRIDED_SLICE, "StridedSliceOptions",
                      ("BeginMask", "EndMask", "EllipsisMask", "NewAxisMask", "ShrinkAxisMask", "Offset")),
    "TRANSPOSE_CONV": (TRANSPOSE_CONV, "TransposeConvOptions",
                       ("Padding", "StrideW", "StrideH", "FusedActivationFunction")),
    "AVERAGE_POOL_2D": (AVERAGE_POOL_2D, "Pool2DOptions", _POOL),
    "MAX_POOL_2D": (MAX_POOL_2D, "Pool2DOptions", _POOL),
    "MEAN": (MEAN, "ReducerOptions", ("KeepDims",)),
    "PAD": (PAD, None, ()),
    "PADV2": (PADV2, None, ()),
    "RESHAPE": (RESHAPE, None, ()),
    "SQUEEZE": (SQUEEZE, None, ()),
    "EXPAND_DIMS": (EXPAND_DIMS, None, ()),
    "SHAPE": (SHAPE, None, ()),
    "PACK": (PACK, "PackOptions", ("ValuesCount", "Axis")),
    "UNPACK": (UNPACK, "UnpackOptions", ("Num", "Axis")),
    "SPLIT": (SPLIT, "SplitOptions", ("NumSplits",)),
    "SPLIT_V": (SPLIT_V, "SplitVOptions", ("NumSplits",)),
    "CONCATENATION": (CONCATENATION, "ConcatenationOptions", ("Axis", *_FUSED)),
    "TRANSPOSE": (TRANSPOSE, None, ()),
    "TILE": (TILE, None, ()),
    "RESIZE_NEAREST_NEIGHBOR": (RESIZE_NEAREST_NEIGHBOR, "ResizeNearestNeighborOptions",
                                ("AlignCorners", "HalfPixelCenters")),
    "SOFTMAX": (SOFTMAX, "SoftmaxOptions", ("Beta",)),
    "LOG_SOFTMAX": (LOG_SOFTMAX, None, ()),
    "LOGISTIC": (unary("logistic"), None, ()),
    "TANH": (unary("tanh"), None, ()),
    "HARD_SWISH": (unary("hard_swish"), None, ()),
    "RELU": (clamp(0.0, INF), None, ()),
    "RELU6": (clamp(0.0, 6.0), None, ()),
    "RELU_N1_TO_1": (clamp(-1.0, 1.0), None, ()),
    "QUANTIZE": (unary("quantize"), None, ()),
    "DEQUANTIZE": (unary("dequantize"), None, ()),
    "BATCH_MATMUL": (BATCH_MATMUL, "BatchMatMulOptions", ("AdjX", "AdjY")),
    "RSQRT": (unary("rsqrt"), None, ()),
    "NEG": (unary("neg"), None, ()),
    "GELU": (GELU, "GeluOptions", ("Approximate",)),
    "PRELU": (PRELU, None, ()),
    "MAXIMUM": (lambda cx: cx.node("maximum", [cx.x(0), cx.x(1)]), None, ()),
    "MINIMUM": (lambda cx: cx.node("minimum", [cx.x(0), cx.x(1)]), None, ()),
    "REDUCE_MAX": (REDUCE_MAX, "ReducerOptions", ("KeepDims",)),
    "RESIZE_BILINEAR": (RESIZE_BILINEAR, "ResizeBilinearOptions", ("AlignCorners", "HalfPixelCenters")),
    "GATHER": (GATHER, "GatherOptions", ("Axis", "BatchDims")),
}
