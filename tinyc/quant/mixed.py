"""Mixed-precision quantization: per-layer (weight bits, activation bits) on top of the int8 graph.

Given the float graph, its int8 quantization (quantize.quantize_graph) and a
choice bits[node] in {(8, 8), (4, 8), (8, 16)} for conv / depthwise / fc nodes:

- (4, 8): weights re-quantized from the float weights, per-channel symmetric,
  values in [-7, 7], scale alpha * max|w| / 7 with the clipping factor alpha
  in [0.5, 1] that minimizes the channel's squared error; node attr
  weight_bits=4; bias int32 re-derived with the new scales.
- (8, 16): TFLite 16x8. The layer reads and writes int16 tensors with
  symmetric scales covering the int8 tensors' calibrated ranges
  (max(|lo|, |hi|) / 32767), bias int64 with scale s_x16 * s_w. A requantize
  (`quantize` node) int8 -> int16 is inserted before it and int16 -> int8
  after it; between two consecutive 16-bit layers the int16 tensor is passed
  straight through. All other ops stay int8.

Afterwards the graph verifies, and every node not listed in bits is unchanged.
"""
from __future__ import annotations

import numpy as np

from tinyc.ir import Graph, Node, QParams, Tensor, verify
from tinyc.quant.fixedpoint import round_half_away
from tinyc.quant.quantize import WEIGHT_AXIS

CHOICES = ((8, 8), (4, 8), (8, 16))


def real_values(t: Tensor) -> np.ndarray:
    """A constant's real values: float data as is, integer data dequantized (per-channel aware)."""
    if t.dtype == "float32":
        return t.data.astype(np.float64)
    shape = [1] * t.data.ndim
    if t.q.per_channel:
        shape[t.q.axis] = -1
    s = t.q.scale.astype(np.float64).reshape(shape if t.q.per_channel else ())
    z = t.q.zero_point.reshape(shape if t.q.per_channel else ())
    return (t.data.astype(np.float64) - z) * s


def weighted_nodes(g: Graph) -> list[Node]:
    return [n for n in g.nodes if n.op in WEIGHT_AXIS]


def apply_bits(fg: Graph, q8: Graph, bits: dict[str, tuple[int, int]]) -> Graph:
    """The int8 graph q8 with the given layers switched to (4, 8) or (8, 16) (module docstring)."""
    g = q8.copy()
    s16_of: dict[str, str] = {}  # int8 tensor -> the int16 tensor holding the same values
    for n in list(g.nodes):
        wb, ab = bits.get(n.name, (8, 8))
        if (wb, ab) == (8, 8) or n.op not in WEIGHT_AXIS:
            continue
        if wb == 4:
            _to_int4(fg, g, n)
        if ab == 16:
            _to_16x8(fg, g, n, s16_of)
    _drop_unused_requantize(g)
    g.prune()
    return verify(g)


def _to_int4(fg: Graph, g: Graph, n: Node) -> None:
    axis = WEIGHT_AXIS[n.op]
    w = g.tensors[n.inputs[1]]
    wf = real_values(fg.tensors[n.inputs[1]])
    shape = [1] * wf.ndim
    shape[axis] = -1
    s = np.maximum(int4_scales(wf, axis), w.q.scale)  # never finer than int8's (bias floor, dead channels)
    qv = np.clip(round_half_away(wf / s.astype(np.float64).reshape(shape)), -7, 7).astype(np.int8)
    g.tensors[w.name] = Tensor(w.name, w.shape, "int8", qv, QParams(s, np.zeros(s.shape), axis=axis))
    n.attrs["weight_bits"] = 4
    _requantize_bias(fg, g, n, np.float64(g.tensors[n.inputs[0]].q.s()), "int32")


def int4_scales(wf: np.ndarray, axis: int) -> np.ndarray:
    """Per-channel float32 scales for [-7, 7]: alpha * max|w| / 7 with alpha in {0.50, 0.55, .., 1.0}
    chosen per channel for the least squared rounding + clipping error."""
    w = np.moveaxis(wf, axis, 0).reshape(wf.shape[axis], -1)
    amax = np.max(np.abs(w), axis=1)
    best, best_err = amax / 7.0, np.full(amax.shape, np.inf)
    for alpha in np.linspace(0.5, 1.0, 11):
        s = np.maximum(alpha * amax / 7.0, 1e-30)[:, None]
        err = np.sum((w - s * np.clip(round_half_away(w / s), -7, 7)) ** 2, axis=1)
        better = err < best_err
        best, best_err = np.where(better, s[:, 0], best), np.where(better, err, best_err)
    return best.astype(np.float32)


def _requantize_bias(fg: Graph, g: Graph, n: Node, s_in: np.float64, dtype: str) -> None:
    if len(n.inputs) < 3 or not n.inputs[2]:
        return
    b = g.tensors[n.inputs[2]]
    s = (s_in * g.tensors[n.inputs[1]].q.scale.astype(np.float64)).astype(np.float32)
    info = np.iinfo(dtype)
    qv = np.clip(round_half_away(real_values(fg.tensors[b.name]).reshape(-1) / s.astype(np.float64)),
                 info.min, info.max).astype(dtype)
    g.tensors[b.name] = Tensor(b.name, b.shape, dtype, qv, QParams(s, np.zeros(s.shape), axis=0))


def symmetric16(q: QParams) -> QParams:
    """int16 symmetric QParams covering the real range of an int8 tensor's QParams."""
    lo, hi = q.s() * (-128 - q.zp()), q.s() * (127 - q.zp())
    return QParams(np.float32(max(abs(lo), abs(hi), 1e-12) / 32767.0), 0)


def _to_16x8(fg: Graph, g: Graph, n: Node, s16_of: dict[str, str]) -> None:
    x = n.inputs[0]
    if x not in s16_of:
        t = g.tensors[x]
        x16 = g.unique_name(x + "_s16")
        g.add_tensor(Tensor(x16, t.shape, "int16", None, symmetric16(t.q)))
        g.nodes.insert(g.nodes.index(n), Node("quantize", g.unique_name(n.name + "_to_s16"), [x], [x16]))
        s16_of[x] = x16
    n.inputs[0] = s16_of[x]
    y = g.tensors[n.outputs[0]]
    y16 = g.unique_name(y.name + "_s16")
    g.add_tensor(Tensor(y16, y.shape, "int16", None, symmetric16(y.q)))
    n.outputs[0] = y16
    g.nodes.insert(g.nodes.index(n) + 1, Node("quantize", g.unique_name(n.name + "_to_s8"), [y16], [y.name]))
    s16_of[y.name] = y16
    _requantize_bias(fg, g, n, np.float64(g.tensors[n.inputs[0]].q.s()), "int64")


def _drop_unused_requantize(g: Graph) -> None:
    """Remove int16 -> int8 requantize nodes whose int8 output nobody reads."""
    used = {x for m in g.nodes for x in m.inputs} | set(g.outputs)
    g.nodes = [m for m in g.nodes
               if not (m.op == "quantize" and g.tensors[m.inputs[0]].dtype == "int16" and m.outputs[0] not in used)]


def weights_bytes(g: Graph) -> int:
    """Flash bytes of constants as report.json counts them: tensors (int4 weights packed) plus
    the kernels' constant arrays (multipliers, shifts, tables)."""
    from tinyc.backend.lower import lower_calls
    from tinyc.quant.int16 import packed_view
    tensors = sum(t.nbytes for t in packed_view(g).tensors.values() if t.is_const)
    arrays = sum(np.asarray(a).nbytes for c in lower_calls(g) for a in c.arrays.values())
    return int(tensors + arrays)
