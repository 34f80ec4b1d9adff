"""Fast paths that must give exactly the values of the plain code they replace.

Oracles: numpy's int64 matmul for ops.common.int_matmul (the float64 BLAS path is exact below
2**53, the int64 path above); quantize_multiplier on each value for quantize_multipliers;
the previous one-filter-call-per-value rendering (cval) for emit.cval_rows.
"""
import numpy as np

from tinyc.backend.emit import cval, cval_rows
from tinyc.ops.common import int_matmul
from tinyc.quant.fixedpoint import quantize_multiplier, quantize_multipliers


def test_int_matmul_equals_int64_matmul():
    rng = np.random.default_rng(0)
    for _ in range(100):
        m, k, n = rng.integers(1, 40, 3)
        a = rng.integers(-256, 256, (m, k))
        b = rng.integers(-128, 128, (k, n)).astype(np.int8)
        assert np.array_equal(int_matmul(a, b), a @ b.astype(np.int64))
    a = rng.integers(-2**40, 2**40, (3, 50))  # past 2**53: the int64 path
    b = rng.integers(-2**20, 2**20, (50, 4))
    assert np.array_equal(int_matmul(a, b), a @ b)
    assert int_matmul(np.zeros((0, 3), np.int64), np.ones((3, 2), np.int8)).shape == (0, 2)


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
