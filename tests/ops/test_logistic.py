"""logistic (int8): numpy reference vs LiteRT, and generated C vs the numpy reference.

Oracles: LiteRT BUILTIN_REF (LOGISTIC) for tinyc.ops.logistic.ref over all 256
int8 inputs and several input qparams; the numpy reference for the C kernel
tc_lut_s8, bit for bit (ASan + UBSan), including a call that runs in place.
"""
import numpy as np
import pytest

from harness import assert_bitexact
from tflite_builder import TensorSpec, run_op
from tinyc.errors import TinycError
from tinyc.ir import Graph, Node, QParams, Tensor
from tinyc.ops import logistic
from tinyc.pipeline import Options, compile_graph

ALL = np.arange(-128, 128, dtype=np.int8)
IN_QPARAMS = [(0.05, 3), (0.1, -20), (0.02, 0), (0.3, 100), (1e-3, -128), (0.8, 127), (0.0625, -7)]
OUT_Q = (1 / 256, -128)  # what TFLite requires for int8 LOGISTIC


def unary_graph(op, cases, out_q, shape=(256,)):
    """One graph with an independent `op` node per (s_in, zp_in) case."""
    g = Graph(f"{op}_cases", source="test")
    for i, (s, zp) in enumerate(cases):
        g.add_tensor(Tensor(f"x{i}", shape, "int8", q=QParams(s, zp)))
        g.add_tensor(Tensor(f"y{i}", shape, "int8", q=QParams(*out_q)))
        g.nodes.append(Node(op, f"{op}{i}", [f"x{i}"], [f"y{i}"]))
        g.inputs.append(f"x{i}")
        g.outputs.append(f"y{i}")
    return g


@pytest.mark.parametrize("s_in,zp_in", IN_QPARAMS)
def test_logistic_ref_matches_litert_all_inputs(s_in, zp_in):
    """tinyc.ops.logistic.ref == LiteRT BUILTIN_REF LOGISTIC on every int8 value."""
    g = unary_graph("logistic", [(s_in, zp_in)], OUT_Q)
    (want,) = run_op("LOGISTIC", [TensorSpec("x", (256,), "int8", s_in, zp_in)],
                     [TensorSpec("y", (256,), "int8", *OUT_Q)], {}, [ALL])
    (got,) = logistic.ref(g.nodes[0], g, ALL)
    np.testing.assert_array_equal(got, want)


def test_logistic_c_matches_ref():
    """C tc_lut_s8 == numpy reference: all 256 values per case, plus an in-place call on a 4-D tensor."""
    g = unary_graph("logistic", IN_QPARAMS, OUT_Q)
    # a logistic whose input is an intermediate (another logistic's output): run in place
    g.add_tensor(Tensor("z", (256,), "int8", q=QParams(*OUT_Q)))
    g.nodes.append(Node("logistic", "chained", ["y0"], ["z"]))
    g.outputs = g.outputs[1:] + ["z"]
    offs = compile_graph(g, Options(board="host")).memory.offsets
    assert offs["y0"] == offs["z"], "the planner did not run the chained logistic in place"
    rng = np.random.default_rng(1)
    samples = [[ALL.copy() for _ in IN_QPARAMS], [rng.integers(-128, 128, 256).astype(np.int8) for _ in IN_QPARAMS]]
    assert_bitexact(g, samples)


def test_logistic_rejects_float_tensors():
    """A float32 tensor reaching the int8 kernel is a user error naming the node."""
    g = Graph("bad", source="m.tflite")
    g.add_tensor(Tensor("x", (4,), "float32"))
    g.add_tensor(Tensor("y", (4,), "float32"))
    node = Node("logistic", "sig1", ["x"], ["y"])
    with pytest.raises(TinycError, match="sig1"):
        logistic.lower(node, g)
