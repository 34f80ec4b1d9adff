"""The context every TFLite op converter works in: checked access to one operator's inputs, options and
outputs (OpContext), and the helpers the converters share (fused activations, window padding, axes).
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


def norm_axis(cx, axis: int, rank: int) -> int:
    if not -rank <= axis < rank:
        cx.fail(f"axis {axis} is out of range for rank {rank}")
    return axis % rank


def unary(op: str):
    def convert(cx) -> Node:
        return cx.node(op, [cx.x(0)])
    return convert


def clamp(lo: float, hi: float):
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

    def node_for_output(self, k: int, op: str, inputs: list[str], **attrs) -> Node:
        """One of several IR Nodes for a multi-output operator (SPLIT, UNPACK): the node producing output k."""
        o = self.op.outputs[k]
        if o < 0 or self.b.is_const(o, self.loc):
            self.fail(f"output {k} is missing or a constant")
        return Node(op, f"{self.node_name}_{k}", inputs, [self.b.ir_tensor(o, self.loc)], attrs)
