"""gemmlowp's int16 fixed-point logistic and tanh (FixedPoint<int16_t, I>), vectorised in numpy.

TFLite's integer LSTM (tensor_utils ApplySigmoid / ApplyTanh) runs these on int16 gates: a
FixedPoint<int16, I> holds raw / 2^(15 - I). Products are the int16 SaturatingRoundingDoublingHighMul,
sums wrap like int16 (saturate in exp's last step), and gemmlowp's int32 constants are rounded to
int16 by RoundingDivideByPOT(c, 16) (RescaleConstantInitializer). Arrays are int64 holding int16
values; the C twin is runtime_c/src/recurrent/tc_gemmlowp16.h.
"""
from __future__ import annotations

import numpy as np

from tinyc.quant.fixedpoint import rdbpot

S16_MIN, S16_MAX = -32768, 32767


def w16(x) -> np.ndarray:
    """int16 wrap-around."""
    return ((np.asarray(x, dtype=np.int64) + 32768) & 0xFFFF) - 32768


def c16(v32: int) -> int:
    """An int32 gemmlowp constant rescaled to int16 (RoundingDivideByPOT by 16)."""
    return int(rdbpot(np.int64(v32), 16))


def srdhm16(a, b) -> np.ndarray:
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    ab = a * b
    nudge = np.where(ab >= 0, 1 << 14, 1 - (1 << 14))
    s = ab + nudge
    q = np.where(s < 0, -(-s // (1 << 15)), s // (1 << 15))  # C division truncates
    return np.where((a == S16_MIN) & (b == S16_MIN), S16_MAX, w16(q))


def sat_mul_pot16(x, e: int) -> np.ndarray:
    """SaturatingRoundingMultiplyByPOT<e> on int16."""
    x = np.asarray(x, dtype=np.int64)
    if e > 0:
        t = (1 << (15 - e)) - 1
        return np.where(x > t, S16_MAX, np.where(x < -t, S16_MIN, w16(x << e)))
    return rdbpot(x, -e) if e < 0 else x


def _exp_quarter(a) -> np.ndarray:
    """exp on [-1/4, 0), F0 -> F0 (Taylor series around -1/8)."""
    ct, third = c16(1895147668), c16(715827883)
    x = w16(a + (1 << 12))
    x2 = srdhm16(x, x)
    x3 = srdhm16(x2, x)
    x4 = srdhm16(x2, x2)
    inner = sat_mul_pot16(w16(srdhm16(w16(sat_mul_pot16(x4, -2) + x3), third) + x2), -1)
    return np.clip(ct + srdhm16(ct, w16(x + inner)), S16_MIN, S16_MAX)


_BARREL = [(-2, 1672461947), (-1, 1302514674), (0, 790015084), (1, 290630308),
           (2, 39332535), (3, 720401), (4, 242)]


def exp_on_negative_values16(a, bits: int) -> np.ndarray:
    """F<bits> raw a <= 0 -> F0 raw of exp(a)."""
    a = np.asarray(a, dtype=np.int64)
    frac = 15 - bits
    quarter = 1 << (frac - 2)
    a_mod = w16((a & (quarter - 1)) - quarter)
    result = _exp_quarter(sat_mul_pot16(a_mod, bits))
    remainder = w16(a_mod - a)
    for k, mult in _BARREL:
        if bits > k:
            result = np.where((remainder & (1 << (frac + k))) != 0, srdhm16(result, c16(mult)), result)
    if bits > 5:
        result = np.where(a < c16(-(1 << (36 - bits))), 0, result)
    return np.where(a == 0, S16_MAX, result)


def _newton(half_den) -> np.ndarray:
    """x ~ 1 / half_den in F2, three Newton-Raphson steps from 48/17 - 32/17 d."""
    x = w16(c16(1515870810) + srdhm16(half_den, c16(-1010580540)))
    for _ in range(3):
        one_minus = w16((1 << 13) - srdhm16(half_den, x))
        x = w16(x + sat_mul_pot16(srdhm16(x, one_minus), 2))
    return x


def _half_sum_one(a) -> np.ndarray:
    """RoundingHalfSum(a, F0::One()) for int16."""
    s = np.asarray(a, dtype=np.int64) + S16_MAX
    t = s + np.where(s >= 0, 1, -1)
    return w16(np.where(t < 0, -(-t // 2), t // 2))


def logistic16(a, bits: int) -> np.ndarray:
    """gemmlowp::logistic(FixedPoint<int16, bits>) -> F0 raw."""
    a = np.asarray(a, dtype=np.int64)
    pos = a > 0
    abs_a = np.where(pos, a, w16(-a))
    rp = sat_mul_pot16(_newton(_half_sum_one(exp_on_negative_values16(w16(-abs_a), bits))), 1)
    rn = w16(S16_MAX - rp)
    return np.where(a == 0, 1 << 14, np.where(pos, rp, rn))


def tanh16(a, bits: int) -> np.ndarray:
    """gemmlowp::tanh(FixedPoint<int16, bits>) -> F0 raw."""
    a = np.asarray(a, dtype=np.int64)
    neg = a < 0
    n = np.where(neg, a, w16(-a))
    t = sat_mul_pot16(w16(_newton(_half_sum_one(exp_on_negative_values16(n, bits + 1))) - (1 << 13)), 2)
    return np.where(a == 0, 0, np.where(neg, w16(-t), t))
