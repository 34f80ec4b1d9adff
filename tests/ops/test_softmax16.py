"""int16 SOFTMAX (16x8) over the last axis, rows of 1..256 elements, random input scales and betas.

Oracle: LiteRT BUILTIN_REF, byte for byte, for tinyc's numpy reference (tinyc.quant.softmax16) on
many rows per model, and for the generated C (tc_softmax_s16; one host build with ASan + UBSan).
Rows mix narrow and full-range values, constant rows and single spikes, so the exp table, the
reciprocal table and the final rounding shift are all exercised over their ranges.
"""
from __future__ import annotations

import numpy as np
import pytest

from batch_c import run_batch
from tflite_builder import TensorSpec, build_model, run_litert
from tinyc.frontend.tflite_loader import load_tflite
from tinyc.ref import run_int

ROWS = 48


def _rows(rng, n):
    """ROWS int16 rows of n values: gaussian rows of random spread, plus edge rows."""
    spread = rng.integers(1, 40000, (ROWS, 1))
    x = np.clip(np.rint(rng.standard_normal((ROWS, n)) * spread / 3), -32768, 32767).astype(np.int16)
    x[0] = rng.integers(-32768, 32768, n)  # full range
    x[1] = int(rng.integers(-32768, 32768))  # constant row: every output equal
    x[2] = -32768
    x[2, int(rng.integers(n))] = 32767  # one spike
    x[3] = rng.integers(-3, 4, n)  # nearly flat
    return x


def _case(rng):
    n = int(rng.choice([1, 2, 65, 256])) if rng.random() < 0.3 else int(rng.integers(1, 257))
    s = float(np.exp(rng.uniform(np.log(1e-6), np.log(3e-2))))
    beta = float(rng.choice([1.0, 0.5, 2.0, 8 ** -0.5, float(rng.uniform(0.05, 3.0))]))
    x = TensorSpec("x", (ROWS, n), "int16", s, 0)
    y = TensorSpec("y", (ROWS, n), "int16", 1 / 32768, 0)
    return build_model("SOFTMAX", [x], [y], {"beta": beta}), _rows(rng, n)


def _check(tmp_path, n_models, n_c, seed):
    rng = np.random.default_rng(seed)
    bad, graphs, feeds, wants = [], [], [], []
    for k in range(n_models):
        model, x = _case(rng)
        want = run_litert(model, [x])[0]
        path = tmp_path / f"softmax16_{seed}_{k}.tflite"
        path.write_bytes(model)
        g = load_tflite(path)
        got = run_int(g, {g.inputs[0]: x})[g.outputs[0]]
        if got.tobytes() != want.tobytes():
            bad.append(f"model {k} (depth {x.shape[1]}): {np.count_nonzero(got != want)} of {want.size} differ")
        if k < n_c:
            graphs.append(g)
            feeds.append([x])
            wants.append(want)
    assert not bad, "numpy reference != LiteRT: " + "; ".join(bad)
    outs = run_batch(graphs, feeds, sanitize=True)
    bad = [k for k, (o, w) in enumerate(zip(outs, wants)) if o[0].tobytes() != w.tobytes()]
    assert not bad, f"C != LiteRT for models {bad}"
    assert np.mean([len(np.unique(w)) > 4 for w in wants]) > 0.5  # outputs really spread


def test_softmax16_matches_litert(tmp_path):
    """60 models x 48 rows vs LiteRT (numpy reference); 6 of them through the C kernel."""
    _check(tmp_path, 60, 6, seed=0)


@pytest.mark.slow
def test_softmax16_sweep(tmp_path):
    """The same with 600 models, 30 of them in C."""
    _check(tmp_path, 600, 30, seed=1)
