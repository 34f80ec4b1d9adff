"""pad, concat, reshape, transpose, resize_nearest (int8).

Oracles: the numpy reference (tinyc.ops.<op>.ref) for the generated C, bit for
bit under ASan/UBSan (tests/harness.py); LiteRT BUILTIN_REF (tests/tflite_builder.py)
for the reference's arithmetic: PAD/PADV2, TRANSPOSE, RESIZE_NEAREST_NEIGHBOR
(all flag combinations) and CONCATENATION with rescaling (uint8, the only
type whose TFLite kernel rescales; tinyc applies the same float32 formula to int8).
"""
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest

from harness import assert_bitexact
from tflite_builder import TensorSpec, run_op
from tinyc.errors import TinycError
from tinyc.ir import Graph, Node, QParams, Tensor
from tinyc.ops import OPS, resize_nearest
from tinyc.paths import RUNTIME_C
from tinyc.pipeline import Options, compile_graph
from tinyc.quant.affine import rescale


def qp(rng):
    return QParams(np.float32(rng.uniform(0.005, 0.2)), int(rng.integers(-128, 128)))


def add_input(g, name, shape, q):
    g.add_tensor(Tensor(name, shape, "int8", q=q))
    g.inputs.append(name)
    return name


def add_node(g, op, tag, inputs, q, output=True, shape=None, **attrs):
    """Append an `op` node reading `inputs`; its int8 output gets QParams q and `shape` or the op's own shape."""
    y = f"y_{tag}"
    node = Node(op, f"{op}_{tag}", list(inputs), [y], attrs)
    g.add_tensor(Tensor(y, shape or (1,), "int8", q=q))
    g.nodes.append(node)
    g.tensors[y].shape = tuple(OPS[op].shape(node, g)[0])
    if output:
        g.outputs.append(y)
    return y


def samples_for(g, rng, n=2):
    return [[rng.integers(-128, 128, g.tensors[x].shape).astype(np.int8) for x in g.inputs] for _ in range(n)]


# ---- pad -------------------------------------------------------------------------------------

PAD_CASES = [  # (shape, pads, value)
    ((1, 5, 6, 3), ((0, 0), (1, 1), (2, 1), (0, 0)), 0.0),
    ((1, 4, 3, 5), ((0, 0), (0, 2), (3, 0), (1, 2)), 0.37),  # channel pads, PADV2 value
    ((2, 3, 2, 2), ((1, 1), (0, 1), (1, 0), (2, 0)), -1.5),  # batch pads
    ((7, 9), ((2, 3), (0, 4)), 100.0),  # rank 2, value clamps to 127
    ((5,), ((3, 0),), -0.2),  # rank 1
    ((1, 2, 2, 3), ((0, 0), (0, 0), (0, 0), (0, 0)), 0.0),  # no padding at all
]


def test_pad_c_matches_ref():
    """C tc_pad == numpy reference over PAD_CASES (one graph, several samples)."""
    rng = np.random.default_rng(1)
    g = Graph("pads", source="test")
    for i, (shape, pads, value) in enumerate(PAD_CASES):
        q = qp(rng)
        add_node(g, "pad", i, [add_input(g, f"x{i}", shape, q)], q, pads=pads, value=value)
    assert_bitexact(g, samples_for(g, rng))


@pytest.mark.parametrize("op,value", [("PAD", None), ("PADV2", 0.0), ("PADV2", 0.7)])
def test_pad_ref_matches_litert(op, value):
    """numpy pad ref == LiteRT BUILTIN_REF PAD / PADV2 (PADV2's constant given with the output's QParams)."""
    rng = np.random.default_rng(2)
    s, zp = 0.05, -7
    pads = np.array([[0, 0], [1, 2], [3, 0], [0, 1]], dtype=np.int32)
    x = rng.integers(-128, 128, (1, 4, 5, 3)).astype(np.int8)
    g = Graph("p", source="test")
    add_node(g, "pad", 0, [add_input(g, "x", x.shape, QParams(s, zp))], QParams(s, zp),
             pads=tuple(map(tuple, pads)), value=value or 0.0)
    want = OPS["pad"].ref(g.nodes[0], g, x)[0]
    ins = [TensorSpec("x", x.shape, "int8", s, zp), TensorSpec("p", (4, 2), "int32", data=pads)]
    if value is not None:
        qv = np.int8(np.round(value / s) + zp)
        ins.append(TensorSpec("v", (), "int8", s, zp, data=np.array(qv)))
    (got,) = run_op(op, ins, [TensorSpec("y", want.shape, "int8", s, zp)], None, [x])
    np.testing.assert_array_equal(got, want)


