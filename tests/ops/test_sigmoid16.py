"""int16 TANH and LOGISTIC (16x8) on every int16 input value, at power-of-two, nearly power-of-two
and random input scales.

Oracle: LiteRT BUILTIN_REF, byte for byte, for tinyc's numpy reference (tinyc.quant.sigmoid16) and
for the generated C (tc_tanh_s16 / tc_logistic_s16, one host build with ASan + UBSan). The table
itself is checked against the one LiteRT's outputs reveal.
"""
from __future__ import annotations

import numpy as np
import pytest

from batch_c import run_batch
from tflite_builder import TensorSpec, build_model, run_litert
from tinyc.errors import TinycError
from tinyc.frontend.tflite_loader import load_tflite
from tinyc.quant import sigmoid16
from tinyc.ref import run_int

ALL = np.arange(-32768, 32768, dtype=np.int16)
# 2^-12 and 2^-11 take the power-of-two path (for TANH; LOGISTIC only 2^-12), also within CheckedLog2's
# 1e-3 tolerance; 1/12288 is a multiplier of exactly 1; the others the general path.
FIXED = [2 ** -12, 2 ** -11, 2 ** -12 * 1.0004, 2 ** -11 * 0.9997, 2 ** -13, 1 / 12288, 1e-6, 0.05]


def _model(op, s_in, s_out=1 / 32768):
    x = TensorSpec("x", ALL.shape, "int16", float(s_in), 0)
    y = TensorSpec("y", ALL.shape, "int16", float(s_out), 0)
    return build_model(op, [x], [y])


def _scales(n, seed):
    rng = np.random.default_rng(seed)
    return FIXED + [float(s) for s in np.exp(rng.uniform(np.log(1e-6), np.log(5e-2), n))]


def _check(tmp_path, scales, n_c):
    bad, graphs, wants = [], [], []
    for k, s in enumerate(scales):
        for op in ("TANH", "LOGISTIC"):
            model = _model(op, s)
            want = run_litert(model, [ALL])[0]
            path = tmp_path / f"{op.lower()}_{k}.tflite"
            path.write_bytes(model)
            g = load_tflite(path)
            got = run_int(g, {g.inputs[0]: ALL})[g.outputs[0]]
            if got.tobytes() != want.tobytes():
                bad.append(f"{op} s_in={s!r}: {np.count_nonzero(got != want)} of 65536 differ")
            if k < n_c:
                graphs.append(g)
                wants.append(want)
    assert not bad, "numpy reference != LiteRT: " + "; ".join(bad)
    outs = run_batch(graphs, [[ALL]] * len(graphs), sanitize=True)
    bad = [g.name for g, o, w in zip(graphs, outs, wants) if o[0].tobytes() != w.tobytes()]
    assert not bad, f"C != LiteRT: {bad}"


def test_sigmoid16_all_inputs_match_litert(tmp_path):
    """8 fixed + 8 random scales, both ops, all 65536 inputs; 4 scales x 2 ops through C."""
    _check(tmp_path, _scales(8, 0), 4)


@pytest.mark.slow
def test_sigmoid16_sweep(tmp_path):
    _check(tmp_path, _scales(80, 1), 12)


def test_sigmoid_table_is_the_one_litert_uses():
    """At input scale 1/6144 TANH's scaled input is 2x, so x = 128 i lands exactly on entry i with
    no interpolation and the output is entry i - 32768: LiteRT's table, read off its outputs."""
    y = run_litert(_model("TANH", 2 / 12288), [ALL])[0].astype(np.int64)
    seen = y[128 * np.arange(256) + 32768] + 32768
    np.testing.assert_array_equal(seen, sigmoid16.sigmoid_table())
    plain = np.minimum(np.floor(65536 / (1 + np.exp(-np.arange(256) / 24)) + 0.5), 65535)
    assert np.count_nonzero(plain != seen) > 10  # a plain rounding of the samples would not do


def test_logistic16_output_scale_error(tmp_path):
    path = tmp_path / "bad.tflite"
    path.write_bytes(_model("LOGISTIC", 1e-4, 1 / 16384))
    g = load_tflite(path)
    with pytest.raises(TinycError, match="output scale 1/32768"):
        run_int(g, {g.inputs[0]: ALL})
