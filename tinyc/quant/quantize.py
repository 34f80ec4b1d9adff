"""Post-training quantization: float IR -> int8 IR, to the TFLite spec.

Afterwards: activations are int8 with per-tensor asymmetric QParams, conv /
depthwise / fc weights int8 symmetric per channel, biases int32 with scale
s_in * s_w[c], and the float interface is kept through a `quantize` node at
each input and a `dequantize` node at each output. QParams already present
(from QDQ models) are kept exactly; calibration only fills the rest.
"""
from __future__ import annotations

import math

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ir import Graph, Node, QParams, Tensor
from tinyc.quant.island_concat import island_concat_ranges
from tinyc.quant.observers import asymmetric_qparams, make_observer, symmetric_scales
from tinyc.quant.fixedpoint import round_half_away

FLOAT_ISLANDS = {"lstm_f32": (1, 2), "gru_f32": (1, 2)}  # ops that compute in float32: their int8 weight inputs
WEIGHT_AXIS = {"conv2d": 0, "fully_connected": 0, "depthwise_conv2d": 3, "transpose_conv": 0}
SAME_AS_INPUT = {"max_pool2d", "avg_pool2d", "reshape", "transpose", "pad", "pad_edge", "resize_nearest", "strided_slice",
                 "resize_bilinear", "top_k", "gather"}
MAX_AVG_TAPS = 16  # avg_pool2d windows of at most this many taps become depthwise convs (_avg_pools_as_depthwise)
FIXED_OUTPUT = {  # TFLite's required output params for int8
    "softmax": (1.0 / 256, -128),
    "logistic": (1.0 / 256, -128),
    "tanh": (1.0 / 128, 0),
    "log_softmax": (16.0 / 256, 127),
}


def calibrate(g: Graph, samples: list[dict[str, np.ndarray]], observer: str = "minmax",
              kept: list | None = None, keep: frozenset = frozenset(), max_kept: int = 0) -> dict[str, tuple[float, float]]:
    """Run the float reference on every sample and return each activation's (min, max).
    kept (a list): filled, for the first samples while at most max_kept values in all, with
    {tensor: float32 copy} of the `keep` tensors (refine reads them instead of running again)."""
    from tinyc.float_ref import run_float

    obs: dict[str, object] = {}
    per_sample = sum(g.tensors[x].size for x in keep)
    from tinyc.progress import track
    for i, s in enumerate(track(samples, f"calibrating on {len(samples)} samples")):
        env = run_float(g, s, return_all=True)
        if kept is not None and keep and (i + 1) * per_sample <= max_kept:
            kept.append({x: np.array(env[x], np.float32) for x in keep})
        for t in g.activations():
            if t.name in env:
                obs.setdefault(t.name, make_observer(observer)).update(env[t.name])
    return {k: o.range() for k, o in obs.items()}


def _clamped_ranges(g: Graph, ranges) -> dict[str, tuple[float, float]]:
    """`ranges`, where a tensor whose only reader is a standalone `clamp` (a Relu / Clip that no op
    fused, e.g. after a concat) takes the clamp output's range, as onnxruntime's QDQ quantizer drops
    such a Relu/Clip and quantizes its input with the output's range. Exact: the producer's output
    saturates to that range, which is what the clamp returns; the clamp then has equal input and output
    QParams and is a pure clamp, where it would otherwise round twice (coarse step, then fine step)."""
    out = dict(ranges)
    readers: dict[str, list[Node]] = {}
    for n in g.nodes:
        for x in set(n.inputs):
            readers.setdefault(x, []).append(n)
    producer = {y: n for n in g.nodes for y in n.outputs}
    for n in g.nodes:
        if n.op != "clamp" or n.outputs[0] not in ranges:
            continue
        x = n.inputs[0]
        p = producer.get(x)
        if (p is None or p.op in SAME_AS_INPUT or p.op in FIXED_OUTPUT or p.op in FLOAT_ISLANDS
                or len(readers.get(x, [])) != 1 or x in g.outputs or g.tensors[x].q is not None):
            continue
        out[x] = ranges[n.outputs[0]]
    return out


