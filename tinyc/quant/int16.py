"""Numerics of the mixed-precision layers: TFLite 16x8 requantization and packed int4 weights.

16x8 (int16 activations, int8 weights, int64 bias): TFLite's reference kernels
(reference_integer_ops ConvPerChannel / DepthwiseConvPerChannel /
FullyConnected for int16) accumulate in int64 and apply the int64 overload of
MultiplyByQuantizedMultiplier: the multiplier is first reduced to 16 bits,
M0r = (M0 + 2^15) >> 16 (0x7FFF when M0 >= 0x7FFF0000), then
(acc * M0r + 2^(14 - shift)) >> (15 - shift), one rounding: that is what
LiteRT's CONV_2D and DEPTHWISE_CONV_2D do. Its reference FULLY_CONNECTED (ai-edge-litert 2.x)
requantizes in double instead: round(double(acc) * (double(s_x) * double(s_w[c]) / double(s_y))),
halves away from zero (requantize_fc_s16; a 32-bit multiplier with single rounding differs by one
at ties and in about 1 of 10^5 outputs of the 16x8 ViT). tests/mixed/test_litert_16x8.py,
tests/vit/test_vit_ops.py and tests/ops/test_fc16.py pin them against LiteRT BUILTIN_REF.

int4 weights: int8 tensors holding values in [-7, 7] (symmetric, like int8's
[-127, 127]; TFLite's int4 allows -8), node attr weight_bits=4. The C kernels
read them packed two per byte: element i of the flattened weight array is the
low nibble of byte i // 2 when i is even, the high nibble when odd.
"""
from __future__ import annotations

import numpy as np

from tinyc.quant.fixedpoint import activation_range

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


def requantize_fc_s16(acc, scale, act_min: int = S16_MIN, act_max: int = S16_MAX) -> np.ndarray:
    """int64 accumulators -> int16 as LiteRT's reference FULLY_CONNECTED does for 16x8:
    round(double(acc) * scale[c]) (IEEE double product, halves away from zero), clamped to the
    activation range (tinyc saturates where the C++ cast to int32 would be undefined)."""
    v = np.asarray(acc, dtype=np.int64).astype(np.float64) * np.asarray(scale, dtype=np.float64)
    a = np.abs(v)
    t = np.floor(a)
    t = t + (a - t >= 0.5)  # a - t is exact
    return np.clip(np.where(v < 0, -t, t), act_min, act_max).astype(np.int16)


def requantize_s16(acc, m0, shift, act_min: int = S16_MIN, act_max: int = S16_MAX) -> np.ndarray:
    """int64 accumulators -> int16 (output zero point 0) with the reduced multiplier (conv,
    depthwise, transpose conv), clamped to the activation range."""
    return np.clip(mbqm_int64(acc, m0, shift), act_min, act_max).astype(np.int16)


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
