"""TFLite's int16 softmax (reference_ops::SoftmaxInt16), in numpy.

Prepare builds two 513-entry int16 tables with LUTPopulateInt16<double> (double arithmetic and
libm, "for backward compatibility"): exp on the input range of scale 10/65535, zero point 32767
([-10, 0]), and 1 / (1 + x) on scale 1/65535, zero point -32768 ([0, 1]); both to the output scale
2/65535 ([-1, 1] in Q0.15). Eval, per row: scale each row-max difference into [-65535, 0] ~ [-10, 0]
(MultiplyByQuantizedMultiplier by s_in * beta / (10 / 65535), the product s_in * beta taken in float32
as the C++ does), look it up with linear interpolation, sum the exps, normalise the sum by its leading
zeros, look up its reciprocal and rescale each exp. Output scale 1/32768, zero point 0.
The tables are computed here at compile time; tc_softmax_s16 does the per-row part.

Exactness (tests/ops/test_softmax16.py): a float32 table differs from LiteRT's in two entries of the
reciprocal table, and a double-precision s_in * beta in a few multipliers; either gives 1-LSB errors.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from tinyc.quant.fixedpoint import mbqm_double, quantize_multiplier

LUT_SIZE = 513
_RANGE = 65535  # int16 max - min


def _round(v: float) -> float:
    """TfLiteRound on a double (std::round: halves away from zero)."""
    return math.copysign(math.floor(abs(v) + 0.5), v)


def lut_populate_s16_f64(s_in: float, zp_in: int, s_out: float, zp_out: int, func) -> np.ndarray:
    """LUTPopulateInt16<double>: 512 samples of func over the input's real range, each biased by half
    the error of linear interpolation at the step's midpoint, plus the end value; all in double.
    func must be a libm-backed scalar function (math.exp ...), as the C++ calls std::exp."""
    in_min, in_max = s_in * (-32768 - zp_in), s_in * (32767 - zp_in)
    out_min, out_max = s_out * (-32768 - zp_out), s_out * (32767 - zp_out)
    step = (in_max - in_min) / 512
    half = step / 2
    inv = 65536.0 / (out_max - out_min)
    lut = np.empty(LUT_SIZE, dtype=np.int16)
    for i in range(512):
        x0 = in_min + i * step
        sample = _round(func(x0) * inv)
        interp = _round((func(in_min + (i + 1) * step) * inv + sample) / 2)
        bias = _round((interp - _round(func(x0 + half) * inv)) / 2)
        lut[i] = int(min(max(sample - bias, -32768.0), 32767.0))
    lut[512] = int(min(max(_round(func(in_max) * inv), -32768.0), 32767.0))
    return lut


@lru_cache(maxsize=None)
def _exp_lut() -> np.ndarray:
    return lut_populate_s16_f64(10.0 / _RANGE, 32767, 2.0 / _RANGE, 0, math.exp)


@lru_cache(maxsize=None)
def _recip_lut() -> np.ndarray:
    return lut_populate_s16_f64(1.0 / _RANGE, -32768, 2.0 / _RANGE, 0, lambda v: 1.0 / (1.0 + v))


def exp_lut() -> np.ndarray:
    """int16[513]: exp on [-10, 0] in Q0.15 (a copy: callers may keep it)."""
    return _exp_lut().copy()


def recip_lut() -> np.ndarray:
    """int16[513]: 1 / (1 + x) on [0, 1] in Q0.15."""
    return _recip_lut().copy()


def lut_lookup(value, lut) -> np.ndarray:
    """lut_lookup_with_interpolation for int16 inputs (value: int64 array in [-32768, 32767])."""
    v = np.asarray(value, dtype=np.int64)
    lut = np.asarray(lut, dtype=np.int64)
    index = 256 + (v >> 7)
    offset = v & 0x7F
    base = lut[index]
    slope = ((lut[index + 1] - base + 32768) & 0xFFFF) - 32768  # int16 wrap, as in C
    return ((base + ((slope * offset + 64) >> 7) + 32768) & 0xFFFF) - 32768


def input_multiplier(s_in: float, beta: float) -> tuple[int, int]:
    """QuantizeMultiplier(s_in * beta / (10 / 65535)) as Prepare does: the product of the two float32
    values in float32, the division in double."""
    return quantize_multiplier(float(np.float32(np.float32(s_in) * np.float32(beta))) / (10.0 / 65535.0))


def softmax_rows_s16(x: np.ndarray, m0: int, shift: int, elut, rlut) -> np.ndarray:
    """x: int16 [rows, depth] -> int16 [rows, depth]."""
    x = np.asarray(x, dtype=np.int64)
    diff = x - x.max(axis=1, keepdims=True)
    scaled = mbqm_double(diff, m0, shift) + 32767
    exps = lut_lookup(np.clip(scaled, -32768, 32767), elut)
    total = exps.sum(axis=1, keepdims=True)
    clz = np.array([32 - int(t).bit_length() for t in total.reshape(-1)], dtype=np.int64).reshape(total.shape)
    shifted = ((total << (clz - 1)) + (1 << 13)) >> 14
    sym = np.clip(shifted - ((1 << 15) + (1 << 16)), -32768, 32767)
    recip = lut_lookup(sym, rlut)
    right = 31 - clz
    out = (exps * recip + (np.int64(1) << (right - 1))) >> right
    return np.clip(out, 0, 32767).astype(np.int16)
