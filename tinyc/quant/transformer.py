"""Integer arithmetic of LiteRT's transformer ops that tinyc turns into tables: RSQRT and GELU.

- RSQRT (elementwise.cc, RsqrtEvalQuantized): per input value v = q - zp_in,
  GetInvSqrtQuantizedMultiplierExp(v) (gemmlowp Newton-Raphson in Q3.28),
  data = MBQM(1, inv_mult, inv_shift + 20), y = MBQM(data, M, shift - 20) + zp_out
  with M = 1 / (sqrt(s_in) * s_out) from QuantizeMultiplier; v == 0 gives the
  type's max. v < 0 is an error in LiteRT; tinyc's table gives the max there too.
- GELU (gelu.cc): LUTPopulate over every input value with
  GeluTransform (exact, erfc form) or GeluTransformApproximate (tanh form),
  both evaluated in float32 with libm.
Both depend only on the input value, so int8 becomes a 256-entry table run by
tc_lut_s8, and int16 a 65536-entry table (tc_lut_s16).
"""
from __future__ import annotations

import math

import numpy as np

from tinyc.quant.fixedpoint import INT32_MAX, mbqm_double, quantize_multiplier, srdhm
from tinyc.quant.gemmlowp import sat_mul_pot, wrap32
from tinyc.quant.lut import _libm_f32, f32

K_SHIFT = 20


def _rescale(x, src_bits: int, dst_bits: int):
    """gemmlowp Rescale<dst>(FixedPoint<src>): saturating multiply by 2^(src - dst)."""
    return sat_mul_pot(x, src_bits - dst_bits)


