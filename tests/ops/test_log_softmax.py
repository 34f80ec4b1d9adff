"""log_softmax (int8): numpy reference vs LiteRT, and generated C vs the numpy reference.

Oracles: LiteRT BUILTIN_REF (LOG_SOFTMAX, reference_integer_ops::LogSoftmax)
for tinyc.ops.log_softmax.ref on random rows of lengths 2, 10, 12 and 100 with
input scales from 0.001 to 20 (output 16/256, 127 as TFLite requires),
including rows clustered near the max and 5000-row batches; the numpy
reference for the C kernel tc_log_softmax_s8, bit for bit (ASan + UBSan),
including in place.
"""
import numpy as np
import pytest

from harness import assert_bitexact
from tflite_builder import TensorSpec, run_op
from tinyc.errors import TinycError
from tinyc.ir import Graph, Node, QParams, Tensor
from tinyc.ops import log_softmax
from tinyc.pipeline import Options, compile_graph

OUT_Q = (16 / 256, 127)
SCALES = [0.001, 0.01, 0.05, 0.1, 0.3, 1.0, 3.0, 20.0]
# (shape, s_in, zp_in)
CASES = [
    ((1, 2), 0.05, 3),
    ((3, 10), 0.1, -20),
    ((1, 12), 0.5, 0),
    ((2, 100), 0.05, 7),
    ((1, 1, 1, 12), 0.2, -128),
    ((4, 10), 0.02, 5),
    ((3, 16), 0.001, 0),
    ((2, 1), 0.1, 0),
    ((5, 7), 1.5, 10),
    ((2, 300), 0.01, 0),  # large exp sums: ln(sum) up to ~5.7
]


def log_softmax_graph(cases, beta=1.0, out_q=OUT_Q):
    g = Graph("log_softmax_cases", source="test")
    for i, (shape, s, zp) in enumerate(cases):
        g.add_tensor(Tensor(f"x{i}", shape, "int8", q=QParams(s, zp)))
        g.add_tensor(Tensor(f"y{i}", shape, "int8", q=QParams(*out_q)))
        g.nodes.append(Node("log_softmax", f"log_softmax{i}", [f"x{i}"], [f"y{i}"], dict(beta=beta)))
        g.inputs.append(f"x{i}")
        g.outputs.append(f"y{i}")
    return g


def _rows(rng, shape):
    """Random rows: the first half uniform, the second clustered near the max (ties, large sums)."""
    x = rng.integers(-128, 128, shape).astype(np.int8).reshape(-1, shape[-1])
    half = x.shape[0] // 2
    x[half:] = rng.integers(90, 128, x[half:].shape)
    return x.reshape(shape)


def _litert(x, s, zp):
    (y,) = run_op("LOG_SOFTMAX", [TensorSpec("x", x.shape, "int8", s, zp)],
                  [TensorSpec("y", x.shape, "int8", *OUT_Q)], {}, [x])
    return y


@pytest.mark.parametrize("depth", [2, 10, 12, 100])
@pytest.mark.parametrize("s_in", SCALES)
def test_log_softmax_ref_matches_litert(depth, s_in):
    """tinyc.ops.log_softmax.ref == LiteRT BUILTIN_REF LOG_SOFTMAX on >= 50 rows (5000 values), bit for bit."""
    rows = max(50, 50000 // depth // 10)
    shape = (rows, depth)
    g = log_softmax_graph([(shape, s_in, 0)])
    x = _rows(np.random.default_rng(depth * 1000 + int(s_in * 1000)), shape)
    want = _litert(x, s_in, 0)
    got = log_softmax.ref(g.nodes[0], g, x)[0]
    np.testing.assert_array_equal(got, want)
    assert len(np.unique(got)) >= 3  # not all saturated: the comparison is informative


@pytest.mark.parametrize("case", CASES)
def test_log_softmax_ref_matches_litert_cases(case):
    """tinyc.ops.log_softmax.ref == LiteRT BUILTIN_REF on CASES (ranks 2 and 4, nonzero zero points)."""
    shape, s, zp = case
    g = log_softmax_graph([case])
    rng = np.random.default_rng(sum(shape) + int(s * 1000))
    for _ in range(3):
        x = _rows(rng, shape)
        np.testing.assert_array_equal(log_softmax.ref(g.nodes[0], g, x)[0], _litert(x, s, zp))


def test_log_softmax_c_matches_ref():
    """C tc_log_softmax_s8 == numpy reference over CASES in one graph."""
    g = log_softmax_graph(CASES)
    rng = np.random.default_rng(4)
    samples = [[_rows(rng, g.tensors[x].shape) for x in g.inputs] for _ in range(4)]
    assert_bitexact(g, samples)


def test_log_softmax_c_many_scales():
    """C tc_log_softmax_s8 == numpy reference for every scale of SCALES on 200 rows of 10 and 20 of 100."""
    g = log_softmax_graph([((200, 10), s, 0) for s in SCALES] + [((20, 100), s, -3) for s in SCALES])
    rng = np.random.default_rng(11)
    assert_bitexact(g, [[_rows(rng, g.tensors[x].shape) for x in g.inputs]])


def test_log_softmax_c_in_place():
    """A log_softmax fed by another one runs in place (same arena offset) and == numpy reference."""
    g = log_softmax_graph([((3, 10), 0.1, -20)])
    g.add_tensor(Tensor("z", (3, 10), "int8", q=QParams(*OUT_Q)))
    g.nodes.append(Node("log_softmax", "again", ["y0"], ["z"], dict(beta=1.0)))
    g.outputs = ["z"]
    offs = compile_graph(g, Options(board="host")).memory.offsets
    assert offs["y0"] == offs["z"]
    rng = np.random.default_rng(5)
    assert_bitexact(g, [[_rows(rng, (3, 10))] for _ in range(3)])


@pytest.mark.parametrize("beta,out_q,shape", [(-1.0, OUT_Q, (1, 4)), (1.0, (1 / 256, -128), (1, 4)),
                                              (1.0, (16 / 256, 0), (1, 4)), (1.0, OUT_Q, (1, 5000))])
def test_log_softmax_bad_params_are_user_errors(beta, out_q, shape):
    """beta <= 0, an output other than (16/256, 127), or a row over 4095 raises TinycError naming the node."""
    g = log_softmax_graph([(shape, 0.1, 0)], beta=beta, out_q=out_q)
    with pytest.raises(TinycError, match="log_softmax0"):
        log_softmax.lower(g.nodes[0], g)
