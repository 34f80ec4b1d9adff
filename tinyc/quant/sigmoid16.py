"""LiteRT's int16 TANH and LOGISTIC (16x8, reference_integer_ops), in numpy.

Both read one 256-entry uint16 table of sigmoid(i / 24) in Q0.16 with linear interpolation
(tanh(x) = 2 sigmoid(2x) - 1). The table is not a plain rounding of the samples: tinyc derives it
as round(65536 sigmoid(i/24) + e_i / 2), e_i being the error of the linear interpolation at the
middle of step i (the sample is raised by half the chord's sag, as LUTPopulate does for its int16
tables), and the last entry is 65535, the value the kernels saturate to past the table. Over every
int16 input at many scales this reproduces LiteRT exactly (tests/ops/test_sigmoid16.py); the
nearest entry to a rounding tie is 0.004 away, so double arithmetic is enough.

Prepare (input and output zero points 0, output scale 2^-15 up to CheckedLog2's 1e-3 tolerance
in log2): an input scale within that tolerance of 2^-12 (TANH: also 2^-11) is a power of two and
the input is multiplied by 3 (6 for TANH at 2^-11); any other scale s gives the integer multiplier
M = trunc(s * 12288 * 2^k) with the smallest k >= 1 that brings it above 16383.5, and the input
becomes (x M + 2^(k-1)) >> k. In those units 3 * 4096 is 1.0.

Eval: v = the scaled input, a = |v|. LOGISTIC reads entry a >> 9 with 9 fraction bits, TANH entry
a >> 8 with 8; both saturate from entry 255 on, mirror negative inputs and round to int16
(formulas in logistic_s16 / tanh_s16).
"""
from __future__ import annotations

import math

import numpy as np

TABLE_SIZE = 256


def _sigmoid(t: float) -> float:
    return 1.0 / (1.0 + math.exp(-t))


def sigmoid_table() -> np.ndarray:
    """uint16[256]: entry i ~ 65536 * sigmoid(i / 24), biased by half the interpolation error."""
    out = np.empty(TABLE_SIZE, dtype=np.uint16)
    for i in range(TABLE_SIZE - 1):
        lo, hi = _sigmoid(i / 24), _sigmoid((i + 1) / 24)
        sag = _sigmoid((i + 0.5) / 24) - (lo + hi) / 2
        out[i] = int(math.floor(65536.0 * (lo + sag / 2) + 0.5))
    out[TABLE_SIZE - 1] = 65535
    return out


def checked_log2(scale: float) -> tuple[bool, int]:
    """TFLite CheckedLog2 in float32: (log2(scale) within 1e-3 of an integer, that integer)."""
    s = np.float32(scale)
    lg = np.float32(np.float32(np.log(s)) * np.float32(np.float32(1.0) / np.float32(np.log(np.float32(2.0)))))
    r = np.float32(math.copysign(math.floor(abs(float(lg)) + 0.5), float(lg)))
    return bool(abs(np.float32(lg - r)) < np.float32(1e-3)), int(r)


def output_scale_ok(scale: float) -> bool:
    pot, lg = checked_log2(scale)
    return pot and lg == -15


def input_params(scale: float, op: str) -> tuple[int, int]:
    """(multiplier, right shift) of Prepare, in the kernel's form: v = (x * multiplier + round) >> shift.
    The power-of-two case gives (3 << shift, 0) as the kernel turns it into."""
    pot, lg = checked_log2(scale)
    shift = 12 + lg
    pot = pot and (shift in (0, 1) if op == "tanh" else shift == 0)
    if pot:
        return 3 << shift, 0
    m, shift = float(np.float32(scale)) * 4096.0 * 3.0, 0
    while m <= 32767.0 / 2.0 and shift <= 30:
        shift += 1
        m *= 2.0
    return int(m), shift


def _scaled(x, multiplier: int, shift: int) -> np.ndarray:
    rnd = (1 << (shift - 1)) if shift > 0 else 0
    return (np.asarray(x, dtype=np.int64) * multiplier + rnd) >> shift


def _interp(a, frac_bits: int, table) -> np.ndarray:
    """(table[a >> b] << b) + (a & (2^b - 1)) * (table[a >> b + 1] - table[a >> b]); a >> b < 255."""
    t = np.asarray(table, dtype=np.int64)
    uh = np.minimum(a >> frac_bits, TABLE_SIZE - 2)
    ua, ub = t[uh], t[uh + 1]
    return (ua << frac_bits) + (a & ((1 << frac_bits) - 1)) * (ub - ua)


def logistic_s16(x, multiplier: int, shift: int, table) -> np.ndarray:
    v = _scaled(x, multiplier, shift)
    a = np.abs(v)
    r = np.where((a >> 9) >= 255, 0x7FFF << 10, _interp(a, 9, table))
    r = np.where(v >= 0, r + (1 << 9), (1 << 25) - r + (1 << 9) - 1)
    return (r >> 10).astype(np.int16)


def tanh_s16(x, multiplier: int, shift: int, table) -> np.ndarray:
    v = _scaled(x, multiplier, shift)
    a = np.abs(v)
    r = np.where((a >> 8) >= 255, 0xFFFF << 8, _interp(a, 8, table))
    r = np.where(v >= 0, r - (1 << 23) + (1 << 7), -r + (1 << 23) + (1 << 7) - 1)
    return ((r >> 8) & 0xFFFF).astype(np.uint16).view(np.int16)
