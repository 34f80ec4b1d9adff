"""One converter per TFLite builtin op, named like the op: TFLite operator -> tinyc IR Node.

Each converter takes the operator's context `cx` (tflite_loader.OpContext),
reads its inputs, options and parameter tensors through it, and returns the
IR Node with the attributes docs/ops.md defines. Anything tinyc cannot
express raises TinycError through `cx.fail`. `OPS` maps each supported op
name to (converter, options table class name, option fields to read).
"""
from __future__ import annotations

import math

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ir import Node

INF = math.inf
SAME, VALID = 0, 1  # tflite.Padding
_ACT = {0: (-INF, INF), 1: (0.0, INF), 2: (-1.0, 1.0), 3: (0.0, 6.0)}
_ACT_NAMES = {0: "NONE", 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH", 5: "SIGN_BIT"}


# -- helpers ------------------------------------------------------------------
def fused_act(cx) -> tuple[float, float]:
    """The fused activation as a real-valued clamp (lo, hi)."""
    code = cx.opts.get("FusedActivationFunction", 0)
    if code not in _ACT:
        name = _ACT_NAMES.get(code, str(code))
        cx.fail(f"fused activation {name} is not supported (supported: NONE, RELU, RELU6, RELU_N1_TO_1)")
    return _ACT[code]


def compute_padding(padding: int, in_size: int, k: int, stride: int, dilation: int) -> tuple[int, int, int]:
    """TFLite ComputePaddingHeightWidth for one axis: (pad_before, pad_after, out_size).

    SAME puts the odd extra pixel after (bottom / right), as TFLite does.
    """
    eff = (k - 1) * dilation + 1
    if padding == SAME:
        out = (in_size + stride - 1) // stride
    else:
        out = (in_size + stride - eff) // stride
    total = max(0, (out - 1) * stride + eff - in_size)
    return total // 2, total // 2 + total % 2, out


def window_attrs(cx, k_hw, dil_hw=(1, 1)) -> dict:
    """strides, dilations and explicit pads for a 2D window op on NHWC input 0 -> output 0."""
    padding = cx.opts.get("Padding", SAME)
    if padding not in (SAME, VALID):
        cx.fail(f"padding type {padding} is not supported (supported: SAME, VALID)")
    strides = (cx.opts.get("StrideH", 1), cx.opts.get("StrideW", 1))
    if min(*strides, *dil_hw, *k_hw) < 1:
        cx.fail(f"strides {strides}, dilations {dil_hw} and kernel {tuple(k_hw)} must all be >= 1")
    x, y = cx.in_shape(0), cx.out_shape(0)
    top, bottom, oh = compute_padding(padding, x[1], k_hw[0], strides[0], dil_hw[0])
    left, right, ow = compute_padding(padding, x[2], k_hw[1], strides[1], dil_hw[1])
    if (oh, ow) != tuple(y[1:3]) or oh < 1 or ow < 1:
        cx.fail(f"output shape {list(y)} does not match the computed spatial size ({oh}, {ow})")
    return {"strides": strides, "dilations": tuple(dil_hw), "pads": (top, left, bottom, right)}


def _axis(cx, axis: int, rank: int) -> int:
    if not -rank <= axis < rank:
        cx.fail(f"axis {axis} is out of range for rank {rank}")
    return axis % rank


def _unary(op: str):
    def convert(cx) -> Node:
        return cx.node(op, [cx.x(0)])
    return convert


def _clamp(lo: float, hi: float):
    def convert(cx) -> Node:
        return cx.node("clamp", [cx.x(0)], act=(lo, hi))
    return convert


class OpContext:
    """One TFLite operator being converted: checked access to its inputs, options and outputs.

    `b` is the loader's graph builder; IR tensors are added to its graph on first use.
    """

    def __init__(self, b, op):
        self.b, self.op = b, op
        self.node_name = f"{op.opname.lower()}_{op.index}"
        self.loc = where(b.file, node=self.node_name, op=op.opname)
        self.opts = op.opts or {}

    def convert(self) -> Node:
        """The IR Node for this operator, or TinycError if tinyc cannot express it."""
        op = self.op
        state = STATE_INPUTS.get(op.opname, ())
        for k, i in enumerate((*op.inputs, *op.outputs)):
            if i >= 0:
                self.b.check_storage(i, self.loc, allow_variable=k in state)
        if op.opname not in OPS:
            name = f"CUSTOM '{op.custom_code}'" if op.opname == "CUSTOM" else op.opname
            self.fail(f"unsupported op {name}; supported ops: {', '.join(sorted(OPS))}")
        if op.opts is None:
            self.fail(f"its options table has the wrong type ({op.opts_type})")
        if not op.outputs or min(op.outputs) < 0:
            self.fail("the operator has no (or a missing) output")
        return OPS[op.opname][0](self)

    def fail(self, what: str):
        raise TinycError(what, self.loc)

    # -- inputs ---------------------------------------------------------------
    def n_inputs(self) -> int:
        return len(self.op.inputs)

    def _index(self, i: int) -> int:
        if i >= self.n_inputs() or self.op.inputs[i] < 0:
            self.fail(f"input {i} is missing")
        return self.op.inputs[i]

    def in_shape(self, i: int) -> tuple[int, ...]:
        return self.b.shape(self._index(i), self.loc)

    def out_shape(self, k: int) -> tuple[int, ...]:
        return self.b.shape(self.op.outputs[k], self.loc)

    def need_rank(self, i: int, rank: int) -> tuple[int, ...]:
        shape = self.in_shape(i)
        if len(shape) != rank:
            self.fail(f"input {i} has shape {list(shape)}, expected rank {rank}")
        return shape

    def x(self, i: int) -> str:
        """The IR name of input i (an activation or a constant)."""
        return self.b.ir_tensor(self._index(i), self.loc)

    def weight(self, i: int, axis: int, data_input: int = 0) -> str:
        """Input i as constant weights: int8 symmetric (per-channel along `axis`) or float32."""
        if not self.b.is_const(self._index(i), self.loc):
            self.fail(f"input {i} (weights) is not a constant; tinyc needs constant weights")
        w = self.b.g.tensors[self.x(i)]
        x = self.b.g.tensors[self.x(data_input)]
        if w.dtype != x.dtype and (w.dtype, x.dtype) != ("int8", "int16"):
            self.fail(f"weights '{w.name}' are {w.dtype} but the input is {x.dtype}; hybrid models are not "
                      "supported (int8 weights go with int8 or int16 activations)")
        if w.q is not None and w.dtype == "int8":
            if w.q.per_channel and w.q.axis != axis:
                self.fail(f"weights '{w.name}' are quantized along axis {w.q.axis}, expected {axis}")
            if (w.q.zero_point != 0).any():
                self.fail(f"weights '{w.name}' have non-zero zero points; int8 weights must be symmetric")
        return w.name

    def bias(self, i: int) -> str:
        """Input i as a constant bias, or "" when it is absent."""
        if i >= self.n_inputs() or self.op.inputs[i] < 0:
            return ""
        if not self.b.is_const(self._index(i), self.loc):
            self.fail(f"input {i} (bias) is not a constant")
        return self.x(i)

    def param(self, i: int) -> np.ndarray:
        """Constant integer parameter input i (axes, paddings, perm, size) as int64."""
        return self.b.param_array(self._index(i), self.loc)

    def real_scalar(self, i: int) -> float:
        """A constant one-element input as a real number (dequantized if int8)."""
        idx = self._index(i)
        if not self.b.is_const(idx, self.loc):
            self.fail(f"input {i} must be a constant")
        t = self.b.g.tensors[self.x(i)]
        if t.size != 1:
            self.fail(f"input {i} must hold one value, it has shape {list(t.shape)}")
        v = t.data.reshape(-1)[0]
        if t.q is None:
            return float(v)
        return float(np.float64(t.q.s()) * (int(v) - t.q.zp()))

    # -- output ---------------------------------------------------------------
    def node(self, op: str, inputs: list[str], **attrs) -> Node:
        """The IR Node producing all of this operator's outputs (which must not be constants)."""
        for o in self.op.outputs:
            if self.b.is_const(o, self.loc):
                self.fail(f"output tensor '{self.b.tensor(o, self.loc).name}' is a constant")
        outputs = [self.b.ir_tensor(o, self.loc) for o in self.op.outputs]
        return Node(op, self.node_name, inputs, outputs, attrs)


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


def STRIDED_SLICE(cx) -> Node:
    shape = cx.in_shape(0)
    rank = len(shape)
    begin, end, strides = (cx.param(i).reshape(-1) for i in (1, 2, 3))
    if not len(begin) == len(end) == len(strides) == rank:
        cx.fail(f"begin/end/strides {begin.tolist()}/{end.tolist()}/{strides.tolist()} do not match rank {rank}")
    if cx.opts.get("EllipsisMask", 0) or cx.opts.get("NewAxisMask", 0):
        cx.fail("ellipsis_mask and new_axis_mask are not supported")
    if (strides == 0).any():
        cx.fail(f"strides {strides.tolist()} hold a zero")
    if cx.opts.get("Offset", False):
        end = begin + end
    bmask, emask, smask = (cx.opts.get(k, 0) for k in ("BeginMask", "EndMask", "ShrinkAxisMask"))
    b_out, n_out, out_shape = [], [], []
    for i, d in enumerate(shape):
        start, stop, n = slice_axis(d, int(begin[i]), int(end[i]), int(strides[i]),
                                    bool(bmask >> i & 1), bool(emask >> i & 1), bool(smask >> i & 1))
        b_out.append(start if n else 0)
        n_out.append(n)
        if not smask >> i & 1:
            out_shape.append(n)
    y = cx.out_shape(0)
    if int(np.prod(y, dtype=np.int64)) != int(np.prod(n_out, dtype=np.int64)) or \
            [v for v in y if v != 1] != [v for v in out_shape if v != 1]:
        cx.fail(f"output shape {list(y)} does not match the slice's shape {out_shape}")
    return cx.node("strided_slice", [cx.x(0)], begin=tuple(b_out), size=tuple(n_out),
                   strides=tuple(int(s) for s in strides))


def slice_axis(dim: int, begin: int, end: int, stride: int, begin_masked: bool, end_masked: bool,
               shrink: bool) -> tuple[int, int, int]:
    """TFLite's StartForAxis / StopForAxis for one axis: (start, stop, element count)."""
    big = 1 << 40
    start = (-big if stride > 0 else big) if begin_masked else begin
    start = start + dim if start < 0 else start
    start = min(max(start, 0), dim) if stride > 0 else min(max(start, -1), dim - 1)
    if shrink:
        return start, start + 1, 1 if 0 <= start < dim else 0
    stop = (big if stride > 0 else -big) if end_masked else end
    stop = stop + dim if stop < 0 else stop
    stop = min(max(stop, 0), dim) if stride > 0 else min(max(stop, -1), dim - 1)
    n = -(-(stop - start) // stride) if stride > 0 else -(-(start - stop) // -stride)
    return start, stop, max(0, n)


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
    axes = sorted({_axis(cx, int(a), rank) for a in cx.param(1).reshape(-1)})
    return cx.node("mean", [cx.x(0)], axes=tuple(axes), keepdims=bool(cx.opts.get("KeepDims", False)))


def PAD(cx) -> Node:
    rank = len(cx.in_shape(0))
    pads = cx.param(1)
    if pads.shape != (rank, 2) or (pads < 0).any():
        cx.fail(f"paddings {pads.tolist()} are not non-negative (before, after) pairs for rank {rank}")
    value = cx.real_scalar(2) if cx.n_inputs() > 2 else 0.0
    return cx.node("pad", [cx.x(0)], pads=tuple((int(a), int(b)) for a, b in pads), value=value)


PADV2 = PAD


def RESHAPE(cx) -> Node:
    return cx.node("reshape", [cx.x(0)])


SQUEEZE = RESHAPE


def CONCATENATION(cx) -> Node:
    if cx.opts.get("FusedActivationFunction", 0) != 0:
        cx.fail("a fused activation on CONCATENATION is not supported")
    axis = _axis(cx, cx.opts.get("Axis", 0), len(cx.out_shape(0)))
    return cx.node("concat", [cx.x(i) for i in range(cx.n_inputs())], axis=axis)


def TRANSPOSE(cx) -> Node:
    rank = len(cx.in_shape(0))
    perm = tuple(_axis(cx, int(p), rank) for p in cx.param(1).reshape(-1))
    if sorted(perm) != list(range(rank)):
        cx.fail(f"perm {list(perm)} is not a permutation of {rank} axes")
    return cx.node("transpose", [cx.x(0)], perm=perm)


def RESIZE_NEAREST_NEIGHBOR(cx) -> Node:
    cx.need_rank(0, 4)
    size = tuple(int(s) for s in cx.param(1).reshape(-1))
    if len(size) != 2 or min(size) < 1:
        cx.fail(f"size {list(size)} is not a positive (height, width)")
    return cx.node("resize_nearest", [cx.x(0)], size=size,
                   align_corners=bool(cx.opts.get("AlignCorners", False)),
                   half_pixel_centers=bool(cx.opts.get("HalfPixelCenters", False)))


def SOFTMAX(cx) -> Node:
    return cx.node("softmax", [cx.x(0)], beta=float(cx.opts.get("Beta", 1.0)))


def LOG_SOFTMAX(cx) -> Node:
    return cx.node("log_softmax", [cx.x(0)], beta=1.0)


def BATCH_MATMUL(cx) -> Node:
    return cx.node("batch_matmul", [cx.x(0), cx.x(1)], adj_x=bool(cx.opts.get("AdjX", False)),
                   adj_y=bool(cx.opts.get("AdjY", False)))


def GELU(cx) -> Node:
    return cx.node("gelu", [cx.x(0)], approximate=bool(cx.opts.get("Approximate", False)))


def GATHER(cx) -> Node:
    if cx.opts.get("BatchDims", 0) != 0:
        cx.fail(f"batch_dims {cx.opts.get('BatchDims')} is not supported (only 0)")
    if not cx.b.is_const(cx._index(1), cx.loc):
        cx.fail("input 1 (indices) is not a constant; tinyc supports constant indices only")
    axis = _axis(cx, cx.opts.get("Axis", 0), len(cx.in_shape(0)))
    ind = cx.param(1)
    return cx.node("gather", [cx.x(0)], axis=axis, indices=tuple(int(i) for i in ind.reshape(-1)),
                   indices_shape=tuple(ind.shape))


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
    "CONCATENATION": (CONCATENATION, "ConcatenationOptions", ("Axis", *_FUSED)),
    "TRANSPOSE": (TRANSPOSE, None, ()),
    "RESIZE_NEAREST_NEIGHBOR": (RESIZE_NEAREST_NEIGHBOR, "ResizeNearestNeighborOptions",
                                ("AlignCorners", "HalfPixelCenters")),
    "SOFTMAX": (SOFTMAX, "SoftmaxOptions", ("Beta",)),
    "LOG_SOFTMAX": (LOG_SOFTMAX, None, ()),
    "LOGISTIC": (_unary("logistic"), None, ()),
    "TANH": (_unary("tanh"), None, ()),
    "HARD_SWISH": (_unary("hard_swish"), None, ()),
    "RELU": (_clamp(0.0, INF), None, ()),
    "RELU6": (_clamp(0.0, 6.0), None, ()),
    "RELU_N1_TO_1": (_clamp(-1.0, 1.0), None, ()),
    "QUANTIZE": (_unary("quantize"), None, ()),
    "DEQUANTIZE": (_unary("dequantize"), None, ()),
    "BATCH_MATMUL": (BATCH_MATMUL, "BatchMatMulOptions", ("AdjX", "AdjY")),
    "RSQRT": (_unary("rsqrt"), None, ()),
    "GELU": (GELU, "GeluOptions", ("Approximate",)),
    "GATHER": (GATHER, "GatherOptions", ("Axis", "BatchDims")),
}
