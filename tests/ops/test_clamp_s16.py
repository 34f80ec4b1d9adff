"""int16 RELU / RELU6 (TFLite 16x8; LiteRT has no int16 RELU_N1_TO_1) with an output scale of their own (a
requantizing clamp), every int16 input value.

Oracle: LiteRT BUILTIN_REF on single-op models (tests/tflite_builder.py), byte for byte, for the numpy
reference and for the generated C (all cases in one host binary with ASan + UBSan).
"""
from __future__ import annotations

import numpy as np

from batch_c import run_batch
from tflite_builder import TensorSpec, build_model, run_litert
from tinyc.pipeline import load_model
from tinyc.ref import run_int


def test_clamp_s16_all_values_match_litert(tmp_path):
    xs = np.arange(-32768, 32768, dtype=np.int16).reshape(1, -1)
    graphs, wants, names = [], [], []
    for k, (op, s_out) in enumerate((("RELU", 5.4e-5), ("RELU6", 2.5e-4))):
        model = build_model(op, [TensorSpec("x", xs.shape, "int16", 6.3e-5, 0)],
                            [TensorSpec("y", xs.shape, "int16", s_out, 0)], None)
        path = tmp_path / f"{op.lower()}_{k}.tflite"
        path.write_bytes(model)
        (want,) = run_litert(model, [xs])
        g = load_model(path)
        got = run_int(g, {g.inputs[0]: xs})[g.outputs[0]]
        assert got.dtype == np.int16 and got.tobytes() == want.tobytes(), (op, int(np.count_nonzero(got != want)))
        graphs.append(g)
        wants.append(want)
        names.append(op)
    assert min(len(np.unique(w)) for w in wants) > 1000  # the outputs really spread over int16
    outs = run_batch(graphs, [[xs] for _ in graphs], sanitize=True)
    bad = [n for n, o, w in zip(names, outs, wants) if o[0].tobytes() != w.tobytes()]
    assert not bad, bad
