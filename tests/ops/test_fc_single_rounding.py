"""The folded single-rounding table of the specialised DSP fully connected kernel.

Oracle: tinyc.quant.fixedpoint.requantize_s8 (the numpy reference's single rounding with halves
away from zero, which LiteRT's FULLY_CONNECTED matches: tests/test_rounding.py). The C kernel
computes ((c + [a >= nb] + a * m) >> 32) >> rs (tc_fc_sr in tc_fc_spec_dsp.h); here the same
integers in Python.
"""
import numpy as np

from tinyc.ops.fully_connected import halves_possible, single_rounding_table
from tinyc.quant.fixedpoint import quantize_multipliers, requantize_s8


def test_table_equals_single_rounding():
    rng = np.random.default_rng(0)
    for trial in range(200):
        n = 16
        real = np.exp(rng.uniform(np.log(1e-6), np.log(0.4999), n))
        m0, sh = quantize_multipliers(real)
        bias = rng.integers(-2**20, 2**20, n).astype(np.int32)
        zp = int(rng.integers(-128, 128))
        acc = rng.integers(-2**22, 2**22, (64, n)).astype(np.int64)
        acc[:4] = np.array([-2**22, 2**22 - 1, 0, -1])[:, None]
        want = requantize_s8(acc + bias, m0, sh, zp, -128, 127)
        # acc within 2^22 is what a 256-wide layer with input zero point 0 can reach
        for away in (True, False) if not halves_possible(m0, sh, bias, 256, 0) else (True,):
            table = single_rounding_table(m0, sh, bias, zp, away)
            assert table is not None
            c, rs, nb = table
            v = [[(int(c[j]) + int(away and a >= nb[j]) + int(a) * int(m0[j])) >> 32 >> int(rs[j])
                  for j, a in enumerate(row)] for row in acc]
            got = np.clip(np.array(v), -128, 127)
            assert np.array_equal(got, want), (trial, away)


def test_halves_possible_only_for_short_scales():
    """Random float scales can't put (acc + bias) * M0 on an exact half; power-of-two ones can."""
    m0, sh = quantize_multipliers(np.array([2.0 ** -9, 2.0 ** -3]))
    assert halves_possible(m0, sh, None, 64, 0)
    rng = np.random.default_rng(1)
    m0, sh = quantize_multipliers(np.exp(rng.uniform(np.log(1e-4), np.log(1e-2), 64)))
    m0 = m0 | 1  # odd multipliers: no trailing zeros
    assert not halves_possible(m0, sh, rng.integers(-5000, 5000, 64), 640, 90)


def test_table_refuses_shifts_it_cannot_fold():
    m0, sh = quantize_multipliers(np.array([0.3, 0.7]))  # M >= 0.5 -> total shift 31 < 32
    assert single_rounding_table(m0, sh, None, 0) is None
