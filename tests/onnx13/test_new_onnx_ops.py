"""Issue 13 ONNX ops in one multi-branch model per layout family: float and int8.

Oracles: onnxruntime for the float reference (after all passes, 1e-4); the numpy integer reference for
the generated C (bit for bit, ASan/UBSan, one build per model); onnxruntime again for the int8 result
(SQNR floor).
"""
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from harness import assert_bitexact  # noqa: E402
from onnx_models import Builder  # noqa: E402

from tinyc.float_ref import run_float  # noqa: E402
from tinyc.ops.transpose import collapse  # noqa: E402
from tinyc.pipeline import Options, load_model, quantize  # noqa: E402
from tinyc.ref import run_int  # noqa: E402


def _model(b, outputs):
    """Like Builder.model, but outputs take their type from shape inference (integer outputs too)."""
    from onnx import helper
    outs = [helper.make_tensor_value_info(o, 0, None) for o in outputs]
    m = helper.make_model(helper.make_graph(b.nodes, "t", b.inputs, outs, b.inits),
                          opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    inferred = {vi.name: vi for vi in onnx.shape_inference.infer_shapes(m).graph.output}
    del m.graph.output[:]
    m.graph.output.extend(inferred[o] for o in outputs)
    onnx.checker.check_model(m)
    return m


def vector_ops():
    """Gemm -> GELU pattern, Erf, PRelu (per channel), LeakyRelu, ArgMax, TopK, Gather, Split, Sub."""
    b = Builder(3)
    x = b.input("x", [1, 16])
    h = b.node("Gemm", [x, b.weight(12, 16), b.weight(12)], transB=1)
    d = b.node("Div", [h, b.const(np.array(np.sqrt(2.0), np.float32))])
    gl = b.node("Mul", [b.node("Mul", [h, b.node("Add", [b.node("Erf", [d]), b.const(np.array(1.0, np.float32))])]),
                        b.const(np.array(0.5, np.float32))])
    er = b.node("Erf", [b.node("Gemm", [x, b.weight(6, 16), b.weight(6)], transB=1)])
    pr = b.node("PRelu", [h, b.const(np.linspace(-0.5, 0.5, 12).astype(np.float32))])
    lk = b.node("LeakyRelu", [h], alpha=0.15)
    am = b.node("ArgMax", [h], axis=1, keepdims=0)
    tv, ti = b.node("TopK", [h, b.const(np.array([3], np.int64))], n_out=2)
    g = b.node("Gather", [h, b.const(np.array([5, 1, 7], np.int64))], axis=1)
    s1, s2 = b.node("Split", [h, b.const(np.array([4, 8], np.int64))], n_out=2, axis=1)
    sb = b.node("Sub", [lk, pr])
    return _model(b, [gl, er, pr, sb, am, tv, ti, g, s1, s2])


def spatial_ops():
    """Conv1d / MaxPool1d / AveragePool1d, ConvTranspose, Resize linear in every coordinate mode, Slice with
    steps, a rank-6 transpose (space to depth)."""
    b = Builder(4)
    x = b.input("x", [1, 4, 8, 8])
    a = b.input("a", [1, 3, 24])
    c1 = b.node("Conv", [a, b.weight(6, 3, 5), b.weight(6)], kernel_shape=[5], pads=[2, 2], strides=[2])
    p1 = b.node("AveragePool", [b.node("MaxPool", [c1], kernel_shape=[2], strides=[2]), ], kernel_shape=[3],
                pads=[1, 1], strides=[1])
    ct = b.node("ConvTranspose", [x, b.weight(4, 5, 3, 3), b.weight(5)], kernel_shape=[3, 3], strides=[2, 2],
                pads=[1, 1, 1, 1], output_padding=[1, 1])
    outs = [p1, ct]
    for mode, size in (("half_pixel", [1, 4, 13, 11]), ("pytorch_half_pixel", [1, 4, 16, 16]),
                       ("align_corners", [1, 4, 15, 9]), ("asymmetric", [1, 4, 12, 20])):
        outs.append(b.node("Resize", [x, "", "", b.const(np.array(size, np.int64))], mode="linear",
                           coordinate_transformation_mode=mode))
    outs.append(b.node("Slice", [x, b.const(np.array([1, 7], np.int64)), b.const(np.array([8, 0], np.int64)),
                                 b.const(np.array([2, 3], np.int64)), b.const(np.array([2, -2], np.int64))]))
    r6 = b.node("Reshape", [x, b.const(np.array([1, 4, 4, 2, 4, 2], np.int64))])
    t6 = b.node("Transpose", [r6], perm=[0, 3, 5, 1, 2, 4])
    outs.append(b.node("Reshape", [t6, b.const(np.array([1, 16, 4, 4], np.int64))]))
    return _model(b, outs)


MODELS = {"vector_ops": vector_ops, "spatial_ops": spatial_ops}


def _samples(path, n, seed):
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(seed)
    return sess, [{i.name: rng.standard_normal(i.shape).astype(np.float32) for i in sess.get_inputs()}
                  for _ in range(n)]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_float_int8_and_c(name, tmp_path):
    path = tmp_path / f"{name}.onnx"
    onnx.save(MODELS[name](), path)
    g = load_model(path)
    sess, test = _samples(path, 6, 1)
    for s in test:  # float reference == onnxruntime, integer outputs exactly
        for o, want in zip(g.outputs, sess.run(None, s)):
            got = run_float(g, s)[o]
            if want.dtype.kind == "i":
                np.testing.assert_array_equal(got, want, err_msg=o)
            else:
                np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4, err_msg=o)
    _, calib = _samples(path, 16, 0)
    np.savez(tmp_path / "calib.npz", **{k: np.stack([c[k][0] for c in calib]) for k in calib[0]})
    q = quantize(g, Options(calib=str(tmp_path / "calib.npz")))
    num = den = 0.0
    for s in test:  # int8 against onnxruntime's float: every float output together
        got = run_int(q, s)
        for o, want in zip(q.outputs, sess.run(None, s)):
            if want.dtype.kind == "f":
                num += float(np.sum(want.astype(np.float64) ** 2))
                den += float(np.sum((want.astype(np.float64) - got[o]) ** 2))
    assert 10 * np.log10(num / den) > 25
    assert_bitexact(q, [[s[n] for n in q.inputs] for s in test])


def test_transpose_collapse_matches_numpy():
    """Oracle: numpy transpose of the full-rank array, over every rank <= 6 and random shapes/perms."""
    rng = np.random.default_rng(0)
    for _ in range(500):
        n = int(rng.integers(1, 7))
        shape = tuple(int(v) for v in rng.integers(1, 4, n))
        perm = tuple(int(v) for v in rng.permutation(n))
        s, p = collapse(shape, perm)
        x = np.arange(int(np.prod(shape))).reshape(shape)
        want = x.transpose(perm).reshape(-1)
        assert np.array_equal(want, x.reshape(s).transpose(p).reshape(-1) if s else x.reshape(-1))
    assert collapse((1, 2, 3, 4, 5), (0, 2, 1, 3, 4)) == ((2, 3, 20), (1, 0, 2))
