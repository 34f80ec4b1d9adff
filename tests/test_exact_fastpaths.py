"""Fast paths that must give exactly the values of the plain code they replace.

Oracles: quantize_multiplier on each value for quantize_multipliers;
the previous one-filter-call-per-value rendering (cval) for emit.cval_rows.
"""
import numpy as np

from tinyc.backend.emit import cval, cval_rows
from tinyc.quant.fixedpoint import quantize_multiplier, quantize_multipliers


def test_quantize_multipliers_equal_the_scalar_form():
    rng = np.random.default_rng(1)
    vals = np.concatenate([rng.random(3000) * 10.0 ** rng.integers(-15, 12, 3000),
                           [0.0, 1.0, 0.5, 2**-32, 2**-31, 2**30, 2**31, 1 - 2**-40, -0.3]])
    m0, sh = quantize_multipliers(vals)
    assert [(int(a), int(b)) for a, b in zip(m0, sh)] == [quantize_multiplier(float(v)) for v in vals]


def test_cval_rows_equal_cval():
    rng = np.random.default_rng(2)
    for ctype, vals in (("int8_t", rng.integers(-128, 128, 37).tolist()),
                        ("int32_t", [-(1 << 31), 5, (1 << 31) - 1] + rng.integers(-9, 9, 20).tolist()),
                        ("int64_t", [-(1 << 40), 3]), ("float", rng.standard_normal(19).tolist()), ("int16_t", [])):
        rows = cval_rows(vals, ctype)
        flat = [v for r in rows for v in r]
        assert flat == [cval(v, ctype) for v in vals] and all(len(r) == 16 for r in rows[:-1])
