"""TFLite's affine (de)quantization and rescaling arithmetic, in numpy.

These are the float32 and fixed-point formulas of TFLite's reference
QUANTIZE, DEQUANTIZE and (uint8) CONCATENATION kernels, reproduced so that
the results are the exact bytes TFLite produces:

- quantize:   q = clamp(zp + round_half_away(float32(x) / float32(scale)))
- dequantize: x = float32(scale) * float32(q - zp)  (one rounding, as TFLite's double product cast to float)
- rescale:    q' = clamp(round_half_away(q * s + b) + zp_out), s = s_in * (1 / s_out), b = -zp_in * s, all float32
- requantize: q' = clamp(MBQM(q - zp_in, M0, shift) + zp_out), M = s_in / s_out in float64,
  with DOUBLE rounding (SRDHM then RDBPOT): LiteRT's QUANTIZE kernel rounds twice, unlike
  its conv / fully connected (single rounding); tests/ops/test_quantize.py checks both facts.
"""
from __future__ import annotations

import numpy as np

from tinyc.quant.fixedpoint import mbqm_double, quantize_multiplier

INT_RANGE = {"int8": (-128, 127), "int16": (-32768, 32767), "uint8": (0, 255), "int32": (-(1 << 31), (1 << 31) - 1)}


def roundf(x) -> np.ndarray:
    """C roundf of float32 values (half away from zero), exact: the +0.5 is done in float64.

    (Adding 0.5 in float32 rounds 0.49999997 up to 1 and breaks odd integers
    above 2^23, so float32 inputs are widened first.)
    """
    x = np.asarray(x, dtype=np.float32).astype(np.float64)
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def int_range(dtype: str) -> tuple[int, int]:
    """(min, max) of an integer tensor dtype."""
    return INT_RANGE[dtype]


def quantize_f32(x, scale: float, zp: int, qmin: int, qmax: int) -> np.ndarray:
    """TFLite AffineQuantize: float32 -> int64 array in [qmin, qmax]. NaN maps to qmin.

    The clamp is applied in float before the integer conversion, which gives
    the same result as TFLite's int32 clamp for every finite value and keeps
    the C version free of out-of-range float->int conversions.
    """
    x = np.asarray(x, dtype=np.float32)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        r = roundf(x / np.float32(scale)).astype(np.float32)
        lo, hi = np.float32(qmin - zp), np.float32(qmax - zp)
        r = np.where(r >= lo, r, lo)  # NaN compares false -> lo
        r = np.where(r <= hi, r, hi)
    return r.astype(np.int64) + zp


def dequantize_f32(q, scale: float, zp: int) -> np.ndarray:
    """TFLite Dequantize: float32(scale * (q - zp))."""
    d = (np.asarray(q, dtype=np.int64) - zp).astype(np.float32)
    return (np.float32(scale) * d).astype(np.float32)


def rescale_params(s_in: float, zp_in: int, s_out: float) -> tuple[np.float32, np.float32]:
    """The (scale, bias) pair of ConcatenationWithScaling, in float32 as TFLite computes it."""
    inv = np.float32(1.0) / np.float32(s_out)
    s = np.float32(np.float32(s_in) * inv)
    b = np.float32(np.float32(-zp_in) * s)
    return s, b


def rescale(q, s_in: float, zp_in: int, s_out: float, zp_out: int, qmin: int, qmax: int) -> np.ndarray:
    """ConcatenationWithScaling's per-element rescale: clamp(round(q * s + b) + zp_out)."""
    s, b = rescale_params(s_in, zp_in, s_out)
    v = np.asarray(q, dtype=np.int64).astype(np.float32) * s  # separate float32 ops: no FMA
    v = (v + b).astype(np.float32)
    r = roundf(v).astype(np.int64) + zp_out
    return np.clip(r, qmin, qmax)


def rescale_lut(s_in: float, zp_in: int, s_out: float, zp_out: int) -> np.ndarray:
    """int8 table t[q + 128] = rescale(q) for every int8 q: what the C kernel looks up."""
    q = np.arange(-128, 128)
    return rescale(q, s_in, zp_in, s_out, zp_out, -128, 127).astype(np.int8)


def requantize_multiplier(s_in: float, s_out: float) -> tuple[int, int]:
    """(M0, shift) of s_in / s_out, from float64 of the float32 scales (TFLite Prepare)."""
    return quantize_multiplier(float(np.float64(np.float32(s_in)) / np.float64(np.float32(s_out))))


def requantize(q, s_in: float, zp_in: int, s_out: float, zp_out: int, qmin: int, qmax: int) -> np.ndarray:
    """TFLite Requantize: clamp(MBQM(q - zp_in) + zp_out) to [qmin, qmax], double rounding."""
    m0, shift = requantize_multiplier(s_in, s_out)
    y = mbqm_double(np.asarray(q, dtype=np.int64) - zp_in, m0, shift) + zp_out
    return np.clip(y, qmin, qmax)
