"""The bundled MLPerf Tiny ONNX models through load_onnx and every pass prefix.

Oracle: onnxruntime on the original file (float32, rtol/atol 1e-4) for the float models; for the QDQ
models, onnxruntime before fold_qdq (int8 outputs within 1 step: onnxruntime rounds half to even,
tinyc's quantize rounds half away from zero, as TFLite does) and the QDQ structure itself after it.
"""
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_onnx_ops import VOCAB, check_prefixes, ort_outputs  # noqa: E402

from tinyc.float_ref import run_float  # noqa: E402
from tinyc.frontend.onnx_loader import load_onnx  # noqa: E402
from tinyc.passes import run_passes  # noqa: E402
from tinyc.paths import MODELS  # noqa: E402

NAMES = ["kws_dscnn", "vww_mbv1", "ad_autoencoder"]


def model_input(path, dtype, seed=0):
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    shape = [1] + list(sess.get_inputs()[0].shape[1:])
    rng = np.random.default_rng(seed)
    if dtype == np.int8:
        return rng.integers(-128, 128, shape).astype(np.int8)
    if "ad_" in str(path):
        return np.load(MODELS / "ad_samples_float.npy")[:1].astype(np.float32)
    return rng.uniform(0, 1, shape).astype(np.float32)


@pytest.mark.parametrize("name", NAMES)
def test_float_model_every_pass_prefix(name):
    """Oracle: onnxruntime on models/<name>_float.onnx."""
    path = MODELS / f"{name}_float.onnx"
    g = check_prefixes(path, model_input(path, np.float32))
    assert {n.op for n in g.nodes} <= VOCAB
    assert not any(n.op == "transpose" for n in g.nodes)  # NHWC models: every transpose cancels


def test_vww_float_ref_is_fast():
    """Oracle: wall clock; the quantizer calibrates with run_float, so VWW must stay well under 1 s."""
    g = run_passes(load_onnx(MODELS / "vww_mbv1_float.onnx"))
    x = model_input(MODELS / "vww_mbv1_float.onnx", np.float32)
    run_float(g, {g.inputs[0]: x})
    t = time.perf_counter()
    run_float(g, {g.inputs[0]: x})
    assert time.perf_counter() - t < 0.8


@pytest.mark.parametrize("name", NAMES)
def test_qdq_model_loads_like_onnxruntime(name):
    """Oracle: onnxruntime on models/<name>_qdq.onnx, before any pass (int8 out, within 1 step)."""
    path = MODELS / f"{name}_qdq.onnx"
    x = model_input(path, np.int8)
    want = ort_outputs(path, x)
    g = load_onnx(path)
    got = run_float(g, {g.inputs[0]: x})
    for k in want:
        assert got[k].dtype == want[k].dtype == np.int8
        assert np.abs(got[k].astype(int) - want[k].astype(int)).max() <= 1


@pytest.mark.parametrize("name", NAMES)
def test_qdq_annotations_after_fold_qdq(name):
    """Oracle: the ONNX file itself: every activation that had a Q/DQ pair carries Tensor.q with the
    file's scale and zero point, and weights are int8 / bias int32 constants with QParams."""
    import onnx
    from onnx import numpy_helper
    path = MODELS / f"{name}_qdq.onnx"
    m = onnx.load(path)
    inits = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    q_scales = {n.input[0]: float(inits[n.input[1]]) for n in m.graph.node if n.op_type == "QuantizeLinear"}
    g = run_passes(load_onnx(path))
    assert {n.op for n in g.nodes} <= VOCAB
    assert not {"quantize", "dequantize"} & {n.op for n in g.nodes}  # int8 interface used directly
    for name in (*g.inputs, *g.outputs):
        assert g.t(name).dtype == "int8" and g.t(name).q is not None
    for n in g.nodes:
        for y in n.outputs:
            assert g.t(y).q is not None, f"{y} lost its QParams"
            if y in q_scales:
                assert np.isclose(g.t(y).q.s(), q_scales[y])
        if n.op in ("conv2d", "depthwise_conv2d", "fully_connected"):
            w, b = g.t(n.inputs[1]), g.t(n.inputs[2])
            assert w.is_const and w.dtype == "int8" and w.q is not None
            assert b.is_const and b.dtype == "int32" and b.q is not None
            if n.op == "conv2d":
                assert w.q.axis == 0 and w.q.scale.size == w.shape[0]
            if n.op == "depthwise_conv2d":
                assert w.q.axis == 3 and w.q.scale.size == w.shape[3]
    assert sum(1 for n in g.nodes for y in n.outputs if y in q_scales) >= 3
