"""l2_norm, int8: x / sqrt(sum(x^2 over the last axis) + eps), in one integer op.

Made by the fuse_l2_norm pass from what the frontend builds for hand-written L2 normalisation
(x / sqrt(sum(x^2) + eps)) and F.normalize (x / max(||x||, eps); the eps <= 1e-6 is below int8
resolution). Like TFLite's L2_NORMALIZATION but with a calibrated output scale, and defined in
integers only so numpy and C agree exactly; one rounding. Per row of the last axis, with
x_i = q_i - zp_in:

    D = sum x_i^2 + E,  E = round(eps / s_in^2)     (the real result is x_i / sqrt(D) / s_out)
    if D == 0: out = zp_out
    s = (62 - bitlen(D)) // 2,  r = isqrt(D << 2s)          (r in [2^30, 2^31): sqrt(D) * 2^s)
    (M, e) = frexp(1 / s_out) as Q31 M,  m = (M * 2^31 + r // 2) // r
    out = clamp(zp_out + ((x_i * m) >>r (62 - e - s)))

where x >>r k is (x + 2^(k-1)) >> k. Limits (checked): rows of at most 2^20 values, 1 / s_out < 2^30.
Kernel tc_l2_norm_s8 (runtime_c/src/normalization), in place.
"""
from __future__ import annotations

import math

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, output_of
from tinyc.quant.fixedpoint import quantize_multiplier

MAX_ROW = 1 << 20


def shape(node, g):
    return [tuple(g.tensors[node.inputs[0]].shape)]


def macs(node, g) -> int:
    return 2 * g.tensors[node.inputs[0]].size


def float_ref(node, x):
    x = x.astype(np.float64)
    return (x / np.sqrt((x * x).sum(axis=-1, keepdims=True) + node.attrs["epsilon"])).astype(np.float32)


def _params(node, g) -> dict:
    x, y = g.tensors[node.inputs[0]], output_of(node, g)
    loc = where(g.source, node.name, node.op)
    if x.dtype != "int8" or y.dtype != "int8" or x.q is None or y.q is None:
        raise TinycError(f"int8 l2_norm needs quantized int8 input and output, got {x.dtype} -> {y.dtype}", loc)
    depth = int(x.shape[-1]) if x.shape else 1
    mant, expo = quantize_multiplier(1.0 / y.q.s())
    if depth > MAX_ROW or expo > 29:
        raise TinycError(f"l2_norm: rows of {depth} values and an output scale of {y.q.s():g} are not supported "
                         f"(at most {MAX_ROW} values, scale above 2^-29)", loc)
    e_add = int(min(round(float(node.attrs["epsilon"]) / (x.q.s() ** 2)), 1 << 40))
    return dict(rows=x.size // depth, depth=depth, zp_in=x.q.zp(), zp_out=y.q.zp(), eps_q=e_add, mant=mant,
                expo=expo)


def ref(node, g, x):
    p = _params(node, g)
    v = x.astype(np.int64).reshape(p["rows"], p["depth"]) - p["zp_in"]
    out = np.full_like(v, p["zp_out"])
    for i in range(p["rows"]):
        d = int((v[i] * v[i]).sum()) + p["eps_q"]
        if d == 0:
            continue
        s = (62 - d.bit_length()) // 2
        r = math.isqrt(d << (2 * s))
        m = (p["mant"] * (1 << 31) + r // 2) // r
        k = 62 - p["expo"] - s
        out[i] = p["zp_out"] + ((v[i] * m + (1 << (k - 1))) >> k)
    return [np.clip(out, -128, 127).astype(np.int8).reshape(x.shape)]


def lower(node, g) -> Call:
    p = _params(node, g)
    x, y = node.inputs[0], node.outputs[0]
    return Call(template="l2_norm_s8.j2", node=node.name, inputs=[x], outputs=[y], params=p, inplace=(x, y))
