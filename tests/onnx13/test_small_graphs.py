"""Issue 13: one-node graphs, two-input graphs, rank-1 inputs and initializers listed as graph inputs.

Oracles: onnxruntime for the float reference (float_ref after the passes, 1e-4), the numpy integer
reference for the generated C (bit for bit), and onnxruntime again for the CLI's `tinyc run` output
(int8 error bound: a few output LSBs).
"""
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from harness import assert_bitexact  # noqa: E402
from onnx_models import Builder  # noqa: E402

from tinyc.float_ref import run_float  # noqa: E402
from tinyc.pipeline import Options, is_quantized, load_model, quantize  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def gemm():
    b = Builder()
    return b.model(b.node("Gemm", [b.input("x", [1, 8]), b.weight(4, 8), b.weight(4)], transB=1))


def matmul_add():
    b = Builder()
    return b.model(b.node("Add", [b.node("MatMul", [b.input("x", [1, 8]), b.weight(8, 4)]), b.weight(4)]))


def relu():
    b = Builder()
    return b.model(b.node("Relu", [b.input("x", [1, 2, 3, 4])]))


def two_inputs():
    b = Builder()
    s = b.node("Add", [b.input("x", [1, 3, 4, 4]), b.input("z", [1, 3, 4, 4])])
    return b.model(b.node("Conv", [s, b.weight(2, 3, 1, 1), b.weight(2)], kernel_shape=[1, 1]))


def old_style_rank1():
    """IR 3 file whose initializers are also graph inputs; a rank-1 input (no batch dim)."""
    rng = np.random.default_rng(0)
    w, bias = rng.standard_normal((8, 4)).astype("f4"), rng.standard_normal(4).astype("f4")
    nodes = [helper.make_node("MatMul", ["x", "W"], ["m"]), helper.make_node("Add", ["m", "B"], ["y"])]
    vi = helper.make_tensor_value_info
    g = helper.make_graph(nodes, "t", [vi("x", TensorProto.FLOAT, [8]), vi("W", TensorProto.FLOAT, [8, 4]),
                                       vi("B", TensorProto.FLOAT, [4])], [vi("y", TensorProto.FLOAT, [4])],
                          [numpy_helper.from_array(w, "W"), numpy_helper.from_array(bias, "B")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 9)])
    m.ir_version = 3
    onnx.checker.check_model(m)
    return m


MODELS = {"gemm": gemm, "matmul_add": matmul_add, "relu": relu, "two_inputs": two_inputs,
          "old_style_rank1": old_style_rank1}


def _feeds(path, n, seed=0):
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(seed)
    ins = [(i.name, i.shape) for i in sess.get_inputs()]
    return sess, [{name: rng.standard_normal(shape).astype(np.float32) for name, shape in ins} for _ in range(n)]


def test_small_graphs_float_and_c(tmp_path):
    """Each graph loads and is a float graph (is_quantized was all([]) == True before); float_ref == onnxruntime;
    the quantized graph's C (host, no sanitizers: five tiny builds) == numpy integer reference."""
    for name, make in MODELS.items():
        path = tmp_path / f"{name}.onnx"
        onnx.save(make(), path)
        g = load_model(path)
        assert not is_quantized(g), name
        sess, feeds = _feeds(path, 4)
        for f in feeds:
            want = sess.run(None, f)
            got = run_float(g, f)
            for o, w in zip(g.outputs, want):
                np.testing.assert_allclose(got[o], w, rtol=1e-4, atol=1e-4, err_msg=name)
        calib = tmp_path / f"{name}_calib.npz"
        np.savez(calib, **{k: np.stack([f[k].reshape(f[k].shape[1:] if f[k].ndim > 1 else f[k].shape)
                                        for f in feeds]) for k in feeds[0]})
        q = quantize(g, Options(calib=str(calib)))
        assert is_quantized(q)
        samples = [[f[n] for n in q.inputs] for f in feeds]
        assert_bitexact(q, samples, sanitize=False)


def test_cli_run_two_inputs_npz(tmp_path):
    """`tinyc run` with --input/--calib .npz (one array per input name) on a two-input model: output within
    4% of onnxruntime's range; a .npy for a two-input model is a one-line error, exit 2."""
    path = tmp_path / "two.onnx"
    onnx.save(two_inputs(), path)
    sess, feeds = _feeds(path, 8)
    data = {k: np.concatenate([f[k] for f in feeds]) for k in ("x", "z")}
    np.savez(tmp_path / "x.npz", **data)
    np.save(tmp_path / "x.npy", data["x"])
    cmd = [sys.executable, "-m", "tinyc.cli", "run", str(path), "--output", str(tmp_path / "y.npy")]
    p = subprocess.run(cmd + ["--input", str(tmp_path / "x.npz"), "--calib", str(tmp_path / "x.npz")],
                       capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    want = np.concatenate([sess.run(None, f)[0] for f in feeds])
    got = np.load(tmp_path / "y.npy")
    assert got.shape == want.shape
    assert np.abs(got - want).max() < 0.04 * np.abs(want).max()
    p = subprocess.run(cmd + ["--input", str(tmp_path / "x.npy")], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 2 and "2 inputs (x, z)" in p.stderr and len(p.stderr.strip().splitlines()) <= 2


def test_rank1_input_samples_stack_on_a_new_axis(tmp_path):
    """A rank-1 input [8] has no batch dim: X.npy (N, 8) gives N samples of shape [8]; a rank >= 2 input
    [1, 3, 4] drops its leading 1. Oracle: the documented stacking rule (docs/ops.md, Interface data)."""
    from tinyc.datafiles import load_sample_sets, sample_shape
    assert sample_shape((8,)) == (8,) and sample_shape((1, 3, 4)) == (3, 4) and sample_shape((2, 3)) == (2, 3)
    x = np.arange(48, dtype=np.float32).reshape(6, 8)
    np.save(tmp_path / "x.npy", x)
    sets = load_sample_sets(tmp_path / "x.npy", [("x", (8,), "float32")], "input")
    assert len(sets) == 6 and all(np.array_equal(s["x"], xi) for s, xi in zip(sets, x))
    np.savez(tmp_path / "two.npz", a=x, b=x[:, :3].reshape(6, 1, 3))
    sets = load_sample_sets(tmp_path / "two.npz", [("a", (8,), "float32"), ("b", (1, 1, 3), "float32")], "input")
    assert sets[5]["b"].shape == (1, 1, 3) and np.array_equal(sets[5]["b"].reshape(-1), x[5, :3])
