"""TFLite files that TFLM accepts and LiteRT refuses: a 1-D bias whose quantized_dimension was copied from
the depthwise filter (3), as in TFLM's person-detection model.

Oracle: TFLM itself (the tflite-micro pip package), since LiteRT cannot load the file; the test first
checks that LiteRT really refuses it. tinyc's numpy reference and generated C (host, ASan) equal TFLM.
"""
from __future__ import annotations

import numpy as np
import pytest

from batch_c import run_batch_samples
from tflite_builder import TensorSpec, build_model, run_litert
from tinyc.pipeline import load_model
from tinyc.ref import run_int


def _model(rng, op):
    c = 6
    ws = rng.uniform(0.005, 0.03, c).astype(np.float32)
    x = TensorSpec("x", (1, 6, 6, c), "int8", 0.05, -3)
    if op == "DEPTHWISE_CONV_2D":
        w = TensorSpec("w", (1, 3, 3, c), "int8", ws.tolist(), [0] * c,
                       rng.integers(-127, 128, (1, 3, 3, c)).astype(np.int8), 3)
        opts = {"padding": "SAME", "stride_h": 1, "stride_w": 1, "depth_multiplier": 1}
    else:
        w = TensorSpec("w", (c, 3, 3, c), "int8", ws.tolist(), [0] * c,
                       rng.integers(-127, 128, (c, 3, 3, c)).astype(np.int8), 0)
        opts = {"padding": "SAME", "stride_h": 1, "stride_w": 1}
    b = TensorSpec("b", (c,), "int32", (ws * np.float32(0.05)).tolist(), [0] * c,
                   rng.integers(-2000, 2000, c).astype(np.int32), 3)  # the quirk: dim 3 of a 1-D tensor
    y = TensorSpec("y", (1, 6, 6, c), "int8", 0.08, 2)
    return build_model(op, [x, w, b], [y], opts)


def test_bias_quantized_dimension_quirk(tmp_path):
    """DEPTHWISE_CONV_2D and CONV_2D with the quirk: ref and C (one ASan host binary) == TFLM, 3 samples."""
    from tflite_micro.python.tflite_micro import runtime

    graphs, samples, wants = [], [], []
    for k, op in enumerate(("DEPTHWISE_CONV_2D", "CONV_2D")):
        rng = np.random.default_rng(7 + k)
        model = _model(rng, op)
        xs = [rng.integers(-128, 128, (1, 6, 6, 6)).astype(np.int8) for _ in range(3)]
        with pytest.raises(Exception, match="quantized_dimension"):
            run_litert(model, [xs[0]])
        tflm = runtime.Interpreter.from_bytes(model)
        want = []
        for x in xs:
            tflm.set_input(x, 0)
            tflm.invoke()
            want.append(tflm.get_output(0).copy())
        path = tmp_path / f"quirk_{op.lower()}.tflite"
        path.write_bytes(model)
        g = load_model(path)
        for x, w in zip(xs, want):
            assert run_int(g, {g.inputs[0]: x})[g.outputs[0]].tobytes() == w.tobytes()
        assert len(np.unique(want[0])) > 20
        graphs.append(g)
        samples.append([[x] for x in xs])
        wants.append(want)
    for outs, want in zip(run_batch_samples(graphs, samples, sanitize=True), wants):
        for (y,), w in zip(outs, want):
            assert y.tobytes() == w.tobytes()
