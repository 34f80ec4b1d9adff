"""add / mul (int8, with broadcasting): numpy reference vs LiteRT, and generated C vs the numpy reference.

Oracles: LiteRT BUILTIN_REF (ADD, MUL) for tinyc.ops.{add,mul}.ref; the numpy
reference for the C kernels tc_add_s8 / tc_mul_s8, bit for bit, including a
run in place (output at the input's arena offset).
"""
import math

import numpy as np
import pytest

from harness import assert_bitexact
from tflite_builder import TensorSpec, run_op
from tinyc.errors import TinycError
from tinyc.ir import Graph, Node, QParams, Tensor
from tinyc.ops import add, clamp, mul
from tinyc.pipeline import Options, compile_graph
from tinyc.quant import fixedpoint

INF = math.inf
ACTS = {"NONE": (-INF, INF), "RELU": (0.0, INF), "RELU6": (0.0, 6.0)}
MODULES = {"add": add, "mul": mul}
TFL = {"add": "ADD", "mul": "MUL"}


def rand_q(rng):
    return float(rng.uniform(0.005, 0.2)), int(rng.integers(-128, 128))


def out_q(rng, op, qa, qb, spread=1.0):
    """An output scale that keeps most results in range (spread < 1 saturates more)."""
    s = (qa[0] + qb[0]) if op == "add" else qa[0] * qb[0] * 128
    return s * float(rng.uniform(0.3, 1.5)) * spread, int(rng.integers(-128, 128))


def add_binary(g, rng, op, tag, sa, sb, const_a=False, const_b=False, act="NONE", spread=1.0, a_name=None):
    """Add a binary node y<tag> = a<tag> op b<tag> (each an int8 input or constant); returns the node."""
    qa, qb = rand_q(rng), rand_q(rng)
    names = []
    for nm, shape, q, const in ((a_name or f"a{tag}", sa, qa, const_a), (f"b{tag}", sb, qb, const_b)):
        if nm in g.tensors:
            pass
        elif const:
            g.const(nm, rng.integers(-128, 128, shape).astype(np.int8), QParams(*q))
        else:
            g.add_tensor(Tensor(nm, shape, "int8", q=QParams(*q)))
            g.inputs.append(nm)
        names.append(nm)
    qa, qb = g.tensors[names[0]].q, g.tensors[names[1]].q
    node = Node(op, f"{op}{tag}", names, [f"y{tag}"], dict(act=ACTS[act]))
    g.add_tensor(Tensor(f"y{tag}", (1,), "int8",
                        q=QParams(*out_q(rng, op, (qa.s(), qa.zp()), (qb.s(), qb.zp()), spread))))
    g.nodes.append(node)
    g.tensors[f"y{tag}"].shape = MODULES[op].shape(node, g)[0]
    g.outputs.append(f"y{tag}")
    return node


def spec(t, name):
    return TensorSpec(name, t.shape, "int8", t.q.s(), t.q.zp(), t.data)


def litert(op, g, node, values):
    """Run node through LiteRT; values are the non-constant inputs in order."""
    a, b = (g.tensors[n] for n in node.inputs)
    y = g.tensors[node.outputs[0]]
    act = {v: k for k, v in ACTS.items()}[node.attrs["act"]]
    return run_op(TFL[op], [spec(a, "a"), spec(b, "b")], [spec(y, "y")],
                  {"fused_activation_function": act}, values)[0]


# (a shape, b shape, a const, b const, act, spread)
BCAST = [
    ((1, 5, 6, 8), (1, 5, 6, 8), False, False, "NONE", 1.0),
    ((1, 5, 6, 8), (1, 5, 6, 8), False, False, "RELU6", 0.1),  # saturating
    ((1, 4, 3, 7), (7,), False, True, "NONE", 1.0),  # per-channel constant
    ((1, 1, 1, 7), (1, 4, 3, 7), True, False, "RELU", 1.0),  # constant first input
    ((1, 4, 3, 7), (1,), False, True, "NONE", 1.0),  # scalar constant
    ((1, 4, 3, 7), (1, 4, 3, 7), False, True, "NONE", 0.05),  # constant, saturating
    ((1, 4, 1, 7), (1, 1, 5, 1), False, False, "NONE", 1.0),  # both broadcast
    ((2, 3, 1), (3, 4), False, False, "RELU", 1.0),
    ((6,), (4, 6), False, False, "NONE", 1.0),
    ((1, 9, 9, 16), (1, 9, 9, 1), False, False, "NONE", 1.0),  # add: tabulated terms, broadcast walk
    ((1, 8, 8, 5), (1, 8, 8, 5), False, False, "RELU", 1.0),  # add: tabulated terms, one dense run
]


