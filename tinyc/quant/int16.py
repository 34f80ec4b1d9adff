"""Numerics of the mixed-precision layers: TFLite 16x8 requantization and packed int4 weights.

16x8 (int16 activations, int8 weights, int64 bias): TFLite's reference kernels
(reference_integer_ops ConvPerChannel / DepthwiseConvPerChannel /
FullyConnected for int16) accumulate in int64 and apply the int64 overload of
MultiplyByQuantizedMultiplier: the multiplier is first reduced to 16 bits,
M0r = (M0 + 2^15) >> 16 (0x7FFF when M0 >= 0x7FFF0000), then
(acc * M0r + 2^(14 - shift)) >> (15 - shift), one rounding: that is what
LiteRT's CONV_2D and DEPTHWISE_CONV_2D do. Its FULLY_CONNECTED keeps the full
32-bit multiplier with single rounding (fixedpoint.mbqm on the int64 sum), as
for int8. tests/mixed/test_litert_16x8.py pins both against LiteRT BUILTIN_REF.

int4 weights: int8 tensors holding values in [-7, 7] (symmetric, like int8's
[-127, 127]; TFLite's int4 allows -8), node attr weight_bits=4. The C kernels
read them packed two per byte: element i of the flattened weight array is the
low nibble of byte i // 2 when i is even, the high nibble when odd.
"""
from __future__ import annotations

import numpy as np

from tinyc.quant.fixedpoint import activation_range, mbqm

S16_MIN, S16_MAX = -32768, 32767


def reduced_multiplier(m0) -> np.ndarray:
    """TFLite's 16-bit multiplier for int64 accumulators (int64 array)."""
    m0 = np.asarray(m0, dtype=np.int64)
    return np.where(m0 < 0x7FFF0000, (m0 + (1 << 15)) >> 16, 0x7FFF)


def mbqm_int64(acc, m0, shift) -> np.ndarray:
    """MultiplyByQuantizedMultiplier(int64 acc, M0, shift): one rounding with the reduced multiplier."""
    acc = np.asarray(acc, dtype=np.int64)
    total = 15 - np.asarray(shift, dtype=np.int64)
    return (acc * reduced_multiplier(m0) + (np.int64(1) << (total - 1))) >> total


def requantize_s16(acc, m0, shift, act_min: int = S16_MIN, act_max: int = S16_MAX,
                   full_multiplier: bool = False) -> np.ndarray:
    """int64 accumulators -> int16 (output zero point 0), clamped to the activation range.

    full_multiplier: fully connected's rounding (32-bit M0, single rounding) instead of conv's.
    """
    y = mbqm(acc, m0, shift) if full_multiplier else mbqm_int64(acc, m0, shift)
    return np.clip(y, act_min, act_max).astype(np.int16)


def fc_scales_f64(x, w, y, channels: int) -> np.ndarray:
    """LiteRT's 16x8 FULLY_CONNECTED requantizes in double (reference_integer_ops::FullyConnected /
    FullyConnectedPerChannel with float scales): per output channel (double)s_in * (double)s_w / (double)s_out,
    from the float32 scales, in that order."""
    ws = np.broadcast_to(np.asarray(w.q.scale, dtype=np.float32).reshape(-1), (channels,))
    return (np.float64(np.float32(x.q.s())) * ws.astype(np.float64)) / np.float64(np.float32(y.q.s()))


def requantize_f64(acc, eff: np.ndarray, act_min: int, act_max: int) -> np.ndarray:
    """int64 accumulators [..., C] -> int16: C's round() (half away from zero) of acc * eff[c] in double,
    clamped (zero point 0). The C kernel does the same with an exact truncate-and-compare."""
    v = np.asarray(acc, dtype=np.int64).astype(np.float64) * eff
    v = np.clip(v, -(2.0 ** 40), 2.0 ** 40)
    t = np.trunc(v)
    frac = v - t  # exact in double
    t = t + (frac >= 0.5) - (frac <= -0.5)
    return np.clip(t, act_min, act_max).astype(np.int16)


def act_range_s16(node, y) -> tuple[int, int]:
    """The fused activation's clamp range in y's symmetric int16 domain."""
    return activation_range(node.attrs.get("act"), y.q.s(), 0, S16_MIN, S16_MAX)


def is_s16(node, g) -> bool:
    """True when the node's output (and so, in 16x8, its input) is int16."""
    return g.tensors[node.outputs[0]].dtype == "int16"


def weight_bits(node) -> int:
    return int(node.attrs.get("weight_bits", 8))


def kernel_variant(node, g) -> str | None:
    """"s16" (16x8), "s4" (int4 weights) or None (int8) for a conv / depthwise / fc node."""
    if is_s16(node, g):
        return "s16"
    return "s4" if weight_bits(node) == 4 else None


def mixed_call(call, node, g):
    """Retarget an int8 kernel call to its mixed-precision kernel, if any (no scratch, not in place)."""
    v = kernel_variant(node, g)
    if v is None:
        return call
    call.template = call.template.replace("_1x1_", "_").replace("_s8.j2", f"_{v}.j2")
    call.scratch, call.inplace = 0, None
    if v == "s16":
        call.params["act_min"], call.params["act_max"] = act_range_s16(node, g.tensors[node.outputs[0]])
    return call


def pack_int4(values) -> np.ndarray:
    """Flattened int8 values in [-8, 7] -> int8 bytes, two per byte, low nibble first (odd tail: high 0)."""
    v = np.asarray(values, dtype=np.int64).reshape(-1)
    if v.size % 2:
        v = np.append(v, 0)
    lo, hi = v[0::2] & 0xF, v[1::2] & 0xF
    return (lo | (hi << 4)).astype(np.uint8).view(np.int8)


def unpack_int4(packed, count: int) -> np.ndarray:
    """Inverse of pack_int4: the first `count` signed nibbles as int8."""
    b = np.asarray(packed, dtype=np.int8).view(np.uint8).astype(np.int64)
    nib = np.stack([b & 0xF, b >> 4], axis=1).reshape(-1)[:count]
    return np.where(nib >= 8, nib - 16, nib).astype(np.int8)


def packed_view(g):
    """A shallow copy of g whose int4 weights (nodes with weight_bits=4) hold packed bytes.

    What the emitter writes to flash: shape ((size + 1) // 2,), dtype int8. The
    graph itself (shapes the lowering and the report read) is left unchanged.
    """
    import copy

    from tinyc.ir import Tensor

    v = copy.copy(g)
    v.tensors = dict(g.tensors)
    for n in g.nodes:
        if weight_bits(n) == 4:
            w = g.tensors[n.inputs[1]]
            if w.data.min() < -8 or w.data.max() > 7:
                raise ValueError(f"{n.name}: int4 weights out of [-8, 7]")
            p = pack_int4(w.data)
            v.tensors[w.name] = Tensor(w.name, p.shape, "int8", p, w.q)
    return v