def _act_qparams(g: Graph, ranges) -> dict[str, QParams]:
    """QParams of every float activation, in graph order so constraints propagate."""
    ranges = _clamped_ranges(g, ranges)
    ranges = island_concat_ranges(g, ranges, FLOAT_ISLANDS)
    q: dict[str, QParams] = {}
    for name in g.inputs:
        q[name] = g.tensors[name].q or QParams(*asymmetric_qparams(*ranges[name]))
    for n in g.nodes:
        for y in n.outputs:
            t = g.tensors[y]
            if t.q is None and t.dtype != "float32":
                continue  # an integer result (arg_max / top_k indices) stays as it is
            if t.q is not None:
                q[y] = t.q
            elif n.op in FIXED_OUTPUT:
                q[y] = QParams(*FIXED_OUTPUT[n.op])
            elif n.op in SAME_AS_INPUT and n.inputs[0] in q:
                q[y] = q[n.inputs[0]]
            else:
                if y not in ranges:
                    raise TinycError("no calibration range for tensor", where(g.source, n.name, n.op))
                q[y] = QParams(*asymmetric_qparams(*ranges[y]))
    return q


def _quantize_weight(t: Tensor, axis: int, min_scale=None) -> Tensor:
    """Per-channel symmetric int8; scales raised to min_scale where given (so the bias fits int32)."""
    if t.dtype == "int8" and t.q is not None:  # already quantized (QDQ / TFLite)
        return t
    s = symmetric_scales(t.data, axis)
    if min_scale is not None:
        s = np.maximum(s, min_scale.astype(np.float32))
    shape = [1] * t.data.ndim
    shape[axis] = -1
    qv = np.clip(round_half_away(t.data / s.reshape(shape).astype(np.float64)), -127, 127).astype(np.int8)
    return Tensor(t.name, t.shape, "int8", qv, QParams(s, np.zeros_like(s, dtype=np.int64), axis=axis))


def _bias_floor(g: Graph, n: Node, act_q) -> np.ndarray | None:
    """Smallest weight scale per channel for which the bias still fits in int32 with headroom
    (TFLite's converter does the same): a dead channel with ~1e-30 weights would otherwise get
    a bias that saturates int32 and an accumulator that overflows."""
    if len(n.inputs) < 3 or not n.inputs[2] or g.tensors[n.inputs[2]].dtype != "float32":
        return None
    b = np.abs(g.tensors[n.inputs[2]].data.astype(np.float64)).reshape(-1)
    return b / (np.float64(act_q[n.inputs[0]].s()) * float(1 << 24))


def _quantize_bias(t: Tensor, s_in: float, s_w: np.ndarray) -> Tensor:
    if t.dtype == "int32" and t.q is not None:
        return t
    s = (np.float64(s_in) * s_w.astype(np.float64)).astype(np.float32)
    qv = round_half_away(t.data.astype(np.float64) / s.astype(np.float64))
    qv = np.clip(qv, -(2**31), 2**31 - 1).astype(np.int32)
    return Tensor(t.name, t.shape, "int32", qv, QParams(s, np.zeros_like(s, dtype=np.int64), axis=0))


def _quantize_const_act(t: Tensor) -> Tensor:
    """A constant operand of add/mul: per-tensor asymmetric int8 from its own range."""
    if t.q is not None and t.dtype != "float32":
        return t
    scale, zp = asymmetric_qparams(float(t.data.min()), float(t.data.max()))
    qv = np.clip(round_half_away(t.data / np.float64(scale)) + zp, -128, 127).astype(np.int8)
    return Tensor(t.name, t.shape, "int8", qv, QParams(scale, zp))