@pytest.mark.parametrize("op", ["add", "mul"])
def test_ref_matches_litert(op):
    """ref == LiteRT for every BCAST case, 4 random qparam draws each, extreme inputs included."""
    rng = np.random.default_rng(21 if op == "add" else 22)
    for case in BCAST * 4:
        sa, sb, ca, cb, act, spread = case
        g = Graph("t", source="test")
        node = add_binary(g, rng, op, 0, sa, sb, ca, cb, act, spread)
        for fill in (None, 127, -128):
            vals = [rng.integers(-128, 128, g.tensors[n].shape).astype(np.int8) if fill is None
                    else np.full(g.tensors[n].shape, fill, np.int8) for n in g.inputs]
            want = litert(op, g, node, vals)
            env = dict(zip(g.inputs, vals))
            args = [env[n] if n in env else g.tensors[n].data for n in node.inputs]
            got = MODULES[op].ref(node, g, *args)[0]
            assert want.shape == got.shape and np.array_equal(want, got), (case, fill)


def test_mul_uses_double_rounding():
    """LiteRT's MUL rounds twice (SRDHM then RDBPOT); single rounding differs on some of these draws."""
    rng = np.random.default_rng(9)
    diffs = 0
    for _ in range(30):
        g = Graph("t", source="test")
        node = add_binary(g, rng, "mul", 0, (1, 4, 4, 8), (1, 4, 4, 8))
        a, b = (rng.integers(-128, 128, (1, 4, 4, 8)).astype(np.int8) for _ in range(2))
        want = litert("mul", g, node, [a, b])
        assert np.array_equal(want, mul.ref(node, g, a, b)[0])
        p = mul._quant(node, g)
        prod = (a.astype(np.int64) + p["input1_offset"]) * (b.astype(np.int64) + p["input2_offset"])
        single = np.clip(fixedpoint.mbqm(prod, p["output_multiplier"], p["output_shift"]) + p["output_offset"],
                         -128, 127)
        diffs += int((single != want).sum())
    assert diffs > 0


@pytest.mark.parametrize("op", ["add", "mul"])
def test_c_matches_ref(op):
    """C == numpy reference over BCAST, all in one graph (ASan + UBSan), 3 random samples plus extremes."""
    rng = np.random.default_rng(31 if op == "add" else 32)
    g = Graph(f"{op}_cases", source="test")
    for i, (sa, sb, ca, cb, act, spread) in enumerate(BCAST):
        add_binary(g, rng, op, i, sa, sb, ca, cb, act, spread)
    shapes = [g.tensors[n].shape for n in g.inputs]
    samples = [[rng.integers(-128, 128, s).astype(np.int8) for s in shapes] for _ in range(3)]
    samples += [[np.full(s, v, np.int8) for s in shapes] for v in (127, -128)]
    assert_bitexact(g, samples)


@pytest.mark.parametrize("op", ["add", "mul"])
def test_in_place(op):
    """x -> clamp -> t; y = t op c (per-channel constant) runs in place (same arena offset) and == reference."""
    rng = np.random.default_rng(41)
    g = Graph(f"{op}_inplace", source="test")
    g.add_tensor(Tensor("x", (1, 6, 5, 4), "int8", q=QParams(0.05, 3)))
    g.add_tensor(Tensor("t", (1, 6, 5, 4), "int8", q=QParams(0.05, 3)))
    g.nodes.append(Node("clamp", "relu", ["x"], ["t"], dict(act=(0.0, INF))))
    g.inputs = ["x"]
    add_binary(g, rng, op, 0, None, (4,), const_b=True, a_name="t")
    call = MODULES[op].lower(g.nodes[-1], g)
    assert call.inplace == ("t", "y0")
    offs = compile_graph(g, Options(board="host")).memory.offsets
    assert offs["t"] == offs["y0"], "the planner did not place the output over its input"
    assert clamp.lower(g.nodes[0], g).inplace == ("x", "t")
    assert_bitexact(g, [[rng.integers(-128, 128, (1, 6, 5, 4)).astype(np.int8)] for _ in range(3)])


def test_broadcast_errors():
    """Shapes that do not broadcast, or need more than 4 dims, raise TinycError naming the node."""
    g = Graph("t", source="m.onnx")
    g.add_tensor(Tensor("a", (1, 4, 3), "int8", q=QParams(0.1, 0)))
    g.add_tensor(Tensor("b", (1, 5, 3), "int8", q=QParams(0.1, 0)))
    g.add_tensor(Tensor("y", (1, 4, 3), "int8", q=QParams(0.1, 0)))
    node = Node("add", "add0", ["a", "b"], ["y"], {})
    with pytest.raises(TinycError, match="do not broadcast") as e:
        add.shape(node, g)
    assert "add0" in e.value.where
    g.tensors["a"].shape, g.tensors["b"].shape = (2, 1, 2, 1, 2), (1, 2, 1, 2, 1)
    with pytest.raises(TinycError, match="more than 4 dims"):
        mul.lower(Node("mul", "mul0", ["a", "b"], ["y"], {}), g)