def inv_sqrt_multiplier_exp(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GetInvSqrtQuantizedMultiplierExp(v, kReverseShift = -1) for int32 v >= 0, vectorised:
    (multiplier, left shift) with 1/sqrt(v) = multiplier * 2^(shift - 31)."""
    v = np.asarray(v, dtype=np.int64).copy()
    small = v <= 1
    v = np.where(small, 2, v)
    shift = np.full(v.shape, 11, dtype=np.int64)
    while (v >= (1 << 29)).any():
        big = v >= (1 << 29)
        v = np.where(big, v // 4, v)
        shift = shift + big
    clz = np.array([32 - int(x).bit_length() for x in v.reshape(-1)], dtype=np.int64).reshape(v.shape)
    pairs = (clz - 1) // 2 - 1
    shift = shift - pairs
    v = v << (2 * pairs)
    fx = v >> 1  # F3
    half = sat_mul_pot(fx, -1)  # SaturatingRoundingMultiplyByPOT<-1>
    half_three = (1 << 28) + (1 << 27)
    x = np.full(v.shape, 1 << 28, dtype=np.int64)  # F3::One()
    for _ in range(5):
        x3 = _rescale(srdhm(srdhm(x, x), x), 9, 3)
        x = _rescale(wrap32(srdhm(half_three, x) - srdhm(half, x3)), 6, 3)
    x = srdhm(x, 1518500250)  # * sqrt(2)/2 in F0: stays F3
    neg = shift < 0
    x = np.where(neg, wrap32(x << np.where(neg, -shift, 0)), x)
    shift = np.where(neg, 0, shift)
    x = np.where(small, INT32_MAX, x)
    shift = np.where(small, 0, shift)
    return x, -shift


def rsqrt_table(s_in: float, zp_in: int, s_out: float, zp_out: int, qmin: int, qmax: int) -> np.ndarray:
    """The output for every input q in [qmin, qmax] (index q - qmin)."""
    m0, sh = quantize_multiplier(1.0 / (math.sqrt(float(np.float32(s_in))) * float(np.float32(s_out))))
    q = np.arange(qmin, qmax + 1, dtype=np.int64)
    v = q - zp_in
    mult, ish = inv_sqrt_multiplier_exp(np.maximum(v, 0))
    data = mbqm_double(np.ones_like(v), mult, ish + K_SHIFT)
    y = mbqm_double(data, m0, sh - K_SHIFT) + zp_out
    y = np.where(v <= 0, qmax, y)
    return np.clip(y, qmin, qmax)


_erfcf = _libm_f32("erfcf")
_tanhf = _libm_f32("tanhf")
_SQRT1_2 = f32(0.70710678118654752440)
_SQRT2_PI = f32(1.12837916709551257390 * 0.70710678118654752440)


def gelu_f32(v) -> np.float32:
    """GeluTransform: 0.5f * x * erfcf(x * -(float)M_SQRT1_2)."""
    v = f32(v)
    return f32(f32(f32(0.5) * v) * _erfcf(f32(v * -_SQRT1_2)))


def gelu_tanh_f32(v) -> np.float32:
    """GeluTransformApproximate: 0.5f * x * (1.f + tanhf(sqrt(2/pi) * (x + 0.044715f * x * x * x)))."""
    v = f32(v)
    cube = f32(f32(f32(f32(0.044715) * v) * v) * v)
    t = _tanhf(f32(_SQRT2_PI * f32(v + cube)))
    return f32(f32(f32(0.5) * v) * f32(f32(1.0) + t))


def rsqrt_values(q, s_in: float, zp_in: int, s_out: float, zp_out: int, qmin: int, qmax: int) -> np.ndarray:
    """RsqrtEvalQuantized<T> on every element of q (int8 or int16 values)."""
    m0, sh = quantize_multiplier(1.0 / (math.sqrt(float(np.float32(s_in))) * float(np.float32(s_out))))
    v = np.asarray(q, dtype=np.int64) - zp_in
    mult, ish = inv_sqrt_multiplier_exp(np.maximum(v, 0))
    data = mbqm_double(np.ones_like(v), mult, ish + K_SHIFT)
    y = mbqm_double(data, m0, sh - K_SHIFT) + zp_out
    return np.clip(np.where(v <= 0, qmax, y), qmin, qmax)


def rsqrt_output_multiplier(s_in: float, s_out: float) -> tuple[int, int]:
    """QuantizeMultiplier(1 / (sqrt(s_in) * s_out)) of the float32 scales, in double."""
    return quantize_multiplier(1.0 / (math.sqrt(float(np.float32(s_in))) * float(np.float32(s_out))))


def lut_populate_s16(s_in: float, zp_in: int, s_out: float, zp_out: int, transform) -> np.ndarray:
    """LUTPopulateInt16<float>: 512 biased samples of transform over the input's real range
    plus the end value, in the output's int16 units (read by LUTLookup with interpolation)."""
    s_in, s_out = f32(s_in), f32(s_out)
    in_min, in_max = f32(s_in * f32(-32768 - zp_in)), f32(s_in * f32(32767 - zp_in))
    out_min, out_max = f32(s_out * f32(-32768 - zp_out)), f32(s_out * f32(32767 - zp_out))
    steps = 512
    step = f32(f32(in_max - in_min) / f32(steps))
    half = f32(step / f32(2))
    inv = f32(f32(65536) / f32(out_max - out_min))

    def rnd(v):
        v = f32(v)
        return f32(math.floor(abs(float(v)) + 0.5) * (1 if v >= 0 else -1))

    lut = np.empty(steps + 1, dtype=np.int16)
    for i in range(steps):
        x0 = f32(in_min + f32(f32(i) * step))
        val = f32(transform(x0))
        mid = f32(transform(f32(x0 + half)))
        nxt = f32(transform(f32(in_min + f32(f32(i + 1) * step))))
        sample = rnd(val * inv)
        interp = rnd(f32(f32(f32(nxt * inv) + sample) / f32(2)))
        bias = rnd(f32(f32(interp - rnd(mid * inv)) / f32(2)))
        lut[i] = int(min(max(float(sample - bias), -32768.0), 32767.0))
    lut[steps] = int(min(max(float(rnd(f32(transform(in_max)) * inv)), -32768.0), 32767.0))
    return lut
