"""Synthetic ONNX models through load_onnx and every pass prefix.

Oracle: onnxruntime on the original ONNX file (float32), rtol/atol 1e-4.
"""
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import onnx_models as om  # noqa: E402
from onnx_models import CASES  # noqa: E402

from tinyc import ir  # noqa: E402
from tinyc.float_ref import run_float  # noqa: E402
from tinyc.frontend.onnx_loader import load_onnx  # noqa: E402
from tinyc.passes import FLOAT_PASSES  # noqa: E402

VOCAB = {"conv2d", "depthwise_conv2d", "fully_connected", "add", "mul", "max_pool2d", "avg_pool2d", "mean",
         "softmax", "log_softmax", "logistic", "hard_swish", "tanh", "clamp", "pad", "concat", "reshape",
         "transpose", "resize_nearest", "quantize", "dequantize", "sub", "leaky_relu", "prelu", "gelu", "erf",
         "strided_slice", "transpose_conv", "resize_bilinear", "arg_max", "top_k"}


def ort_outputs(path, x):
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    return dict(zip(names, sess.run(None, {sess.get_inputs()[0].name: x})))


def check_prefixes(path, x):
    """float_ref after each pass prefix equals onnxruntime; returns the fully passed graph."""
    want = ort_outputs(path, x)
    g = load_onnx(path)
    for i in range(len(FLOAT_PASSES) + 1):
        if i:
            g = ir.verify(FLOAT_PASSES[i - 1](g))
        got = run_float(g, {g.inputs[0]: x})
        stage = FLOAT_PASSES[i - 1].__name__ if i else "load_onnx"
        assert set(got) == set(want), stage
        for name in want:
            np.testing.assert_allclose(got[name], want[name], rtol=1e-4, atol=1e-4, err_msg=f"{stage}: {name}")
    return g


@pytest.mark.parametrize("case", sorted(CASES))
def test_case_matches_onnxruntime(case, tmp_path):
    """Oracle: onnxruntime. Also: the final graph uses only docs/ops.md ops, with no NCHW attrs left."""
    model = CASES[case]()
    path = tmp_path / f"{case}.onnx"
    onnx.save(model, path)
    dims = [d.dim_value or 1 for d in model.graph.input[0].type.tensor_type.shape.dim]
    x = np.random.default_rng(1).standard_normal(dims).astype(np.float32)
    g = check_prefixes(path, x)
    assert {n.op for n in g.nodes} <= VOCAB
    assert not any("layout" in n.attrs or "w_layout" in n.attrs for n in g.nodes)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_random_conv_geometry(tmp_path_factory, data):
    """Oracle: onnxruntime, on Conv geometries drawn by hypothesis (groups, depthwise multipliers,
    rectangular kernels, strides, dilations, asymmetric pads)."""
    group = data.draw(st.sampled_from([1, 2, 3]))
    cin = group * data.draw(st.integers(1, 3))
    cout = group * data.draw(st.integers(1, 3))
    k = (data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4)))
    stride = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    dil = (data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2)))
    pads = [data.draw(st.integers(0, k[i % 2] - 1)) for i in range(4)]
    size = tuple((k[i] - 1) * dil[i] + 1 + data.draw(st.integers(0, 6)) for i in range(2))
    model = om.random_conv(0, cin, cout, group, k, stride, dil, pads, size)
    path = tmp_path_factory.mktemp("conv") / "m.onnx"
    onnx.save(model, path)
    x = np.random.default_rng(0).standard_normal((1, cin, *size)).astype(np.float32)
    check_prefixes(path, x)
