"""tanh (int8): numpy reference vs LiteRT, and generated C vs the numpy reference.

Oracles: LiteRT BUILTIN_REF (TANH) for tinyc.ops.tanh.ref over all 256 int8
inputs and several (input, output) qparams; the numpy reference for the C
kernel tc_lut_s8, bit for bit (ASan + UBSan).
"""
import numpy as np
import pytest

from harness import assert_bitexact
from test_logistic import ALL, unary_graph
from tflite_builder import TensorSpec, run_op
from tinyc.ops import tanh

IN_QPARAMS = [(0.05, 3), (0.1, -20), (0.02, 0), (0.3, 100), (1e-3, -128), (0.8, 127), (0.0625, -7)]
OUT_QPARAMS = [(1 / 128, 0), (0.01, 5), (1 / 256, -128)]  # the spec's 1/128, 0 and two others LiteRT accepts


@pytest.mark.parametrize("out_q", OUT_QPARAMS)
@pytest.mark.parametrize("s_in,zp_in", IN_QPARAMS)
def test_tanh_ref_matches_litert_all_inputs(s_in, zp_in, out_q):
    """tinyc.ops.tanh.ref == LiteRT BUILTIN_REF TANH on every int8 value."""
    g = unary_graph("tanh", [(s_in, zp_in)], out_q)
    (want,) = run_op("TANH", [TensorSpec("x", (256,), "int8", s_in, zp_in)],
                     [TensorSpec("y", (256,), "int8", *out_q)], {}, [ALL])
    (got,) = tanh.ref(g.nodes[0], g, ALL)
    np.testing.assert_array_equal(got, want)


def test_tanh_c_matches_ref():
    """C tc_lut_s8 == numpy reference on all 256 values and on a random 4-D tensor."""
    g = unary_graph("tanh", IN_QPARAMS, (1 / 128, 0))
    rng = np.random.default_rng(2)
    samples = [[ALL.copy() for _ in IN_QPARAMS], [rng.integers(-128, 128, 256).astype(np.int8) for _ in IN_QPARAMS]]
    assert_bitexact(g, samples)
    g4 = unary_graph("tanh", [(0.04, -3)], (1 / 128, 0), shape=(1, 5, 7, 3))
    assert_bitexact(g4, [[rng.integers(-128, 128, (1, 5, 7, 3)).astype(np.int8)]])
