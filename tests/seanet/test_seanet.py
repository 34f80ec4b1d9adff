"""TFLite Micro's seanet integration tests: 127 single-op 16x8 models, every output equal to TFLM's golden.

Oracle: the golden CSVs TFLM's own integration tests ship (`<name>_golden_<dtype>.csv`; LiteRT
BUILTIN_REF gives the same bytes), for both the numpy integer reference and the generated C.
All 127 models are compiled into one host binary (tests/batch_c.py: one object per model, one
driver), built with -Werror and ASan + UBSan.
"""
from __future__ import annotations

import collections

import numpy as np
import pytest

from batch_c import run_batch
from shared_models import shared_path
from tinyc.pipeline import load_model
from tinyc.ref import run_int

OPS = ("add", "conv", "leaky_relu", "pad", "quantize", "strided_slice", "sub", "transpose_conv")
EXPECTED = {"add": 17, "conv": 22, "leaky_relu": 23, "pad": 19, "quantize": 2, "strided_slice": 34, "sub": 5,
            "transpose_conv": 5}


def _csv(path, dtype) -> np.ndarray:
    return np.array([int(v) for v in path.read_text().strip().split(",")], dtype=dtype)


def _one(path):
    """(op, graph, input arrays, golden array) of one seanet model."""
    g = load_model(path)
    stem = path.with_suffix("")
    xs = []
    for k, name in enumerate(g.inputs):
        (csv,) = path.parent.glob(f"{stem.name}_input{k}_*.csv")
        t = g.tensors[name]
        xs.append(_csv(csv, t.dtype).reshape(t.shape))
    (gold,) = path.parent.glob(f"{stem.name}_golden_*.csv")
    y = g.tensors[g.outputs[0]]
    want = _csv(gold, y.dtype)
    assert gold.name.endswith(f"_{y.dtype}.csv")
    return path.parent.name, g, xs, want


@pytest.fixture(scope="module")
def seanet():
    root = shared_path("models/tflm/seanet")
    models = [_one(p) for op in OPS for p in sorted((root / op).glob("*.tflite"))]
    assert collections.Counter(m[0] for m in models) == EXPECTED
    return models


def _report(models, got) -> dict:
    passed = collections.Counter()
    bad = []
    for (op, g, _, want), y in zip(models, got):
        if np.asarray(y).reshape(-1).tobytes() == want.tobytes():
            passed[op] += 1
        else:
            bad.append(f"{g.name}: {int(np.count_nonzero(np.asarray(y).reshape(-1) != want))} of {want.size} differ")
    return dict(passed=dict(passed), bad=bad)


def test_seanet_numpy_ref_equals_tflm_golden(seanet):
    """tinyc's numpy integer reference on all 127 models == TFLM's golden outputs, byte for byte."""
    got = [run_int(g, dict(zip(g.inputs, xs)))[g.outputs[0]] for _, g, xs, _ in seanet]
    r = _report(seanet, got)
    assert not r["bad"], r["bad"][:10]
    assert r["passed"] == EXPECTED


def test_seanet_generated_c_equals_tflm_golden(seanet):
    """The generated C of all 127 models, one host binary with ASan + UBSan == TFLM's goldens, byte for byte."""
    outs = run_batch([g for _, g, _, _ in seanet], [xs for _, _, xs, _ in seanet], sanitize=True)
    r = _report(seanet, [o[0] for o in outs])
    assert not r["bad"], r["bad"][:10]
    assert r["passed"] == EXPECTED
