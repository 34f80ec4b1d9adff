"""group_norm, int8: GroupNorm / InstanceNorm in one integer op (ONNX InstanceNormalization, the
Reshape -> InstanceNormalization -> Reshape -> Mul -> Add that torch exports for nn.GroupNorm).

NHWC input [1, H, W, C]; `groups` G split the channels into G runs of K = C/G; the statistics
of each group are over its n = H*W*K values; attrs `gamma`, `beta` (per channel, float),
`epsilon`. Not a TFLite builtin: tinyc defines it in integers only, so numpy and C agree
exactly, with one rounding to the output (the decomposition into mean/sub/mul/rsqrt ops
rounds six times). Per group, with int8 inputs q (the zero point cancels):

    S = sum q, Q = sum q^2, D = n*Q - S^2 + E,  E = max(1, round(eps * n^2 / s_in^2))
    c_i = n*q_i - S                         (real normalised value: c_i / sqrt(D))
    s   = (62 - bitlen(D)) // 2,  r = isqrt(D << 2s)          (r in [2^30, 2^31): sqrt(D) * 2^s)
    per channel: (M, e) = frexp(|gamma| / s_out) as Q31 M,  m_c = (M * 2^31 + r // 2) // r
    y16 = sign(gamma) * c_i * m_c  >>r  (46 - e - s)        (the value times 2^16; 0 if the shift > 62)
    out = clamp(zp_out + ((y16 + B_c) >>r 16)),  B_c = round(beta / s_out * 2^16)

where x >>r k is (x + 2^(k-1)) >> k (floor shift, round half up). Limits (checked): n <= 2^20 and
|gamma| / s_out < 2^14, so |c_i| < 2^28, m_c <= 2^32 and every product fits int64.
Kernel tc_group_norm_s8 (runtime_c/src/normalization), not in place.
"""
from __future__ import annotations

import math

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, output_of
from tinyc.quant.fixedpoint import quantize_multiplier, round_half_away

MAX_N = 1 << 20


def shape(node, g):
    return [tuple(g.tensors[node.inputs[0]].shape)]


def macs(node, g) -> int:
    return 3 * g.tensors[node.inputs[0]].size


def float_ref(node, x):
    """Float semantics (NHWC, or NCHW while the node has layout="NCHW")."""
    nchw = node.attrs.get("layout") == "NCHW"
    x = x.astype(np.float64)
    if nchw:
        x = x.transpose(0, 2, 3, 1)
    n, h, w, c = x.shape
    gr = int(node.attrs["groups"])
    xg = x.reshape(n, h, w, gr, c // gr)
    mu = xg.mean(axis=(1, 2, 4), keepdims=True)
    var = ((xg - mu) ** 2).mean(axis=(1, 2, 4), keepdims=True)
    y = ((xg - mu) / np.sqrt(var + node.attrs["epsilon"])).reshape(n, h, w, c)
    y = y * np.asarray(node.attrs["gamma"]) + np.asarray(node.attrs["beta"])
    if nchw:
        y = y.transpose(0, 3, 1, 2)
    return y.astype(np.float32)


def _params(node, g) -> dict:
    x, y = g.tensors[node.inputs[0]], output_of(node, g)
    loc = where(g.source, node.name, node.op)
    if x.dtype != "int8" or y.dtype != "int8" or x.q is None or y.q is None or len(x.shape) != 4:
        raise TinycError(f"int8 group_norm needs a quantized int8 NHWC input and output, got {x.dtype}"
                         f"{list(x.shape)} -> {y.dtype}", loc)
    _, h, w, c = x.shape
    gr = int(node.attrs["groups"])
    k = c // gr
    n = h * w * k
    if c % gr or n > MAX_N:
        raise TinycError(f"group_norm of {c} channels in {gr} groups over {n} values per group is not "
                         f"supported (channels divisible by groups, at most {MAX_N} values)", loc)
    return dict(h=h, w=w, c=c, groups=gr, n=n, **channel_constants(node, x, y, n, loc))


def channel_constants(node, x, y, n: int, loc: str) -> dict:
    """eps_q, zp_out and the per-channel mant, expo, sign, bias16 of a normalisation over n values
    (group_norm, layer_norm); TinycError if |gamma| / s_out reaches 2^14."""
    s_in, s_out = x.q.s(), y.q.s()
    c = x.shape[-1]
    gamma = np.asarray(node.attrs["gamma"], np.float64).reshape(c)
    beta = np.asarray(node.attrs["beta"], np.float64).reshape(c)
    mant, expo = np.zeros(c, np.int32), np.zeros(c, np.int32)
    for i in range(c):
        mant[i], expo[i] = quantize_multiplier(abs(float(gamma[i])) / s_out)
    sign = np.where(gamma < 0, -1, 1).astype(np.int32)
    bias16 = np.clip(round_half_away(beta / s_out * 65536.0), -(1 << 31), (1 << 31) - 1).astype(np.int32)
    if expo.max() > 14:
        raise TinycError(f"{node.op}: |gamma| / output scale up to 2^{int(expo.max())}, above 2^14", loc)
    e_add = int(min(max(1, round(float(node.attrs["epsilon"]) * n * n / (s_in * s_in))), 1 << 40))
    return dict(eps_q=e_add, zp_out=y.q.zp(), mant=mant, expo=expo, sign=sign, bias16=bias16)


def normalize_block(blk: np.ndarray, ch0: int, p: dict) -> np.ndarray:
    """The output codes of one group: blk int64 [P, K] (all its values), channels ch0 .. ch0 + K - 1."""
    n = blk.size
    s_sum, q_sum = int(blk.sum()), int((blk * blk).sum())
    d = n * q_sum - s_sum * s_sum + p["eps_q"]
    s = (62 - d.bit_length()) // 2
    r = math.isqrt(d << (2 * s))
    out = np.empty_like(blk)
    for j in range(blk.shape[1]):
        ch = ch0 + j
        m = (int(p["mant"][ch]) * (1 << 31) + r // 2) // r
        sh = 46 - int(p["expo"][ch]) - s
        ci = (n * blk[:, j] - s_sum) * int(p["sign"][ch])
        y16 = (ci * m + (1 << (sh - 1))) >> sh if sh <= 62 else 0 * ci  # int64: |ci| < 2^28, m <= 2^32
        out[:, j] = p["zp_out"] + ((y16 + int(p["bias16"][ch]) + (1 << 15)) >> 16)
    return np.clip(out, -128, 127)


def ref(node, g, x):
    p = _params(node, g)
    c, gr = p["c"], p["groups"]
    k = c // gr
    q = x.astype(np.int64).reshape(-1, c)
    out = np.empty_like(q)
    for gi in range(gr):
        out[:, gi * k:(gi + 1) * k] = normalize_block(q[:, gi * k:(gi + 1) * k], gi * k, p)
    return [out.astype(np.int8).reshape(x.shape)]


def lower(node, g) -> Call:
    p = _params(node, g)
    return Call(template="group_norm_s8.j2", node=node.name, inputs=[node.inputs[0]], outputs=[node.outputs[0]],
                params=dict(pixels=p["h"] * p["w"], channels=p["c"], groups=p["groups"], eps_q=p["eps_q"],
                            zp_out=p["zp_out"]),
                arrays=dict(mant=p["mant"], expo=p["expo"], sign=p["sign"], bias16=p["bias16"]))
