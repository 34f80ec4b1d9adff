"""TFLite's integer arithmetic for pooling, mean, add, mul and ReLU-style clamps.

Each function mirrors one piece of a TFLite reference kernel (or its Prepare)
exactly, including where TFLite computes a multiplier in float32 rather than
float64. Arrays are int64 holding int32 values, as in tinyc.quant.fixedpoint.
The oracle (LiteRT BUILTIN_REF) applies these ops' multipliers with double
rounding (fixedpoint.mbqm_double), which tests/ops/test_*.py confirm against it.
"""
from __future__ import annotations

import numpy as np

from tinyc.quant.fixedpoint import mbqm_double, quantize_multiplier

ADD_LEFT_SHIFT = 20  # TFLite's headroom shift for 8-bit ADD/SUB


def trunc_div(x, d) -> np.ndarray:
    """C integer division (rounds toward zero); d > 0, broadcasts."""
    x = np.asarray(x, dtype=np.int64)
    q = np.abs(x) // d
    return np.where(x < 0, -q, q)


def rounding_div(acc, count) -> np.ndarray:
    """Average pool's rounding: (acc > 0 ? acc + count/2 : acc - count/2) / count, C division."""
    acc = np.asarray(acc, dtype=np.int64)
    count = np.asarray(count, dtype=np.int64)
    half = count // 2
    return trunc_div(np.where(acc > 0, acc + half, acc - half), count)


def smaller_than_one(m: float) -> tuple[int, int]:
    """QuantizeMultiplierSmallerThanOneExp: (M0, shift <= 0); ValueError unless 0 < m < 1."""
    if not 0.0 < m < 1.0:
        raise ValueError(f"multiplier {m!r} is not in (0, 1)")
    return quantize_multiplier(m)


def add_params(s1: float, s2: float, s_out: float, left_shift: int = ADD_LEFT_SHIFT) -> dict[str, int]:
    """ADD's Prepare (general path): input and output multipliers around 2*max(s1, s2) and a 2^left_shift
    headroom (20 for int8, 15 for int16).

    Raises ValueError when a multiplier falls outside (0, 1) (TFLite aborts there).
    """
    twice_max = 2.0 * float(max(np.float32(s1), np.float32(s2)))
    m1, sh1 = smaller_than_one(float(np.float32(s1)) / twice_max)
    m2, sh2 = smaller_than_one(float(np.float32(s2)) / twice_max)
    mo, sho = smaller_than_one(twice_max / (float(1 << left_shift) * float(np.float32(s_out))))
    return dict(left_shift=left_shift, input1_multiplier=m1, input1_shift=sh1,
                input2_multiplier=m2, input2_shift=sh2, output_multiplier=mo, output_shift=sho)


def mul_multiplier(s1: float, s2: float, s_out: float) -> tuple[int, int]:
    """MUL's Prepare: s1 * s2 / s_out evaluated in float32 (as TFLite does), then QuantizeMultiplier."""
    real = np.float32(s1) * np.float32(s2) / np.float32(s_out)
    return quantize_multiplier(float(real))


def relu_multiplier(s_in: float, s_out: float) -> tuple[int, int]:
    """RELU's Prepare: s_in / s_out evaluated in float32, then QuantizeMultiplier."""
    return quantize_multiplier(float(np.float32(s_in) / np.float32(s_out)))


def mean_multiplier(s_in: float, s_out: float, count: int) -> tuple[int, int]:
    """MEAN int8 (reference QuantizedMeanOrSum): s_in/s_out in float64, with 1/count folded into M0 and shift."""
    m0, shift = quantize_multiplier(float(np.float32(s_in)) / float(np.float32(s_out)))
    if count <= 0:
        return m0, shift
    # floor(log2(count)), capped so that the final shift stays >= -31 (QuantizeMultiplier keeps shift >= -31)
    n = min(int(count).bit_length() - 1, 32, 31 + shift)
    return (m0 << n) // count, shift - n


def elementwise_requant(a, zp_a: int, m1: int, sh1: int, left_shift: int):
    """One ADD input: (a - zp) * 2^left_shift, then MultiplyByQuantizedMultiplierSmallerThanOneExp."""
    x = (np.asarray(a, dtype=np.int64) - zp_a) * (1 << left_shift)
    return mbqm_double(x, m1, sh1)


def broadcast_strides(shapes: list[tuple], out_shape: tuple, max_rank: int = 4):
    """Collapse a numpy broadcast to at most max_rank dims.

    Returns (out_dims, [strides per input]): out_dims padded at the front to
    max_rank, each input's element strides over those dims (0 where it is
    broadcast). Adjacent dims with the same broadcast pattern are merged.
    Returns None when more than max_rank dims remain.
    """
    rank = len(out_shape)
    aligned = [(1,) * (rank - len(s)) + tuple(s) for s in shapes]
    dims: list[int] = []
    pats: list[tuple] = []
    for i, d in enumerate(out_shape):
        if d == 1:
            continue
        pat = tuple(s[i] == d for s in aligned)
        if pats and pats[-1] == pat:
            dims[-1] *= d
        else:
            dims.append(int(d))
            pats.append(pat)
    if len(dims) > max_rank:
        return None
    strides = []
    for k in range(len(shapes)):
        st, acc = [], 1
        for d, p in zip(reversed(dims), reversed(pats)):
            st.append(acc if p[k] else 0)
            acc *= d if p[k] else 1
        strides.append([0] * (max_rank - len(dims)) + st[::-1])
    return [1] * (max_rank - len(dims)) + dims, strides