def quantize_graph(g: Graph, ranges: dict[str, tuple[float, float]]) -> Graph:
    """Turn a float graph into an int8 graph (see the module docstring)."""
    g = g.copy()
    _avg_pools_as_depthwise(g)
    float_in = [n for n in g.inputs if g.tensors[n].dtype == "float32"]
    float_out = [n for n in g.outputs if g.tensors[n].dtype == "float32"]
    act_q = _act_qparams(g, ranges)
    _unshare_float_params(g)
    for n in g.nodes:
        if n.op in FLOAT_ISLANDS:
            for i in FLOAT_ISLANDS[n.op]:
                g.tensors[n.inputs[i]] = _quantize_weight(g.tensors[n.inputs[i]], 0)
        elif n.op in WEIGHT_AXIS:
            w = g.tensors[n.inputs[1]] = _quantize_weight(g.tensors[n.inputs[1]], WEIGHT_AXIS[n.op],
                                                          _bias_floor(g, n, act_q))
            if len(n.inputs) > 2 and n.inputs[2]:
                s_in = act_q[n.inputs[0]].s()
                g.tensors[n.inputs[2]] = _quantize_bias(g.tensors[n.inputs[2]], s_in, w.q.scale)
        else:
            for x in n.inputs:
                if x and g.tensors[x].is_const and g.tensors[x].dtype == "float32":
                    g.tensors[x] = _quantize_const_act(g.tensors[x])
    for name, q in act_q.items():
        t = g.tensors[name]
        g.tensors[name] = Tensor(name, t.shape, "int8", None, q)
    _float_interface(g, float_in, float_out)
    _float_islands(g)
    return g


def _avg_pools_as_depthwise(g: Graph) -> None:
    """A float avg_pool2d whose windows are all whole becomes a depthwise_conv2d with weights 1/(kh*kw)
    and a zero bias, computing the same float function. Why: TFLite's int8 AVERAGE_POOL_2D rounds the sum
    of the raw int8 values (zero point included) half away from zero, so with a zero point above -128 the
    ties (a quarter of the outputs of a 2x2 pool) round up: a bias of ~1/8 of a step that every later
    average keeps (densenet: -1.5 dB at the classifier). The depthwise convolution rounds (q - zp) * w
    around the real zero, and its output takes its own calibrated range, as any convolution's does.
    Only even tap counts (an odd count has no ties) up to MAX_AVG_TAPS (the tie bias is 1/(2 count) of a
    step at most, and the weights cost count bytes per channel)."""
    from tinyc.ops.avg_pool2d import counts
    from tinyc.ops.max_pool2d import geometry
    for n in g.nodes:
        x = g.tensors[n.inputs[0]] if n.inputs else None
        if n.op != "avg_pool2d" or x is None or x.dtype != "float32" or x.q is not None or \
                g.tensors[n.outputs[0]].q is not None or n.attrs.get("layout", "NHWC") != "NHWC":
            continue
        geo = geometry(n, g)
        kh, kw, c = geo["kh"], geo["kw"], geo["c"]
        if len(x.shape) != 4 or not np.all(counts(geo) == kh * kw) or (kh * kw) % 2 or kh * kw > MAX_AVG_TAPS:
            continue  # windows cut by the padding, odd counts (no ties: unbiased) or large windows keep the pool
        w = g.unique_name(f"{n.name}_avg_weights")
        b = g.unique_name(f"{n.name}_avg_bias")
        g.add_tensor(Tensor(w, (1, kh, kw, c), "float32", np.full((1, kh, kw, c), 1.0 / (kh * kw), np.float32)))
        g.add_tensor(Tensor(b, (c,), "float32", np.zeros(c, np.float32)))
        n.op, n.inputs = "depthwise_conv2d", [n.inputs[0], w, b]
        n.attrs = dict(strides=(geo["sh"], geo["sw"]), dilations=(1, 1), pads=geo["pads"],
                       act=n.attrs.get("act", (-math.inf, math.inf)), depth_multiplier=1)


