"""gemmlowp's int32 fixed-point functions, vectorised in numpy (for TFLite's int8 softmax).

A FixedPoint<int32, I> holds raw / 2^(31 - I). Products are
SaturatingRoundingDoublingHighMul, sums wrap like int32, Rescale is a
saturating (left) or rounding (right) power-of-two multiply. Arrays are int64
holding int32 values, as in tinyc.quant.fixedpoint.
"""
from __future__ import annotations

import math

import numpy as np

from tinyc.quant.fixedpoint import INT32_MAX, INT32_MIN, mbqm, quantize_multiplier, rdbpot, srdhm


def wrap32(x) -> np.ndarray:
    """int32 wrap-around of an int64 value."""
    return ((np.asarray(x, dtype=np.int64) + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def sat_mul_pot(x, exponent: int) -> np.ndarray:
    """SaturatingRoundingMultiplyByPOT<exponent>: saturating << for exponent > 0, rounding >> below 0."""
    x = np.asarray(x, dtype=np.int64)
    if exponent >= 0:
        return np.clip(x << exponent, INT32_MIN, INT32_MAX)
    return rdbpot(x, -exponent)


def rounding_half_sum(a, b) -> np.ndarray:
    s = np.asarray(a, dtype=np.int64) + np.asarray(b, dtype=np.int64)
    t = s + np.where(s >= 0, 1, -1)
    return np.where(t < 0, -(-t // 2), t // 2)  # C division truncates


def _exp_quarter_interval(a) -> np.ndarray:
    """exp(a) for a in [-1/4, 0), F0 -> F0: Taylor series around -1/8."""
    x = wrap32(a + (1 << 28))
    x2 = srdhm(x, x)
    x3 = srdhm(x2, x)
    x4 = srdhm(x2, x2)
    inner = wrap32(srdhm(wrap32(rdbpot(x4, 2) + x3), 715827883) + x2)
    return wrap32(1895147668 + srdhm(1895147668, wrap32(x + rdbpot(inner, 1))))


_BARREL = [(-2, 1672461947), (-1, 1302514674), (0, 790015084), (1, 290630308),
           (2, 39332535), (3, 720401), (4, 242)]


def exp_on_negative_values(a, integer_bits: int) -> np.ndarray:
    """gemmlowp exp_on_negative_values: F<integer_bits> raw a <= 0 -> F0 raw of exp(a)."""
    a = np.asarray(a, dtype=np.int64)
    frac = 31 - integer_bits
    quarter = 1 << (frac - 2)
    a_mod = wrap32((a & (quarter - 1)) - quarter)
    result = _exp_quarter_interval(sat_mul_pot(a_mod, integer_bits))
    remainder = wrap32(a_mod - a)
    for k, mult in _BARREL:
        if integer_bits > k:
            bit = (remainder & (1 << (frac + k))) != 0
            result = np.where(bit, srdhm(result, mult), result)
    if integer_bits > 5:
        result = np.where(a < -(1 << (36 - integer_bits)), 0, result)
    return np.where(a == 0, INT32_MAX, result)


def one_over_one_plus_x(a) -> np.ndarray:
    """gemmlowp one_over_one_plus_x_for_x_in_0_1: F0 -> F0, Newton-Raphson in F2."""
    half_den = rounding_half_sum(a, INT32_MAX)
    x = wrap32(1515870810 + srdhm(half_den, -1010580540))
    for _ in range(3):
        one_minus = wrap32((1 << 29) - srdhm(half_den, x))
        x = wrap32(x + sat_mul_pot(srdhm(x, one_minus), 2))
    return sat_mul_pot(x, 1)


def clz32(x) -> np.ndarray:
    """Count leading zeros of positive int32 values."""
    x = np.asarray(x, dtype=np.int64)
    return 32 - np.frexp(x.astype(np.float64))[1].astype(np.int64)


def get_reciprocal(x, integer_digits: int) -> tuple[np.ndarray, np.ndarray]:
    """TFLite GetReciprocal: (F0 raw of 1 / x normalised, num_bits_over_unit) for x > 0."""
    headroom = clz32(x)
    shifted = wrap32((np.asarray(x, dtype=np.int64) << headroom) - (1 << 31))
    return one_over_one_plus_x(shifted), integer_digits - headroom


# --- TFLite int8 softmax (reference_ops::Softmax) --------------------------------------------

SCALED_DIFF_BITS = 5
ACCUM_BITS = 12


def softmax_params(beta: float, s_in: float) -> tuple[int, int, int]:
    """PreprocessSoftmaxScaling + CalculateInputRadius: (input_multiplier, left_shift, diff_min)."""
    real = min(float(np.float32(beta)) * float(np.float32(s_in)) * (1 << (31 - SCALED_DIFF_BITS)),
               float((1 << 31) - 1))
    mult, shift = quantize_multiplier(real)
    if shift < 0:
        raise ValueError("beta * input scale is too small for TFLite's int8 softmax")
    radius = ((1 << SCALED_DIFF_BITS) - 1) * (1 << (31 - SCALED_DIFF_BITS)) / (1 << shift)
    return mult, shift, -int(math.floor(radius))


def softmax_exp_table(beta: float, s_in: float) -> np.ndarray:
    """int32[256]: F0 raw of exp(beta * s_in * d) for d = index - 255 in [-255, 0]; 0 below diff_min."""
    mult, shift, diff_min = softmax_params(beta, s_in)
    diff = np.arange(-255, 1, dtype=np.int64)
    ok = diff >= diff_min
    scaled = mbqm(np.where(ok, diff, 0), mult, shift)
    return np.where(ok, exp_on_negative_values(scaled, SCALED_DIFF_BITS), 0).astype(np.int32)


def softmax_rows_s8(q: np.ndarray, table: np.ndarray) -> np.ndarray:
    """reference_ops::Softmax (int8 -> int8, output 1/256, -128) of each row of q [rows, depth]."""
    q = np.asarray(q, dtype=np.int64)
    e = table.astype(np.int64)[255 + q - q.max(axis=1, keepdims=True)]
    total = rdbpot(e, ACCUM_BITS).sum(axis=1)
    scale, bits_over_unit = get_reciprocal(total, ACCUM_BITS)
    exponent = (bits_over_unit + 31 - 8)[:, None]  # > 31 when the exp sum >= 512: LiteRT aborts, tinyc gives 0
    y = rdbpot(srdhm(scale[:, None], e), exponent) - 128
    return np.clip(y, -128, 127).astype(np.int8)


# --- TFLite int8 log-softmax (reference_integer_ops::LogSoftmax) -----------------------------

_LOG_2 = 1488522236  # F0 constants of TFLite's log_x_for_x_greater_than_or_equal_to_1
_SQRT_SQRT_HALF = 1805811301
_SQRT_HALF = 1518500250
_ALPHA_N, _ALPHA_D, _ALPHA_I, _ALPHA_F = 117049297, 127690142, 1057819769, 638450708


def sat_add(a, b) -> np.ndarray:
    """Saturating int32 a + b."""
    return np.clip(np.asarray(a, dtype=np.int64) + np.asarray(b, dtype=np.int64), INT32_MIN, INT32_MAX)


def sat_mul_pot_param(x, exponent) -> np.ndarray:
    """SaturatingRoundingMultiplyByPOTParam for exponents >= 0 (array-valued): saturating left shift."""
    x = np.asarray(x, dtype=np.int64)
    return np.clip(x << np.asarray(exponent, dtype=np.int64), INT32_MIN, INT32_MAX)


def log_x_ge_1(x, input_bits: int, output_bits: int) -> np.ndarray:
    """TFLite log_x_for_x_greater_than_or_equal_to_1: F<input_bits> raw x >= 1.0 -> F<output_bits> raw of ln(x)."""
    x = np.asarray(x, dtype=np.int64)
    accum_bits = output_bits + 1
    quarter = int(rdbpot(1 << 29, accum_bits))  # 1/4 in F<accum_bits>
    clz_a = clz32(x)
    r_a = sat_mul_pot(srdhm(sat_mul_pot_param(x, clz_a - 1), _SQRT_HALF), 1)
    pow2_a = sat_add(sat_mul_pot_param(input_bits - clz_a, 31 - accum_bits), quarter)
    headroom_b = clz32(srdhm(x, _SQRT_HALF)) - 1
    r_b = sat_mul_pot_param(x, headroom_b)
    pow2_b = np.clip(sat_mul_pot_param(input_bits - headroom_b, 31 - accum_bits) - quarter, INT32_MIN, INT32_MAX)
    r = np.minimum(r_a, r_b)
    pow2 = np.maximum(pow2_a, pow2_b)
    # x = 2^pow2 * r with r near 2^(-1/4); ln(r) by a rational approximation in q = 2(r - 2^(-1/4))
    p = rounding_half_sum(r, _SQRT_SQRT_HALF)
    q = wrap32(2 * wrap32(r - _SQRT_SQRT_HALF))
    sq = srdhm(q, q)
    num = wrap32(srdhm(q, r) + srdhm(srdhm(q, sq), _ALPHA_N))
    inner = wrap32(wrap32(_ALPHA_I + q) + srdhm(_ALPHA_D, sq))
    den_minus_one = wrap32(srdhm(p, inner) + srdhm(_ALPHA_F, q))
    recip = one_over_one_plus_x(den_minus_one)
    total = wrap32(srdhm(pow2, _LOG_2) + srdhm(rdbpot(num, accum_bits), recip))
    return sat_mul_pot(total, accum_bits - output_bits)


LOG_OUTPUT_BITS = 4  # output Q4.27 before the final shift to scale 16/256


def log_softmax_params(beta: float, s_in: float) -> dict:
    """PreprocessLogSoftmaxScalingExp + CalculateInputRadius (TFLite single-rounding build).

    Keys: input_mult, input_shift (Q5.26 diff scaling), reverse_mult, reverse_shift (its
    inverse, as a MultiplyByQuantizedMultiplier shift <= 0) and diff_min.
    """
    real = min(float(beta) * float(np.float32(s_in)) * (1 << (31 - SCALED_DIFF_BITS)), float((1 << 30) - 1))
    if not real > 1.0:
        raise ValueError("beta * input scale is too small for TFLite's int8 log_softmax")
    mult, shift = quantize_multiplier(real)
    reverse = (1 << (31 - shift)) / float(mult)
    rmult, rshift = quantize_multiplier(reverse)
    radius = ((1 << SCALED_DIFF_BITS) - 1) * (1 << (31 - SCALED_DIFF_BITS)) / (1 << shift)
    return dict(input_mult=mult, input_shift=shift, reverse_mult=rmult, reverse_shift=rshift,
                diff_min=-int(math.floor(radius)))


def log_softmax_tables(p: dict) -> tuple[np.ndarray, np.ndarray]:
    """(diff_q5, exp_q12), int32[256] each, indexed by 255 + d for d = x - max(row) in [-255, 0]:
    d scaled into Q5.26, and exp of it rescaled to Q12.19 (0 where d < diff_min, which TFLite skips)."""
    diff = np.arange(-255, 1, dtype=np.int64)
    ok = diff >= p["diff_min"]
    scaled = mbqm(np.where(ok, diff, 0), p["input_mult"], p["input_shift"])
    e = rdbpot(exp_on_negative_values(scaled, SCALED_DIFF_BITS), ACCUM_BITS)
    return scaled.astype(np.int32), np.where(ok, e, 0).astype(np.int32)


def log_softmax_rows_s8(q: np.ndarray, p: dict, diff_q5: np.ndarray, exp_q12: np.ndarray) -> np.ndarray:
    """reference_integer_ops::LogSoftmax (int8 -> int8, output 16/256, 127) of each row of q [rows, depth]."""
    q = np.asarray(q, dtype=np.int64)
    diff = q - q.max(axis=1, keepdims=True)
    total = exp_q12.astype(np.int64)[255 + diff].sum(axis=1)
    log_sum = log_x_ge_1(total, ACCUM_BITS, SCALED_DIFF_BITS)
    limit = mbqm(wrap32(log_sum + INT32_MIN), p["reverse_mult"], p["reverse_shift"])
    adjusted = np.maximum(p["diff_min"] - 1, limit)[:, None]
    shift = 31 - SCALED_DIFF_BITS - LOG_OUTPUT_BITS
    y = rdbpot(wrap32(diff_q5.astype(np.int64)[255 + diff] - log_sum[:, None]), shift) + 127
    return np.where(diff > adjusted, np.clip(y, -128, 127), -128).astype(np.int8)
