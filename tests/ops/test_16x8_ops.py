"""TFLite 16x8 models through tinyc's TFLite frontend: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, MUL,
MAX/AVERAGE_POOL_2D, CONCATENATION, PAD, QUANTIZE (int8 <-> int16, int16 -> int16), MEAN, SOFTMAX, TANH, LOGISTIC
(ADD, SUB, LEAKY_RELU, STRIDED_SLICE, TRANSPOSE_CONV are in test_new_ops.py).

Oracle: LiteRT BUILTIN_REF on random single-op models (tests/ops/s16_cases.py), byte for byte, for the
numpy reference and for the generated C (all cases in one host binary with ASan + UBSan).
"""
from __future__ import annotations

import numpy as np
import pytest

from batch_c import run_batch
from s16_cases import S16_GENERATORS
from tflite_builder import run_litert
from tinyc.pipeline import load_model
from tinyc.ref import run_int


def _check(tmp_path, n, seed0=0):
    cases = []
    for op, gen in S16_GENERATORS.items():
        for k in range(n):
            model, xs = gen(np.random.default_rng([seed0, k, len(op), ord(op[0])]))
            path = tmp_path / f"{op.lower()}_{k}.tflite"
            path.write_bytes(model)
            cases.append((path, xs, run_litert(model, xs)[0]))
    graphs, bad = [], []
    for path, xs, want in cases:
        g = load_model(path)
        got = run_int(g, dict(zip(g.inputs, xs)))[g.outputs[0]]
        if got.dtype != want.dtype or got.tobytes() != want.tobytes():
            bad.append(f"ref {path.stem}: {np.count_nonzero(got.reshape(-1) != want.reshape(-1))} of {want.size}")
        graphs.append(g)
    assert not bad, bad
    outs = run_batch(graphs, [xs for _, xs, _ in cases], sanitize=True)
    bad = [f"C {p.stem}" for (p, _, want), o in zip(cases, outs) if o[0].tobytes() != want.tobytes()]
    assert not bad, bad
    big = [w for _, _, w in cases if w.size >= 16]
    assert np.mean([len(np.unique(w)) > 8 for w in big]) >= 0.75  # outputs really spread over int16
    return cases


def test_16x8_ops_ref_and_c_match_litert(tmp_path):
    """3 random models per op: ref == LiteRT and C == LiteRT, byte for byte."""
    cases = _check(tmp_path, 3)
    assert len(cases) == 3 * len(S16_GENERATORS)
    assert all(w.dtype in (np.int16, np.int8) for _, _, w in cases)


@pytest.mark.slow
def test_16x8_ops_sweep(tmp_path):
    """The same with 40 models per op."""
    _check(tmp_path, 40, seed0=1)