def _float_islands(g: Graph) -> None:
    """Ops of FLOAT_ISLANDS keep float32 activations: each run-time input is read through a new
    `dequantize` (int8 -> float32) and each output is written to a new float32 tensor and then
    quantized into the original (int8, calibrated) one, as onnxruntime's quantize_static leaves an
    LSTM / GRU in float between a DequantizeLinear and a QuantizeLinear."""
    out = []
    for n in g.nodes:
        if n.op not in FLOAT_ISLANDS:
            out.append(n)
            continue
        for i, x in enumerate(n.inputs):
            if x and not g.tensors[x].is_const:
                xf = g.unique_name(f"{x}_f32")
                g.add_tensor(Tensor(xf, g.tensors[x].shape, "float32"))
                src = _float_source(g, x)
                if src is not None:  # a reshape of a float model input: read it without quantizing
                    out.append(Node("reshape", f"{n.name}_float_input{i}", [src], [xf]))
                else:
                    out.append(Node("dequantize", f"{n.name}_dequantize{i}", [x], [xf]))
                n.inputs[i] = xf
        out.append(n)
        read = {x for m in g.nodes for x in m.inputs} | set(g.outputs)
        for i, y in enumerate(n.outputs):
            yf = g.unique_name(f"{y}_f32")
            g.add_tensor(Tensor(yf, g.tensors[y].shape, "float32"))
            n.outputs[i] = yf
            if y in read:  # an output nobody reads stays float, written and left alone
                out.append(Node("quantize", f"{n.name}_quantize{i}", [yf], [y]))
    live, keep = set(g.outputs), []
    for n in reversed(out):  # the int8 path to an island that now reads the float input directly
        if any(y in live for y in n.outputs) or n.op in FLOAT_ISLANDS:
            keep.append(n)
            live.update(x for x in n.inputs if x)
    g.nodes = keep[::-1]


def _float_source(g: Graph, x: str) -> str | None:
    """The float32 model input that int8 tensor x is only a quantized reshape of, if any."""
    p = next((n for n in g.nodes if x in n.outputs), None)
    while p is not None and p.op == "reshape":
        p = next((n for n in g.nodes if p.inputs[0] in n.outputs), None)
    if p is None or p.op != "quantize" or p.inputs[0] not in g.inputs or g.tensors[p.inputs[0]].dtype != "float32":
        return None
    return p.inputs[0]


def _unshare_float_params(g: Graph) -> None:
    """A float weight or bias read by several weighted nodes gets one copy per node: each node's bias
    scale is s_in * s_w of its own input (a model reusing one layer on two tensors, e.g. a shared head)."""
    seen = set()
    for n in g.nodes:
        if n.op not in WEIGHT_AXIS:
            continue
        for i in (1, 2):
            name = n.inputs[i] if len(n.inputs) > i else ""
            if not name or g.tensors[name].dtype != "float32":
                continue
            if name in seen:
                t = g.tensors[name]
                n.inputs[i] = g.unique_name(f"{name}_{n.name}")
                g.add_tensor(Tensor(n.inputs[i], t.shape, t.dtype, t.data.copy(), t.q))
            seen.add(n.inputs[i])


def _float_interface(g: Graph, float_in: list[str], float_out: list[str]) -> None:
    """Keep the model's float32 interface: quantize at each float input, dequantize at each float output."""
    pre, post = [], []
    for i, name in enumerate(float_in):
        t = g.tensors[name]
        qn = g.unique_name(name + "_int8")
        g.add_tensor(Tensor(qn, t.shape, "int8", None, t.q))
        for n in g.nodes:
            n.inputs = [qn if x == name else x for x in n.inputs]
        g.outputs = [qn if o == name else o for o in g.outputs]
        g.tensors[name] = Tensor(name, t.shape, "float32")
        pre.append(Node("quantize", f"quantize_input{i}", [name], [qn]))
    for i, name in enumerate(float_out):
        t = g.tensors[name]
        qn = g.unique_name(name + "_int8")
        g.add_tensor(Tensor(qn, t.shape, "int8", None, t.q))
        for n in g.nodes:
            n.outputs = [qn if y == name else y for y in n.outputs]
            n.inputs = [qn if x == name else x for x in n.inputs]
        g.tensors[name] = Tensor(name, t.shape, "float32")
        post.append(Node("dequantize", f"dequantize_output{i}", [qn], [name]))
    g.nodes = pre + g.nodes + post
