"""clamp (int8 RELU / RELU6 / RELU_N1_TO_1 / Clip): numpy reference vs LiteRT, and generated C vs the reference.

Oracles: LiteRT BUILTIN_REF (RELU, RELU6, RELU_N1_TO_1) for tinyc.ops.clamp.ref;
the numpy reference for the C kernel tc_clamp_s8, bit for bit, on both its
requantizing and its pure-clamp (identical qparams) paths.
"""
import math

import numpy as np
import pytest

from harness import assert_bitexact
from tflite_builder import TensorSpec, run_op
from tinyc.ir import Graph, Node, QParams, Tensor
from tinyc.ops import clamp
from tinyc.quant import fixedpoint

INF = math.inf
TFL_ACTS = {"RELU": (0.0, INF), "RELU6": (0.0, 6.0), "RELU_N1_TO_1": (-1.0, 1.0)}


def add_clamp(g, tag, shape, act, qx, qy):
    g.add_tensor(Tensor(f"x{tag}", shape, "int8", q=QParams(*qx)))
    g.add_tensor(Tensor(f"y{tag}", shape, "int8", q=QParams(*qy)))
    node = Node("clamp", f"clamp{tag}", [f"x{tag}"], [f"y{tag}"], dict(act=act))
    g.nodes.append(node)
    g.inputs.append(f"x{tag}")
    g.outputs.append(f"y{tag}")
    return node


def all_int8(shape):
    """Every int8 value once (then repeated) in the given shape."""
    n = int(np.prod(shape))
    return (np.arange(n) % 256 - 128).astype(np.int8).reshape(shape)


@pytest.mark.parametrize("op", list(TFL_ACTS))
def test_ref_matches_litert(op):
    """ref == LiteRT over all 256 input values for 30 random (s_in, zp_in, s_out, zp_out), plus equal qparams."""
    rng = np.random.default_rng(len(op))
    shape = (1, 4, 8, 8)
    x = all_int8(shape)
    for trial in range(31):
        sx, zx = float(rng.uniform(0.005, 0.1)), int(rng.integers(-128, 128))
        qx = (sx, zx)
        qy = qx if trial == 0 else (sx * float(rng.uniform(0.2, 3.0)), int(rng.integers(-128, 128)))
        g = Graph("t", source="test")
        node = add_clamp(g, 0, shape, TFL_ACTS[op], qx, qy)
        want = run_op(op, [TensorSpec("x", shape, "int8", *qx)], [TensorSpec("y", shape, "int8", *qy)], {}, [x])[0]
        assert np.array_equal(want, clamp.ref(node, g, x)[0]), (op, qx, qy)


def test_relu_uses_double_rounding():
    """LiteRT's RELU requantizes with double rounding; single rounding differs on some of these draws."""
    rng = np.random.default_rng(12)
    shape = (1, 16, 16, 1)
    x = all_int8(shape)
    diffs = 0
    for _ in range(20):
        qx = (float(rng.uniform(0.005, 0.1)), int(rng.integers(-128, 128)))
        qy = (qx[0] * float(rng.uniform(0.2, 3.0)), int(rng.integers(-128, 128)))
        g = Graph("t", source="test")
        node = add_clamp(g, 0, shape, TFL_ACTS["RELU"], qx, qy)
        want = run_op("RELU", [TensorSpec("x", shape, "int8", *qx)], [TensorSpec("y", shape, "int8", *qy)], {}, [x])[0]
        p = clamp._quant(node, g)
        single = np.clip(fixedpoint.mbqm(x.astype(np.int64) - qx[1], p["multiplier"], p["shift"]) + qy[1],
                         p["act_min"], 127)
        diffs += int((single != want).sum())
    assert diffs > 0


# (act, qx, qy): the first three share qparams (the C kernel's pure-clamp path)
C_CASES = [
    ((0.0, INF), (0.05, -10), (0.05, -10)),
    ((0.0, 6.0), (0.03, 20), (0.03, 20)),
    ((-INF, 0.5), (0.01, 0), (0.01, 0)),  # Clip with only an upper bound
    ((0.0, INF), (0.05, -10), (0.03, -128)),
    ((0.0, 6.0), (0.1, 5), (6.0 / 255, -128)),
    ((-1.0, 1.0), (0.02, 40), (0.008, 3)),
    ((-2.5, 0.7), (0.004, -100), (0.02, 17)),  # general Clip, output scale > input scale
    ((-INF, INF), (0.05, 0), (0.001, 0)),  # pure requantize, heavy saturation
]


def test_c_matches_ref():
    """C == numpy reference over C_CASES in one graph, on all 256 input values and random samples."""
    rng = np.random.default_rng(2)
    g = Graph("clamp_cases", source="test")
    shape = (1, 8, 8, 5)
    for i, (act, qx, qy) in enumerate(C_CASES):
        node = add_clamp(g, i, shape, act, qx, qy)
        assert clamp._quant(node, g)["identity"] == int(i < 3)
    samples = [[all_int8(shape) for _ in g.inputs]]
    samples += [[rng.integers(-128, 128, shape).astype(np.int8) for _ in g.inputs] for _ in range(2)]
    assert_bitexact(g, samples)