# ---- concat ----------------------------------------------------------------------------------

def test_concat_c_matches_ref():
    """C tc_concat_s8 (copy and table paths) == numpy reference, several axes, ranks and input counts."""
    rng = np.random.default_rng(3)
    g = Graph("concats", source="test")
    same = qp(rng)
    a = add_input(g, "a", (1, 4, 5, 3), same)
    b = add_input(g, "b", (1, 4, 5, 6), same)
    add_node(g, "concat", "same_c", [a, b], same, axis=3)  # pure copy
    c = add_input(g, "c", (1, 2, 5, 3), qp(rng))
    add_node(g, "concat", "mixed_h", [a, c, a], qp(rng), axis=1)  # rescaled inputs, 3 inputs
    d = add_input(g, "d", (1, 4, 2, 6), qp(rng))
    add_node(g, "concat", "w", [d, b], same, axis=2)  # one rescaled, one copied
    e = add_input(g, "e", (3, 7), qp(rng))
    g.const("k", rng.integers(-128, 128, (2, 7)).astype(np.int8), qp(rng))
    add_node(g, "concat", "r2", [e, "k"], qp(rng), axis=0)  # rank 2, constant input
    add_node(g, "concat", "neg", [e, e], qp(rng), axis=-1)
    assert_bitexact(g, samples_for(g, rng, 3))


def test_concat_rescale_matches_litert_uint8():
    """tinyc.quant.affine.rescale == LiteRT BUILTIN_REF CONCATENATION (uint8, ConcatenationWithScaling)."""
    rng = np.random.default_rng(4)
    for trial in range(6):
        s0, s1, so = (float(np.float32(v)) for v in rng.uniform(0.01, 0.3, 3))
        z0, z1, zo = (int(v) for v in rng.integers(0, 256, 3))
        x0 = np.arange(256, dtype=np.uint8).reshape(1, 16, 16)
        x1 = rng.integers(0, 256, (1, 16, 5)).astype(np.uint8)
        ins = [TensorSpec("a", x0.shape, "uint8", s0, z0), TensorSpec("b", x1.shape, "uint8", s1, z1)]
        (got,) = run_op("CONCATENATION", ins, [TensorSpec("y", (1, 16, 21), "uint8", so, zo)],
                        {"axis": 2}, [x0, x1])
        want = np.concatenate([rescale(x0, s0, z0, so, zo, 0, 255), rescale(x1, s1, z1, so, zo, 0, 255)], axis=2)
        np.testing.assert_array_equal(got.astype(np.int64), want, err_msg=f"trial {trial}")


def test_concat_same_qparams_matches_litert_int8():
    """numpy concat ref == LiteRT BUILTIN_REF CONCATENATION for int8 (equal QParams: a copy)."""
    rng = np.random.default_rng(5)
    q = QParams(0.03, 5)
    x0 = rng.integers(-128, 128, (1, 3, 4, 2)).astype(np.int8)
    x1 = rng.integers(-128, 128, (1, 3, 4, 5)).astype(np.int8)
    g = Graph("c", source="test")
    add_node(g, "concat", 0, [add_input(g, "a", x0.shape, q), add_input(g, "b", x1.shape, q)], q, axis=3)
    want = OPS["concat"].ref(g.nodes[0], g, x0, x1)[0]
    ins = [TensorSpec("a", x0.shape, "int8", 0.03, 5), TensorSpec("b", x1.shape, "int8", 0.03, 5)]
    (got,) = run_op("CONCATENATION", ins, [TensorSpec("y", want.shape, "int8", 0.03, 5)], {"axis": 3}, [x0, x1])
    np.testing.assert_array_equal(got, want)


# ---- reshape ---------------------------------------------------------------------------------

