"""Tables for the int8 activations, computed with the arithmetic of LiteRT's int8 kernels.

- logistic / tanh: LiteRT builds a 256-entry table in float32 from the
  dequantized input (PopulateLookupTable / LUTPopulate): transform in float32
  (libm expf / tanhf), times 1/s_out, round half away, plus zp, saturate.
- hard_swish: reference_ops::HardSwish's int16 fixed-point arithmetic, one
  entry per input value.

Tables of int8 ops are indexed by q + 128. float32 functions go through the
C library's expf / tanhf (what LiteRT calls) when ctypes can load it.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools
import math
from typing import Callable

import numpy as np

from tinyc.quant.fixedpoint import quantize_multiplier

f32 = np.float32
Q8 = np.arange(-128, 128, dtype=np.int64)  # every int8 value, in table order


def _libm_f32(name: str) -> Callable[[float], np.float32]:
    """float f(float) from the C library, or a float64 evaluation rounded to float32."""
    path = ctypes.util.find_library("m")
    try:
        fn = getattr(ctypes.CDLL(path), name)
        fn.restype, fn.argtypes = ctypes.c_float, [ctypes.c_float]
        return lambda v: f32(fn(float(v)))
    except (OSError, AttributeError, TypeError):  # no libm: nearest float32 of the exact value
        py = getattr(math, name.rstrip("f"))
        return lambda v: f32(py(float(v)))


expf = _libm_f32("expf")
tanhf = _libm_f32("tanhf")


def logistic_f32(v: np.float32) -> np.float32:
    """1.0f / (1.0f + expf(-v)), as LiteRT writes it."""
    return f32(f32(1.0) / f32(f32(1.0) + expf(-v)))


def float_lut_s8(s_in: float, zp_in: int, s_out: float, zp_out: int,
                 transform: Callable[[np.float32], np.float32]) -> np.ndarray:
    """LiteRT's LUTPopulate<int8>: int8[256] with table[q + 128] = quantize(transform(dequantize(q)))."""
    return _float_lut_s8(float(s_in), int(zp_in), float(s_out), int(zp_out), transform).copy()


@functools.lru_cache(maxsize=256)  # the numpy reference asks for the same table once per sample
def _float_lut_s8(s_in: float, zp_in: int, s_out: float, zp_out: int, transform) -> np.ndarray:
    inv = f32(f32(1.0) / f32(s_out))
    out = np.empty(256, dtype=np.int8)
    for i, q in enumerate(Q8):
        deq = f32(f32(s_in) * f32(int(q) - zp_in))
        r = f32(transform(deq)) * inv
        rounded = math.floor(abs(float(r)) + 0.5) * (1 if r >= 0 else -1)  # float32 value exact in float64
        out[i] = min(127, max(-128, int(rounded + zp_out)))
    return out


# --- hard_swish: int16 fixed point of reference_ops::HardSwish ---------------------------------

def _wrap16(x):
    return ((np.asarray(x, dtype=np.int64) + (1 << 15)) & 0xFFFF) - (1 << 15)


def _trunc_div(x, d: int):
    q = np.abs(x) // d
    return np.where(x < 0, -q, q)


def srdhm16(a, b):
    """gemmlowp SaturatingRoundingDoublingHighMul for int16."""
    a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
    ab = a * b
    nudge = np.where(ab >= 0, 1 << 14, 1 - (1 << 14))
    res = _trunc_div(ab + nudge, 1 << 15)
    return np.where((a == -32768) & (b == -32768), 32767, res)


def sdhm16(a, b):
    """TFLite SaturatingDoublingHighMul for int16 (truncating, SQDMULH)."""
    a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
    res = _wrap16(_trunc_div(a * b, 1 << 15))
    return np.where((a == -32768) & (b == -32768), 32767, res)


def rdbpot16(x, exponent: int):
    """gemmlowp RoundingDivideByPOT on int16 values (mask and threshold held in int16)."""
    x = np.asarray(x, np.int64)
    mask = int(_wrap16((1 << exponent) - 1))
    remainder = _wrap16(x & mask)
    threshold = _wrap16((mask >> 1) + (x < 0))
    return _wrap16((x >> exponent) + (remainder > threshold))


def sat_lshift16(x, amount: int):
    """TFLite SaturatingLeftShift(int16, amount)."""
    return np.clip(np.asarray(x, np.int64) * (1 << min(amount, 40)), -32768, 32767)


def downscale_multiplier16(m: int) -> int:
    """DownScaleInt32ToInt16Multiplier: int32 Q31 multiplier -> int16 Q15, rounded."""
    if m >= (1 << 31) - 1 - (1 << 15):
        return 32767
    return (m + (1 << 15)) >> 16


def hard_swish_params(s_in: float, s_out: float) -> tuple[int, int, int, int]:
    """HardSwishPrepare: (output_mult16, output_exponent, reluish_mult16, reluish_exponent), float32 math."""
    hires = f32(f32(1.0 / 128.0) * f32(s_in))
    out_m, out_e = quantize_multiplier(float(f32(hires / f32(s_out))))
    rel_m, rel_e = quantize_multiplier(float(f32(hires / f32(f32(3.0) / f32(32768.0)))))
    return downscale_multiplier16(out_m), out_e, downscale_multiplier16(rel_m), rel_e


def hard_swish_lut_s8(s_in: float, zp_in: int, s_out: float, zp_out: int) -> np.ndarray:
    """int8[256]: table[q + 128] = reference_ops::HardSwish of q. Needs an output exponent <= 0."""
    out_m, out_e, rel_m, rel_e = hard_swish_params(s_in, s_out)
    if out_e > 0:
        raise ValueError("hard_swish: s_in / (128 * s_out) >= 1 is not supported by TFLite")
    hires = (Q8 - zp_in) * 128  # fits int16: |q - zp| <= 255
    pre_out = srdhm16(hires, out_m)
    rel = hires
    if rel_e > 0:
        rel = sat_lshift16(rel, rel_e - 1)
    rel = srdhm16(rel, rel_m)
    if rel_e > 0:
        rel = sat_lshift16(rel, 1)
    if rel_e < 0:
        rel = rdbpot16(rel, -rel_e)
    rel = _wrap16((rel + (1 << 15)) >> 1)
    y = rdbpot16(sdhm16(rel, pre_out), -out_e)
    y = _wrap16(y + zp_out)
    return np.clip(y, -128, 127).astype(np.int8)


def apply_lut_s8(table: np.ndarray, x: np.ndarray) -> np.ndarray:
    """y = table[x + 128] elementwise (what tc_lut_s8 does)."""
    return table[np.asarray(x, dtype=np.int64) + 128].astype(np.int8)
