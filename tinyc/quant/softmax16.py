"""TFLite's int16 softmax (reference_ops::SoftmaxInt16), in numpy.

Prepare builds two 513-entry int16 tables with gen_lut (float arithmetic): exp on [-10, 0] and
1 / (1 + x) on [0, 1], both to [-1, 1] in Q0.15. Eval, per row: scale each row-max difference
into [-65535, 0] ~ [-10, 0] (MultiplyByQuantizedMultiplier by s_in * beta / (10 / 65535)),
look it up with linear interpolation, sum the exps, normalise the sum by its leading zeros,
look up its reciprocal and rescale each exp. Output scale 1/32768, zero point 0.
The tables are computed here at compile time; tc_softmax_s16 does the per-row part.
"""
from __future__ import annotations

import numpy as np

from tinyc.quant.fixedpoint import mbqm_double, quantize_multiplier

LUT_SIZE = 513


def _round(x):
    """TfLiteRound (std::round: halves away from zero), in the array's own float type."""
    return np.sign(x) * np.floor(np.abs(x) + x.dtype.type(0.5))


def gen_lut(func, lo: float, hi: float, ftype=np.float32) -> np.ndarray:
    """gen_lut<float, int16_t, int16_t>(func, lo, hi, -1, 1): 512 biased samples + the end value."""
    f = ftype
    n = LUT_SIZE
    step = (f(hi) - f(lo)) / f(n - 1)
    half = step / f(2)
    scale = f(65536) / (f(1) - f(-1))
    i = np.arange(n - 1).astype(f)
    x0 = (f(lo) + i * step).astype(f)
    val = func(x0).astype(f)
    val_mid = func((x0 + half).astype(f)).astype(f)
    val_next = func((f(lo) + (i + f(1)) * step).astype(f)).astype(f)
    sample = _round((val * scale).astype(f))
    interp = _round(((val_next * scale).astype(f) + sample) / f(2))
    mid = _round((val_mid * scale).astype(f))
    bias = _round(((interp - mid) / f(2)).astype(f))
    table = np.clip(sample - bias, -32768, 32767)
    last = np.clip(_round((func(np.array([hi], dtype=f)) * scale).astype(f)), -32768, 32767)
    return np.concatenate([table, last]).astype(np.int16)


def exp_lut() -> np.ndarray:
    return gen_lut(np.exp, -10.0, 0.0)


def recip_lut() -> np.ndarray:
    return gen_lut(lambda v: np.float32(1) / (np.float32(1) + v), 0.0, 1.0)


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
    """QuantizeMultiplier(s_in * beta / (10 / 65535)) in double, as Prepare does."""
    return quantize_multiplier(float(np.float32(s_in)) * float(np.float32(beta)) / (10.0 / 65535.0))


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
