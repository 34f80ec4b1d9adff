"""The folded single-rounding table of the specialised DSP fully connected kernel.

Oracle: tinyc.quant.fixedpoint.requantize_s8 (the numpy reference's single rounding, which
LiteRT's FULLY_CONNECTED matches: tests/test_rounding.py). The C kernel computes
((c + a * m) >> 32) >> rs (tc_fc_sr in tc_fc_spec_dsp.h); here the same integers in Python.
"""
import numpy as np

from tinyc.ops.fully_connected import single_rounding_table
from tinyc.quant.fixedpoint import quantize_multipliers, requantize_s8


def test_table_equals_single_rounding():
    rng = np.random.default_rng(0)
    for trial in range(200):
        n = 16
        real = np.exp(rng.uniform(np.log(1e-6), np.log(0.4999), n))
        m0, sh = quantize_multipliers(real)
        bias = rng.integers(-2**20, 2**20, n).astype(np.int32)
        zp = int(rng.integers(-128, 128))
        table = single_rounding_table(m0, sh, bias, zp)
        assert table is not None
        c, rs = table
        acc = rng.integers(-2**22, 2**22, (64, n)).astype(np.int64)
        acc[:4] = np.array([-2**22, 2**22 - 1, 0, -1])[:, None]
        want = requantize_s8(acc + bias, m0, sh, zp, -128, 127)
        v = [[(int(c[j]) + int(a) * int(m0[j])) >> 32 >> int(rs[j]) for j, a in enumerate(row)] for row in acc]
        got = np.clip(np.array(v), -128, 127)
        assert np.array_equal(got, want), trial


def test_table_refuses_shifts_it_cannot_fold():
    m0, sh = quantize_multipliers(np.array([0.3, 0.7]))  # M >= 0.5 -> total shift 31 < 32
    assert single_rounding_table(m0, sh, None, 0) is None
