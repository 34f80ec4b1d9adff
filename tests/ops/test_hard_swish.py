"""hard_swish (int8): numpy reference vs LiteRT, and generated C vs the numpy reference.

Oracles: LiteRT BUILTIN_REF (HARD_SWISH, reference_ops::HardSwish int16 fixed
point) for tinyc.ops.hard_swish.ref over all 256 int8 inputs and many random
(input, output) qparams, including reluish multipliers that shift left and
right; the numpy reference for the C kernel tc_lut_s8, bit for bit.
"""
import numpy as np
import pytest

from harness import assert_bitexact
from test_logistic import ALL, unary_graph
from tflite_builder import TensorSpec, run_op
from tinyc.errors import TinycError
from tinyc.ops import hard_swish

FIXED = [(0.05, 3, 0.05, -10), (0.1, -20, 0.03, -100), (0.02, 0, 0.02, 0), (0.3, 100, 0.2, -128),
         (0.01, -128, 0.5, 0), (0.0005, 7, 0.0001, -3), (0.05, 0, 0.0004, 0), (2.0, 0, 0.05, 0)]


def _random_cases(n, seed):
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < n:
        s_in, s_out = np.exp(rng.uniform(np.log(1e-3), np.log(1.0), 2))
        if s_in / s_out < 100:  # TFLite needs s_in / (128 s_out) < 1
            cases.append((float(s_in), int(rng.integers(-128, 128)), float(s_out), int(rng.integers(-128, 128))))
    return cases


CASES = FIXED + _random_cases(24, 5)


def _graph(cases):
    g = unary_graph("hard_swish", [(s, z) for s, z, _, _ in cases], (1.0, 0))
    for i, (_, _, so, zo) in enumerate(cases):
        g.tensors[f"y{i}"].q.scale, g.tensors[f"y{i}"].q.zero_point = np.float32(so), np.int64(zo)
    return g


@pytest.mark.parametrize("case", CASES)
def test_hard_swish_ref_matches_litert_all_inputs(case):
    """tinyc.ops.hard_swish.ref == LiteRT BUILTIN_REF HARD_SWISH on every int8 value."""
    s_in, zp_in, s_out, zp_out = case
    g = _graph([case])
    (want,) = run_op("HARD_SWISH", [TensorSpec("x", (256,), "int8", s_in, zp_in)],
                     [TensorSpec("y", (256,), "int8", s_out, zp_out)], {}, [ALL])
    (got,) = hard_swish.ref(g.nodes[0], g, ALL)
    np.testing.assert_array_equal(got, want)


def test_hard_swish_c_matches_ref():
    """C tc_lut_s8 == numpy reference on all 256 values for every case."""
    g = _graph(CASES)
    rng = np.random.default_rng(3)
    samples = [[ALL.copy() for _ in CASES], [rng.integers(-128, 128, 256).astype(np.int8) for _ in CASES]]
    assert_bitexact(g, samples)


def test_hard_swish_scale_ratio_too_large_is_user_error():
    """s_in / s_out >= 128 (TFLite refuses it) raises TinycError naming the node."""
    g = _graph([(1.0, 0, 0.004, 0)])
    with pytest.raises(TinycError, match="hard_swish0"):
        hard_swish.lower(g.nodes[0], g)
