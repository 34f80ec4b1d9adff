"""Empirical bias correction of conv / depthwise / fully connected / transpose conv (ONNX origin only).

Rounding leaves each output channel of a quantized layer with a small mean error: the weights' rounding
(sum over the taps of w_err * E[x]), the mean of the errors the layer reads, and the requantization.
Element-wise it is a fraction of a step, but it is the same on every pixel and every sample, so a global
average pool, a classifier head or a long residual chain keeps all of it while random errors average
away (Nagel et al., "Data-Free Quantization Through Weight Equalization and Bias Correction", ICCV 2019,
section 4.2; here measured on the calibration data instead of predicted from BatchNorm statistics).

correct_bias, given a layer's int8 inputs and the float model's outputs of the same layer on the same
calibration samples, adds to each channel's int32 bias the mean difference between the float output
and the layer's real accumulator, in bias steps s_in * s_w[c], shrunk by its standard error. tinyc.quant.refine calls it layer by layer in graph order,
so each layer corrects what is left after the layers above it were corrected.
"""
from __future__ import annotations

import math

import numpy as np

from tinyc.ir import Graph, Node, QParams, Tensor

WEIGHTED = {"conv2d", "depthwise_conv2d", "fully_connected", "transpose_conv"}
BATCHED = {"conv2d", "depthwise_conv2d"}  # float ops that take [N, H, W, C] inputs
MIN_COUNT = 8  # unclamped elements a channel needs before its mean error is trusted


def correct_bias(n: Node, q: Graph, xs: list[np.ndarray], fs: list[np.ndarray]) -> bool:
    """Move n's int32 bias by the measured mean error per output channel; True if any entry changed.

    xs: n's int8 input, fs: the float model's output of n, on the same calibration samples. The error is
    taken before the output rounding: the layer's real accumulator (the float op on the dequantized int8
    input, weights and bias, which equals acc * s_in * s_w exactly up to float32 rounding) against the
    float model, over the elements where neither is clamped by the fused activation or the int8 range.
    (The output's own rounding is no bias to correct: a channel that barely varies would be pushed
    across a rounding boundary by it.)"""
    y = q.tensors[n.outputs[0]]
    c = y.shape[-1]
    lo, hi = _real_range(n, y)
    sums, counts = [], []
    zs = _accumulators(n, q, xs)
    for z, f in zip(zs, fs):  # per sample: the summed error and the count of unclamped elements, per channel
        z = z.reshape(-1, c).astype(np.float64)
        f = f.reshape(-1, c).astype(np.float64)
        free = (z > lo) & (z < hi) & (f > lo) & (f < hi)
        sums.append(np.where(free, f - z, 0.0).sum(axis=0))
        counts.append(free.sum(axis=0))
    sums, counts = np.array(sums), np.array(counts, dtype=np.float64)
    total = counts.sum(axis=0)
    mean = sums.sum(axis=0) / np.maximum(total, 1.0)
    # the standard error of that mean from the spread of the per-sample means (pixels of one sample are
    # correlated; samples are not): shrink the correction towards 0 by how much of it noise could explain
    has = counts > 0
    per = np.where(has, sums / np.maximum(counts, 1.0), 0.0)
    n_s = has.sum(axis=0)
    var = np.where(has, (per - mean) ** 2, 0.0).sum(axis=0) / np.maximum(n_s - 1, 1)
    se2 = var / np.maximum(n_s, 1)
    keep = np.clip(1.0 - se2 / np.maximum(mean ** 2, 1e-300), 0.0, 1.0)  # positive-part James-Stein
    mean = np.where((total >= MIN_COUNT) & (n_s >= 2), mean * keep, 0.0)
    x_q, w = q.tensors[n.inputs[0]], q.tensors[n.inputs[1]]
    step = np.float64(x_q.q.s()) * np.broadcast_to(w.q.scale.astype(np.float64).reshape(-1), (c,))
    delta = np.round(mean / step).astype(np.int64)
    if not delta.any():
        return False
    b = _bias(n, q, step)
    data = np.clip(b.data.astype(np.int64).reshape(-1) + delta, -(1 << 31), (1 << 31) - 1).astype(np.int32)
    q.tensors[b.name] = Tensor(b.name, b.shape, "int32", data.reshape(b.shape), b.q)
    return True


def _real_range(n: Node, y: Tensor) -> tuple[float, float]:
    """The real interval n's output can hold unclamped: the fused activation's and the int8 grid's."""
    lo, hi = n.attrs.get("act", (-math.inf, math.inf))
    return max(lo, (-128 - y.q.zp()) * float(y.q.s())), min(hi, (127 - y.q.zp()) * float(y.q.s()))


def _accumulators(n: Node, q: Graph, xs: list[np.ndarray]) -> list[np.ndarray]:
    """Per sample, the real value n computes before its output rounding and activation, from its int8
    operands (conv2d and depthwise_conv2d take all samples in one batch)."""
    from tinyc.float_ref import OPS, dequant
    consts = []
    for name in n.inputs[1:]:
        t = q.tensors[name] if name else None
        consts.append(None if t is None else dequant(t.data, t.q) if t.q is not None else t.data)
    bare = Node(n.op, n.name, n.inputs, n.outputs, {**n.attrs, "act": (-math.inf, math.inf)})
    x_q = q.tensors[n.inputs[0]].q
    if n.op in BATCHED:
        z = np.asarray(OPS[n.op](q, bare, dequant(np.concatenate(xs), x_q), *consts))
        return np.split(z, len(xs))
    return [np.asarray(OPS[n.op](q, bare, dequant(x, x_q), *consts)) for x in xs]


def _bias(n: Node, q: Graph, step: np.ndarray) -> Tensor:
    """n's int32 bias tensor; a zero one (scale s_in * s_w) is added to a layer that has none."""
    if len(n.inputs) > 2 and n.inputs[2]:
        return q.tensors[n.inputs[2]]
    name = q.unique_name(f"{n.name}_bias_correction")
    s = step.astype(np.float32)
    t = Tensor(name, (step.size,), "int32", np.zeros(step.size, np.int32),
               QParams(s, np.zeros(step.size, dtype=np.int64), axis=0))
    q.add_tensor(t)
    n.inputs = [*n.inputs[:2], name]
    return t
