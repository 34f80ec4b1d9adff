"""mean (int8): numpy reference vs LiteRT, and generated C vs the numpy reference.

Oracles: LiteRT BUILTIN_REF (MEAN, reference QuantizedMeanOrSum) for
tinyc.ops.mean.ref; the numpy reference for the C kernel tc_mean_s8, bit for bit.
"""
import numpy as np
import pytest

from harness import assert_bitexact
from tflite_builder import TensorSpec, run_op
from tinyc.errors import TinycError
from tinyc.ir import Graph, Node, QParams, Tensor
from tinyc.ops import mean
from tinyc.quant import fixedpoint


def add_mean(g, tag, shape, axes, keepdims, qx, qy):
    """Add input x<tag> and a mean node writing y<tag>; returns the node."""
    g.add_tensor(Tensor(f"x{tag}", shape, "int8", q=QParams(*qx)))
    node = Node("mean", f"mean{tag}", [f"x{tag}"], [f"y{tag}"], dict(axes=axes, keepdims=keepdims))
    g.add_tensor(Tensor(f"y{tag}", (1,), "int8", q=QParams(*qy)))
    g.nodes.append(node)
    g.tensors[f"y{tag}"].shape = mean.shape(node, g)[0]
    g.inputs.append(f"x{tag}")
    g.outputs.append(f"y{tag}")
    return node


def litert_mean(x, axes, keepdims, qx, qy, out_shape):
    return run_op("MEAN", [TensorSpec("x", x.shape, "int8", *qx),
                           TensorSpec("axes", (len(axes),), "int32", None, 0, np.array(axes, np.int32))],
                  [TensorSpec("y", out_shape, "int8", *qy)], {"keep_dims": keepdims}, [x])[0]


def random_q(rng, ratio=(0.2, 3.0)):
    sx = float(rng.uniform(0.005, 0.2))
    return (sx, int(rng.integers(-128, 128))), (sx * float(rng.uniform(*ratio)), int(rng.integers(-128, 128)))


AXES = [(1, 2), (3,), (1,), (2,), (1, 3), (1, 2, 3), (0, 1, 2, 3), (-1,), (2, 1)]


def test_mean_ref_matches_litert():
    """ref == LiteRT over 72 random shapes/qparams, for every axes set in AXES, keepdims on and off."""
    rng = np.random.default_rng(3)
    for trial in range(72):
        shape = (1, *(int(v) for v in rng.integers(1, 9, 3)))
        axes, keep = AXES[trial % len(AXES)], bool(trial % 2)
        qx, qy = random_q(rng)
        g = Graph("t", source="test")
        node = add_mean(g, 0, shape, axes, keep, qx, qy)
        x = rng.integers(-128, 128, shape).astype(np.int8)
        want = litert_mean(x, axes, keep, qx, qy, g.tensors["y0"].shape)
        got = mean.ref(node, g, x)[0]
        assert want.shape == got.shape and np.array_equal(want, got), (trial, shape, axes, keep, qx, qy)


@pytest.mark.parametrize("hw,c", [(5, 64), (6, 256), (3, 7)])
def test_global_average_pool_matches_litert(hw, c):
    """The KWS (5x5x64) and VWW (6x6x256) global average pools, extreme inputs included: ref == LiteRT."""
    rng = np.random.default_rng(hw * 100 + c)
    for ratio in [(0.05, 0.3), (0.5, 2.0), (3.0, 20.0)]:
        qx, qy = random_q(rng, ratio)
        g = Graph("t", source="test")
        node = add_mean(g, 0, (1, hw, hw, c), (1, 2), True, qx, qy)
        for x in (rng.integers(-128, 128, (1, hw, hw, c)), np.full((1, hw, hw, c), 127), np.full((1, hw, hw, c), -128)):
            x = x.astype(np.int8)
            want = litert_mean(x, (1, 2), True, qx, qy, (1, 1, 1, c))
            assert np.array_equal(want, mean.ref(node, g, x)[0]), (qx, qy)


def test_mean_uses_double_rounding():
    """LiteRT's MEAN rounds twice (SRDHM then RDBPOT): with single rounding some of these cases would differ."""
    rng = np.random.default_rng(8)
    diffs = 0
    for _ in range(40):
        qx, qy = random_q(rng)
        g = Graph("t", source="test")
        node = add_mean(g, 0, (1, 4, 5, 6), (1, 2), True, qx, qy)
        x = rng.integers(-128, 128, (1, 4, 5, 6)).astype(np.int8)
        want = litert_mean(x, (1, 2), True, qx, qy, (1, 1, 1, 6))
        assert np.array_equal(want, mean.ref(node, g, x)[0])
        m0, sh = mean._quant(node, g)[2:4]
        acc = x.astype(np.int64).sum(axis=(1, 2), keepdims=True) - qx[1] * 20
        single = np.clip(fixedpoint.mbqm(acc, m0, sh) + qy[1], -128, 127)
        diffs += int((single != want).sum())
    assert diffs > 0


# (shape, axes, keepdims)
C_CASES = [
    ((1, 5, 5, 64), (1, 2), True),
    ((1, 6, 6, 32), (1, 2), False),
    ((1, 4, 7, 9), (3,), True),
    ((1, 4, 7, 9), (1,), False),
    ((1, 4, 7, 9), (2,), True),
    ((1, 3, 4, 5), (1, 2, 3), True),
    ((1, 3, 4, 5), (), True),
    ((2, 3, 4, 5), (0, 1, 2, 3), False),
    ((10, 12), (1,), True),
]


def test_mean_c_matches_ref():
    """C == numpy reference over C_CASES (contiguous axes), all in one graph, 3 random samples."""
    rng = np.random.default_rng(4)
    g = Graph("mean_cases", source="test")
    for i, (shape, axes, keep) in enumerate(C_CASES):
        add_mean(g, i, shape, axes, keep, *random_q(rng, (0.05, 20.0)))
    samples = [[rng.integers(-128, 128, g.tensors[n].shape).astype(np.int8) for n in g.inputs] for _ in range(3)]
    assert_bitexact(g, samples)


def test_mean_errors():
    """Out-of-range axes and (for the C kernel) non-contiguous axes raise TinycError, naming the node."""
    g = Graph("t", source="m.tflite")
    node = add_mean(g, 0, (1, 4, 4, 3), (1, 3), True, (0.1, 0), (0.1, 0))
    with pytest.raises(TinycError, match="non-contiguous") as e:
        mean.lower(node, g)
    assert "mean0" in e.value.where and "m.tflite" in e.value.where
    node.attrs["axes"] = (4,)
    with pytest.raises(TinycError, match="out of range"):
        mean.shape(node, g)
