"""TFLite's fixed-point requantization, in numpy (the Python side of tc_fixedpoint.h).

A real multiplier M > 0 is stored as (M0, shift) with M = M0 * 2^(shift - 31)
and M0 in [2^30, 2^31). TFLite has two ways to apply it:
- "double rounding" (SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT);
- "single rounding" (TFLITE_SINGLE_ROUNDING: one 64-bit multiply, add half, shift).
The oracle, LiteRT with BUILTIN_REF, uses both, per op, and tests pin each:
- single rounding (`mbqm`) for fully connected: on the
  MLPerf Tiny AD model double rounding differs in ~15% of outputs by one LSB,
  single rounding in none (tests/test_rounding.py);
- double rounding (`mbqm_double`) for conv, depthwise conv, add, mul, relu,
  mean and requantize (tests/ops/test_conv2d.py, test_mean.py, test_add_mul.py,
  test_clamp.py, test_quantize.py).
All functions take and return int64 arrays holding int32 values, so C's int32
arithmetic is reproduced exactly.
"""
from __future__ import annotations

import math

import numpy as np

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1


def round_half_away(x):
    """C's round()/std::round: halves go away from zero (numpy's np.round goes to even)."""
    x = np.asarray(x, dtype=np.float64)  # widen first: +0.5 in float32 would round a second time
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def quantize_multiplier(m: float) -> tuple[int, int]:
    """TFLite QuantizeMultiplier: real multiplier -> (int32 M0, shift)."""
    if m == 0.0:
        return 0, 0
    mant, shift = math.frexp(m)
    q = int(round_half_away(mant * (1 << 31)))
    if q == (1 << 31):
        q //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    if shift > 30:
        return INT32_MAX, 30
    return q, shift


def quantize_multipliers(ms) -> tuple[np.ndarray, np.ndarray]:
    """Vector form of quantize_multiplier: (int32 M0[], int32 shift[]), the same steps on arrays."""
    a = np.asarray(ms, dtype=np.float64).reshape(-1)
    if not np.all(np.isfinite(a)):  # quantize_multiplier's own error
        pairs = [quantize_multiplier(float(m)) for m in a]
        return (np.array([p[0] for p in pairs], dtype=np.int32),
                np.array([p[1] for p in pairs], dtype=np.int32))
    mant, shift = np.frexp(a)  # frexp(0) = (0, 0): M0 0, shift 0 as for m == 0
    q = round_half_away(mant * float(1 << 31)).astype(np.int64)
    top = q == (1 << 31)
    q, shift = np.where(top, q // 2, q), np.where(top, shift + 1, shift)
    tiny, big = shift < -31, shift > 30
    q = np.where(tiny, 0, np.where(big, INT32_MAX, q))
    shift = np.where(tiny, 0, np.where(big, 30, shift))
    return q.astype(np.int32), shift.astype(np.int32)


def _trunc_div(x: np.ndarray, d: int) -> np.ndarray:
    """Integer division rounding toward zero, like C's '/'."""
    q = np.abs(x) // d
    return np.where(x < 0, -q, q)


def srdhm(a, b) -> np.ndarray:
    """SaturatingRoundingDoublingHighMul(int32 a, int32 b)."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    ab = a * b
    nudge = np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    res = _trunc_div(ab + nudge, 1 << 31)
    overflow = (a == INT32_MIN) & (b == INT32_MIN)
    return np.where(overflow, INT32_MAX, res).astype(np.int64)


def rdbpot(x, exponent) -> np.ndarray:
    """RoundingDivideByPOT(int32 x, int exponent >= 0): round half away from zero."""
    x = np.asarray(x, dtype=np.int64)
    e = np.asarray(exponent, dtype=np.int64)
    mask = (np.int64(1) << e) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> e) + (remainder > threshold)


def mbqm(x, m0, shift) -> np.ndarray:
    """MultiplyByQuantizedMultiplier(int32 x, M0, shift), TFLite single rounding:
    (x * M0 + 2^(30 - shift)) >> (31 - shift), in 64 bits.

    m0 and shift broadcast against x (per-channel: shape (C,) against [..., C]).
    """
    x = np.asarray(x, dtype=np.int64)
    total = 31 - np.asarray(shift, dtype=np.int64)
    return (x * np.asarray(m0, dtype=np.int64) + (np.int64(1) << (total - 1))) >> total


def mbqm_away(x, m0, shift) -> np.ndarray:
    """mbqm with halves rounded away from zero: (x * M0 + 2^(T-1) - [x * M0 < 0]) >> T, T = 31 - shift.

    LiteRT 2.x's reference FULLY_CONNECTED computes round(double(acc) * scale) (C round: halves away
    from zero); with M0 * 2^-T equal to that scale (any scale of at most 31 significant bits, e.g.
    powers of two) this is the same integer, exact ties included, where mbqm rounds -2.5 to -2.
    """
    x = np.asarray(x, dtype=np.int64)
    total = 31 - np.asarray(shift, dtype=np.int64)
    p = x * np.asarray(m0, dtype=np.int64)
    return (p + (np.int64(1) << (total - 1)) - (p < 0)) >> total


def mbqm_double(x, m0, shift) -> np.ndarray:
    """MultiplyByQuantizedMultiplier(int32 x, M0, shift), TFLite double rounding.

    m0 and shift broadcast against x (per-channel: shape (C,) against [..., C]).
    """
    x = np.asarray(x, dtype=np.int64)
    shift = np.asarray(shift, dtype=np.int64)
    left = np.maximum(shift, 0)
    right = np.maximum(-shift, 0)
    xl = (x << left).astype(np.int32).astype(np.int64)  # int32 wrap, as in C
    return rdbpot(srdhm(xl, m0), right)


def requantize_s8(acc, m0, shift, out_zp: int, act_min: int = -128, act_max: int = 127) -> np.ndarray:
    """acc (int32) -> int8 as LiteRT's FULLY_CONNECTED: scale with single rounding, halves away from
    zero (mbqm_away), add the output zero point, clamp to [act_min, act_max]."""
    y = mbqm_away(acc, m0, shift) + out_zp
    return np.clip(y, act_min, act_max).astype(np.int8)


def quantize_value(v: float, scale: float, zp: int) -> int:
    """TFLite's Quantize for one value: zp + round(float32(v) / float32(scale))."""
    q = np.float32(v) / np.float32(scale)
    return int(zp + round_half_away(q))


def activation_range(act, scale: float, zp: int, qmin: int = -128, qmax: int = 127) -> tuple[int, int]:
    """CalculateActivationRangeQuantized for a fused clamp act=(lo, hi) in real units."""
    lo, hi = act if act is not None else (-math.inf, math.inf)
    amin, amax = qmin, qmax
    if lo != -math.inf:
        amin = max(qmin, quantize_value(lo, scale, zp))
    if hi != math.inf:
        amax = min(qmax, quantize_value(hi, scale, zp))
    return amin, amax
