"""TFLite's int16 LOGISTIC and TANH (16x8): a 256-entry sigmoid table read with linear interpolation.

LiteRT's int16 kernels (reference_integer_ops::Logistic / Tanh, the BUILTIN_REF path) rescale the
input to 1/(3 * 4096) units with an integer multiplier and a rounding right shift (Prepare picks
them from the input scale: a power-of-two scale 2^(s - 12) with s = 0 (tanh: 0 or 1) uses multiplier
3 << s, anything else the largest multiplier <= 32767 that the doubling loop reaches), then read
SIGMOID_TABLE_U16 (sigmoid(i / 24) in unsigned 0.16, the table TFLite and CMSIS-NN share) with
9 (logistic) or 8 (tanh = 2 sigmoid(2x) - 1) fraction bits of interpolation. Output scale 2^-15,
zero point 0. The C kernels (tc_logistic_s16, tc_tanh_s16) do the same arithmetic in int32/uint32.
"""
from __future__ import annotations

import math

import numpy as np

SIGMOID_TABLE_U16 = np.array([
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064, 42688,
    43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409,
    51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
    57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110,
    61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186,
    63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
    64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900,
    64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208,
    65221, 65234, 65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
    65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433, 65438, 65442, 65445, 65449,
    65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
    65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
    65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
    65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530,
    65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
    65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535,
], dtype=np.int64)


def params(s_in: float, tanh: bool) -> tuple[int, int]:
    """(input_multiplier, input_left_shift) as LiteRT's Prepare computes them (multiplier 0: POT case)."""
    m, e = math.frexp(float(np.float32(s_in)))
    shift = (15 - 3) + (e - 1)
    if m == 0.5 and shift in ((0, 1) if tanh else (0,)):
        return 0, shift
    mult = float(np.float32(s_in)) * 4096.0 * 3.0
    shift = 0
    while mult <= 32767.0 / 2.0 and shift <= 30:
        shift += 1
        mult *= 2.0
    return int(mult), shift


def _rescale(x: np.ndarray, mult: int, shift: int) -> np.ndarray:
    if mult == 0:
        mult, shift = 3 << shift, 0
    rnd = (1 << (shift - 1)) if shift > 0 else 0
    return (np.asarray(x, dtype=np.int64) * mult + rnd) >> shift


def _interp(a: np.ndarray, frac_bits: int) -> np.ndarray:
    uh = a >> frac_bits
    i = np.minimum(uh, 254)
    ua, ub = SIGMOID_TABLE_U16[i], SIGMOID_TABLE_U16[i + 1]
    return uh, (ua << frac_bits) + (a & ((1 << frac_bits) - 1)) * (ub - ua)


def logistic_s16(x: np.ndarray, mult: int, shift: int) -> np.ndarray:
    v = _rescale(x, mult, shift)
    uh, r = _interp(np.abs(v), 9)
    r = np.where(uh >= 255, 0x7FFF << 10, r)
    r = np.where(v >= 0, r + (1 << 9), (1 << 25) - r + (1 << 9) - 1)
    return (r >> 10).astype(np.int16)


def tanh_s16(x: np.ndarray, mult: int, shift: int) -> np.ndarray:
    v = _rescale(x, mult, shift)
    uh, r = _interp(np.abs(v), 8)
    r = np.where(uh >= 255, 0xFFFF << 8, r)
    r = np.where(v >= 0, r - (1 << 23) + (1 << 7), -r + (1 << 23) + (1 << 7) - 1)
    return (r >> 8).astype(np.int16)