def test_reshape_alias_and_copies():
    """C == numpy reference for reshape as an alias (of a graph input's arena slot and mid-graph), a copy
    (graph output) and of a constant; the aliases are emitted without a copy."""
    rng = np.random.default_rng(6)
    g = Graph("reshapes", source="test")
    q = qp(rng)
    x = add_input(g, "x", (1, 3, 4, 2), q)
    y = add_node(g, "reshape", "in", [x], q, output=False, shape=(1, 12, 2))  # the input's arena slot: alias
    t = add_node(g, "transpose", "t", [y], q, output=False, perm=(0, 2, 1))
    r = add_node(g, "reshape", "mid", [t], q, output=False, shape=(24,))  # alias
    add_node(g, "pad", "p", [r], q, pads=((1, 1),), value=0.0)
    g.const("k", rng.integers(-128, 128, (2, 3)).astype(np.int8), q)
    add_node(g, "reshape", "k", ["k"], q, shape=(3, 2))  # constant input, graph output
    x2 = add_input(g, "x2", (1, 3, 3, 2), q)  # pad -> reshape (alias) -> concat of the alias with itself
    p = add_node(g, "pad", "p2", [x2], q, output=False, pads=((0, 0), (1, 1), (1, 1), (0, 0)), value=0.0)
    r2 = add_node(g, "reshape", "r2", [p], q, output=False, shape=(1, 50))
    add_node(g, "concat", "c2", [r2, r2], qp(rng), axis=1)
    assert_bitexact(g, samples_for(g, rng))
    model_c = next(text for name, text in compile_graph(g, Options()).files.items() if name == "reshapes.c")
    assert model_c.count("memcpy(") - len(g.inputs) - len(g.outputs) == 1  # reshape_k only
    assert model_c.count("output aliases the input") == 3  # reshape_in, reshape_mid and reshape_r2


def test_reshape_size_mismatch_is_user_error():
    """A reshape whose output has another element count raises TinycError naming the node."""
    g = Graph("bad", source="m.tflite")
    q = QParams(0.1, 0)
    add_input(g, "x", (2, 3), q)
    g.add_tensor(Tensor("y", (5,), "int8", q=q))
    g.nodes.append(Node("reshape", "r", ["x"], ["y"]))
    with pytest.raises(TinycError, match="node 'r'"):
        OPS["reshape"].lower(g.nodes[0], g)


# ---- transpose -------------------------------------------------------------------------------

def test_transpose_c_matches_ref():
    """C tc_transpose_s8 == numpy reference for every rank-3 perm, several rank-4 perms, ranks 2 and 1."""
    rng = np.random.default_rng(7)
    g = Graph("transposes", source="test")
    q = qp(rng)
    x4 = add_input(g, "x4", (2, 3, 4, 5), q)
    for i, perm in enumerate([(0, 3, 1, 2), (3, 2, 1, 0), (1, 0, 3, 2), (0, 1, 2, 3), (2, 0, 3, 1)]):
        add_node(g, "transpose", f"r4_{i}", [x4], q, perm=perm)
    x3 = add_input(g, "x3", (3, 1, 6), q)
    for i, perm in enumerate([(0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)]):
        add_node(g, "transpose", f"r3_{i}", [x3], q, perm=perm)
    add_node(g, "transpose", "r2", [add_input(g, "x2", (5, 7), q)], q, perm=(1, 0))
    add_node(g, "transpose", "r1", [add_input(g, "x1", (9,), q)], q, perm=(0,))
    assert_bitexact(g, samples_for(g, rng))


def test_transpose_ref_matches_litert():
    """numpy transpose ref == LiteRT BUILTIN_REF TRANSPOSE."""
    rng = np.random.default_rng(8)
    x = rng.integers(-128, 128, (2, 3, 4, 5)).astype(np.int8)
    perm = np.array([2, 0, 3, 1], dtype=np.int32)
    g = Graph("t", source="test")
    q = QParams(0.1, 3)
    add_node(g, "transpose", 0, [add_input(g, "x", x.shape, q)], q, perm=tuple(perm))
    want = OPS["transpose"].ref(g.nodes[0], g, x)[0]
    ins = [TensorSpec("x", x.shape, "int8", 0.1, 3), TensorSpec("p", (4,), "int32", data=perm)]
    (got,) = run_op("TRANSPOSE", ins, [TensorSpec("y", want.shape, "int8", 0.1, 3)], None, [x])
    np.testing.assert_array_equal(got, want)


# ---- resize_nearest --------------------------------------------------------------------------

RESIZE_CASES = [  # (in h, w), (out h, w)
    ((3, 4), (6, 8)), ((5, 7), (3, 2)), ((4, 4), (7, 9)), ((1, 3), (4, 1)), ((6, 5), (6, 5)), ((2, 9), (5, 13)),
]
FLAGS = [(False, False), (True, False), (False, True), (True, True)]


