"""Bad input to load_onnx raises one-line TinycErrors that say what and where.

Oracle: the error contract in docs (TinycError, one line, naming file / node / op / tensor).
"""
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from onnx_models import Builder, conv_chain  # noqa: E402

from tinyc.errors import TinycError  # noqa: E402
from tinyc.frontend.onnx_loader import load_onnx  # noqa: E402


def load_error(path) -> str:
    with pytest.raises(TinycError) as e:
        load_onnx(path)
    msg = str(e.value)
    assert "\n" not in msg
    return msg


def test_missing_file(tmp_path):
    assert "not found" in load_error(tmp_path / "nope.onnx")


def test_empty_file(tmp_path):
    p = tmp_path / "empty.onnx"
    p.write_bytes(b"")
    assert "empty" in load_error(p)


def test_truncated_file(tmp_path):
    p = tmp_path / "cut.onnx"
    data = conv_chain().SerializeToString()
    p.write_bytes(data[: len(data) // 2])
    msg = load_error(p)
    assert str(p) in msg


def test_not_onnx(tmp_path):
    p = tmp_path / "text.onnx"
    p.write_text("hello, this is not a model\n" * 10)
    assert str(p) in load_error(p)


def test_directory(tmp_path):
    assert "directory" in load_error(tmp_path)


def _save(model, tmp_path, name="m.onnx"):
    p = tmp_path / name
    onnx.save(model, p)
    return p


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_inf_weights(tmp_path, bad):
    m = conv_chain()
    w = onnx.numpy_helper.to_array(m.graph.initializer[0]).copy()
    w.flat[3] = bad
    m.graph.initializer[0].CopyFrom(onnx.numpy_helper.from_array(w, m.graph.initializer[0].name))
    msg = load_error(_save(m, tmp_path))
    assert "NaN or Inf" in msg and f"tensor '{m.graph.initializer[0].name}'" in msg


def test_unsupported_op(tmp_path):
    b = Builder()
    x = b.input("x", [1, 4])
    y = b.node("Tan", [x])  # Sin is supported (a table op)
    msg = load_error(_save(b.model(y), tmp_path))
    assert "Tan_1" in msg and "(Tan)" in msg and "unsupported op" in msg and "Conv" in msg


def test_unsupported_attribute_value(tmp_path):
    b = Builder()
    x = b.input("x", [1, 2, 4, 4])
    y = b.node("Pad", [x, b.const(np.array([0, 0, 1, 1, 0, 0, 1, 1]))], mode="wrap")  # reflect/edge are supported
    msg = load_error(_save(b.model(y), tmp_path))
    assert "Pad_1" in msg and "wrap" in msg


def test_dynamic_spatial_dim(tmp_path):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, "H", 8])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3, "H", 8])
    g = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g", [x], [y])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    msg = load_error(_save(m, tmp_path))
    assert "dynamic spatial dims" in msg and "tensor 'x'" in msg


def test_symbolic_batch_is_one(tmp_path):
    """Oracle: the batch-1 contract: a symbolic batch dim loads as 1."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3, 4, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3, 4, 4])
    g = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g", [x], [y])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    g = load_onnx(_save(m, tmp_path))
    assert g.t("x").shape == (1, 3, 4, 4) and g.t("y").shape == (1, 3, 4, 4)


def test_matmul_of_two_activations_loads(tmp_path):
    """MatMul of two activations (attention) is a batch_matmul now (issue 17), not an error.
    Oracle: the float reference against onnxruntime."""
    import onnxruntime as ort
    from tinyc.float_ref import run_float
    from tinyc.passes import run_passes
    b = Builder()
    x = b.input("x", [1, 4])
    y = b.node("MatMul", [x, b.node("Transpose", [x], perm=[1, 0])])
    path = _save(b.model(y), tmp_path)
    g = run_passes(load_onnx(path))
    assert "batch_matmul" in {n.op for n in g.nodes}
    xv = np.arange(4, dtype=np.float32).reshape(1, 4) / 3
    want = ort.InferenceSession(str(path)).run(None, {"x": xv})[0]
    got = run_float(g, {g.inputs[0]: xv})[g.outputs[0]]
    np.testing.assert_allclose(got.reshape(want.shape), want, rtol=1e-6)
