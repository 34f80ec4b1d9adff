"""softmax (int8): numpy reference vs LiteRT, and generated C vs the numpy reference.

Oracles: LiteRT BUILTIN_REF (SOFTMAX, gemmlowp fixed point) for
tinyc.ops.softmax.ref on random rows of lengths 1, 2, 10, 12 and 1000 with
several betas and input scales (output 1/256, -128 as TFLite requires), and on
20000 rows at once, which include rows where a float softmax would round
differently; the numpy reference for the C kernel tc_softmax_s8, bit for bit
(ASan + UBSan), including in place and rows whose exp sum exceeds 512.
"""
import numpy as np
import pytest

from harness import assert_bitexact
from tflite_builder import TensorSpec, run_op
from tinyc.errors import TinycError
from tinyc.ir import Graph, Node, QParams, Tensor
from tinyc.ops import softmax
from tinyc.pipeline import Options, compile_graph

OUT_Q = (1 / 256, -128)
# (shape, s_in, zp_in, beta, out_q)
CASES = [
    ((1, 2), 0.05, 3, 1.0, OUT_Q),
    ((3, 10), 0.1, -20, 1.0, OUT_Q),
    ((1, 12), 0.5, 0, 0.5, OUT_Q),
    ((2, 1000), 0.05, 7, 1.0, OUT_Q),
    ((1, 1, 1, 12), 0.2, -128, 2.0, OUT_Q),  # KWS-like rank-4 head
    ((4, 10), 0.02, 5, 1.0, OUT_Q),
    ((3, 16), 0.01, 0, 0.05, OUT_Q),  # small beta * scale: few values below diff_min
    ((2, 1), 0.1, 0, 1.0, OUT_Q),
    ((5, 7), 1.5, 10, 0.25, OUT_Q),
]


def softmax_graph(cases):
    g = Graph("softmax_cases", source="test")
    for i, (shape, s, zp, beta, out_q) in enumerate(cases):
        g.add_tensor(Tensor(f"x{i}", shape, "int8", q=QParams(s, zp)))
        g.add_tensor(Tensor(f"y{i}", shape, "int8", q=QParams(*out_q)))
        g.nodes.append(Node("softmax", f"softmax{i}", [f"x{i}"], [f"y{i}"], dict(beta=beta)))
        g.inputs.append(f"x{i}")
        g.outputs.append(f"y{i}")
    return g


def _samples(g, rng, n, cluster=True):
    """Random rows, plus rows whose values cluster near the max (ties, large sums)."""
    out = []
    for k in range(n):
        lo = 100 if cluster and k % 2 else -128
        out.append([rng.integers(lo, 128, g.tensors[x].shape).astype(np.int8) for x in g.inputs])
    return out


@pytest.mark.parametrize("case", CASES)
def test_softmax_ref_matches_litert(case):
    """tinyc.ops.softmax.ref == LiteRT BUILTIN_REF SOFTMAX, bit for bit."""
    shape, s, zp, beta, out_q = case
    g = softmax_graph([case])
    rng = np.random.default_rng(sum(shape) + int(s * 1000))
    # LiteRT aborts on rows whose exp sum reaches 512: no clustered samples for long rows
    for (x,) in _samples(g, rng, 4, cluster=shape[-1] < 300):
        (want,) = run_op("SOFTMAX", [TensorSpec("x", shape, "int8", s, zp)],
                         [TensorSpec("y", shape, "int8", *out_q)], {"beta": beta}, [x])
        (got,) = softmax.ref(g.nodes[0], g, x)
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("s_in,beta", [(0.05, 1.0), (0.1, 1.0), (0.02, 2.0), (0.3, 0.7)])
def test_softmax_ref_matches_litert_many_rows(s_in, beta):
    """tinyc.ops.softmax.ref == LiteRT BUILTIN_REF on 20000 random rows of 10 (rounding corner cases included)."""
    case = ((20000, 10), s_in, 0, beta, OUT_Q)
    g = softmax_graph([case])
    x = np.random.default_rng(7).integers(-128, 128, (20000, 10)).astype(np.int8)
    x[:, 0] = 127
    (want,) = run_op("SOFTMAX", [TensorSpec("x", x.shape, "int8", s_in, 0)],
                     [TensorSpec("y", x.shape, "int8", *OUT_Q)], {"beta": beta}, [x])
    np.testing.assert_array_equal(softmax.ref(g.nodes[0], g, x)[0], want)


def test_softmax_c_matches_ref():
    """C tc_softmax_s8 == numpy reference over CASES in one graph."""
    g = softmax_graph(CASES)
    assert_bitexact(g, _samples(g, np.random.default_rng(4), 4))


def test_softmax_c_in_place():
    """A softmax fed by another softmax runs in place (same arena offset) and == numpy reference."""
    g = softmax_graph([((3, 10), 0.1, -20, 1.0, OUT_Q)])
    g.add_tensor(Tensor("z", (3, 10), "int8", q=QParams(*OUT_Q)))
    g.nodes.append(Node("softmax", "again", ["y0"], ["z"], dict(beta=1.0)))
    g.outputs = ["z"]
    offs = compile_graph(g, Options(board="host")).memory.offsets
    assert offs["y0"] == offs["z"]
    assert_bitexact(g, _samples(g, np.random.default_rng(5), 3))


@pytest.mark.parametrize("beta,out_q", [(-1.0, OUT_Q), (1.0, (1 / 128, 0)), (1.0, (1 / 256, 0))])
def test_softmax_bad_params_are_user_errors(beta, out_q):
    """beta <= 0, or an output other than (1/256, -128), raises TinycError naming the node."""
    g = softmax_graph([((1, 4), 0.1, 0, beta, out_q)])
    with pytest.raises(TinycError, match="softmax0"):
        softmax.lower(g.nodes[0], g)