def test_resize_nearest_c_matches_ref():
    """C tc_resize_nearest_s8 == numpy reference over RESIZE_CASES x all flag combinations."""
    rng = np.random.default_rng(9)
    g = Graph("resizes", source="test")
    q = qp(rng)
    for i, ((h, w), size) in enumerate(RESIZE_CASES):
        x = add_input(g, f"x{i}", (1 + i % 2, h, w, 3), q)
        for ac, hp in FLAGS:
            add_node(g, "resize_nearest", f"{i}_{int(ac)}{int(hp)}", [x], q, size=size,
                     align_corners=ac, half_pixel_centers=hp)
    assert_bitexact(g, samples_for(g, rng))


@pytest.mark.parametrize("ac,hp", FLAGS)
def test_resize_nearest_ref_matches_litert(ac, hp):
    """numpy resize_nearest ref == LiteRT BUILTIN_REF RESIZE_NEAREST_NEIGHBOR, per flag combination."""
    rng = np.random.default_rng(10)
    for (h, w), (oh, ow) in RESIZE_CASES + [((7, 11), (19, 3)), ((96, 96), (37, 150))]:
        x = rng.integers(-128, 128, (1, h, w, 2)).astype(np.int8)
        g = Graph("r", source="test")
        q = QParams(0.1, 0)
        add_node(g, "resize_nearest", 0, [add_input(g, "x", x.shape, q)], q, size=(oh, ow),
                 align_corners=ac, half_pixel_centers=hp)
        want = OPS["resize_nearest"].ref(g.nodes[0], g, x)[0]
        ins = [TensorSpec("x", x.shape, "int8", 0.1, 0),
               TensorSpec("s", (2,), "int32", data=np.array([oh, ow], dtype=np.int32))]
        (got,) = run_op("RESIZE_NEAREST_NEIGHBOR", ins, [TensorSpec("y", want.shape, "int8", 0.1, 0)],
                        {"align_corners": ac, "half_pixel_centers": hp}, [x])
        np.testing.assert_array_equal(got, want, err_msg=f"{(h, w)} -> {(oh, ow)}")


def test_nearest_index_examples():
    """Hand-computed GetNearestNeighbor indices: 3 -> 6 floor, align_corners rounding, half-pixel centres."""
    assert resize_nearest.nearest_index(3, 6, False, False).tolist() == [0, 0, 1, 1, 2, 2]
    assert resize_nearest.nearest_index(3, 5, True, False).tolist() == [0, 1, 1, 2, 2]  # 0.5 rounds away
    assert resize_nearest.nearest_index(4, 2, False, True).tolist() == [1, 3]


# ---- C hygiene -------------------------------------------------------------------------------

@pytest.mark.parametrize("cc,flags", [
    ("gcc", []),
    ("arm-none-eabi-gcc", ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"]),
])
def test_data_kernels_compile_warning_free(cc, flags):
    """Every runtime_c/src/data/*.c compiles with -Wall -Wextra -Wshadow -Wconversion -Werror (host and M4F)."""
    srcs = sorted((RUNTIME_C / "src" / "data").glob("*.c"))
    assert len(srcs) >= 12
    with tempfile.TemporaryDirectory() as tmp:
        for src in srcs:
            cmd = [cc, *flags, "-std=c99", "-O2", "-Wall", "-Wextra", "-Wshadow", "-Wconversion", "-Werror",
                   f"-I{RUNTIME_C / 'include'}", "-c", str(src), "-o", str(Path(tmp) / "x.o")]
            p = subprocess.run(cmd, capture_output=True, text=True)
            assert p.returncode == 0, f"{src.name}: {p.stderr}"


def test_bad_attrs_are_user_errors():
    """Out-of-range concat axis, bad perm, negative pads, bad resize size: TinycError with the node's name."""
    g = Graph("bad", source="m.tflite")
    q = QParams(0.1, 0)
    x = add_input(g, "x", (1, 2, 2, 3), q)
    g.add_tensor(Tensor("y", (1,), "int8", q=q))
    for op, attrs in [("concat", dict(axis=4)), ("transpose", dict(perm=(0, 1, 1, 2))),
                      ("pad", dict(pads=((0, 0), (-1, 0), (0, 0), (0, 0)))), ("resize_nearest", dict(size=(0, 2))),
                      ("pad", dict(pads=((0, 0),)))]:
        node = Node(op, f"n_{op}", [x], ["y"], attrs)
        with pytest.raises(TinycError, match=f"node 'n_{op}'"):
            OPS[op].lower(node, g)

