"""Convolution on bit-plane codes (tc_convolve_bp_s8): the lookup tables and when they apply.

A nonneg map stored at b bits holds codes u with q - zp = u * step (pack.make_grid),
so a convolution reading it needs sum_k w_k (q_k - zp) = step * sum_k w_k u_k, and
sum_k w_k u_k = sum_j 2^j sum_k w_k bit_j(u_k). The column of one output pixel is
K = KH*KW*C bits per plane, K / 8 bytes; for byte i and its value v, the row
table[g][i][v] holds four words, word s = T(8g+2s) + 65536 * T(8g+2s+1),
T(c) = sum of filter c's weights k = 8i + t over the set bits t of v. One
row load and four adds per byte per plane serve 64 MACs, so the instructions
per MAC are proportional to b.
Each lane's sum over a column must fit int16 (checked here, offline); planes
are summed `chunk_planes` at a time (plane j0 + d shifted by d) while that holds.
"""
from __future__ import annotations

import numpy as np

from tinyc.ir import Graph, Node

MAX_TAPS = 25  # TC_BP_MAX_TAPS
MAX_C = 64  # TC_BP_MAX_C


def _byte_sums(w: np.ndarray) -> np.ndarray:
    """int64 [C_OUT, K/8, 256]: per filter, column byte and byte value, the sum of the selected weights."""
    n = w.shape[0]
    wk = w.reshape(n, -1, 8).astype(np.int64)  # [C_OUT, K/8, 8]
    bits = (np.arange(256)[:, None] >> np.arange(8)[None, :]) & 1  # [256, 8]
    return np.einsum("okt,vt->okv", wk, bits)


def lane_bound(w: np.ndarray) -> int:
    """Largest |lane sum| any column can reach: per filter, sum over bytes of the largest |entry|."""
    return int(np.abs(_byte_sums(w)).max(axis=2).sum(axis=1).max(initial=0))


def bp_table(w: np.ndarray) -> np.ndarray:
    """int32 [(C_OUT + 7) / 8, K/8, 256, 4] of filter w [C_OUT, KH, KW, C] (C % 8 == 0): word s of
    group g packs channels 8g + 2s (low lane) and 8g + 2s + 1 (high lane); C_OUT padded with zeros."""
    t = _byte_sums(w)
    pad = -t.shape[0] % 8
    t = np.concatenate([t, np.zeros((pad, *t.shape[1:]), dtype=t.dtype)])
    packed = t[0::2] + 65536 * t[1::2]  # [C_OUT/2, K/8, 256]
    groups = packed.reshape(-1, 4, *packed.shape[1:]).transpose(0, 2, 3, 1)  # [C_OUT/8, K/8, 256, 4]
    return np.ascontiguousarray((groups & 0xFFFFFFFF).astype(np.uint32).view(np.int32))


def requant_table(mult: np.ndarray, shift: np.ndarray, bias: np.ndarray | None, out_offset: int) -> np.ndarray | None:
    """int32 [C_OUT, 4] (mult, k, rs, bias) of tc_dr_chan_of's folded requantization with the
    output offset in k (tc_conv_requant.h), or None when a channel needs the generic path
    (a left shift, or a right shift beyond TC_DR_MAX_RS + 1)."""
    rows = []
    for c, (m, sh) in enumerate(zip(np.asarray(mult).tolist(), np.asarray(shift).tolist())):
        rs = max(-sh, 0) - 1
        if sh > 0 or not 0 <= rs <= 22 or m < 0:
            return None
        k = ((2 << rs) + 1 + (int(out_offset) << (rs + 2))) & 0xFFFFFFFF
        rows.append([m, k - (1 << 32) if k >= 1 << 31 else k, rs, 0 if bias is None else int(bias[c])])
    return np.asarray(rows, dtype=np.int64).astype(np.int32)


def reads_codes(n: Node, g: Graph) -> bool:
    """Can node n (reading a stage map as input 0) run tc_convolve_bp_s8? conv2d, one group, int8
    weights, not 1x1 (1x1 kernels may run in place), C % 8 == 0, taps and lanes in range."""
    if n.op != "conv2d" or int(n.attrs.get("groups", 1)) != 1:
        return False
    w = g.tensors[n.inputs[1]]
    if not w.is_const or w.data is None or len(w.shape) != 4:
        return False
    cout, kh, kw, c = w.shape
    x = g.tensors[n.inputs[0]]
    if kh * kw == 1 or c % 8 or c > MAX_C or x.shape[-1] != c or n.attrs.get("weight_bits", 8) != 8:
        return False
    return kh * kw <= MAX_TAPS and lane_bound(w.data) <= 32767


def chunk_planes(w: np.ndarray, bits: int) -> int:
    """How many planes tc_convolve_bp_s8 may sum in one accumulator (lanes within int16)."""
    bound = lane_bound(w)
    return max(c for c in range(1, bits + 1) if bound * ((1 << c) - 1) <= 32767)
