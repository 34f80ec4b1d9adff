"""The TFLite zoo (tests/zoo/tflite: keras.applications and hand-written Keras nets, converted by the
TensorFlow Lite converter to int8 and 16x8; make_tflite_zoo.py): every model loads and its numpy
integer reference equals LiteRT BUILTIN_REF on every output and every intermediate tensor both name;
every model compiles (or fails with the one-line error EXPECTED_ERRORS names, exit 2 from the CLI);
the generated C equals the numpy reference (batch host builds: a subset in the default run, all in the
slow run).

Oracles: LiteRT BUILTIN_REF (ref), tinyc.ref.run_int (C).
"""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from batch_c import run_batch_samples
from zoo.tflite_zoo import EXPECTED_ERRORS, ROOT, compare_with_litert, inputs, models, path
from tinyc.errors import TinycError
from tinyc.pipeline import Options, compile_graph, load_model
from tinyc.ref import run_int

# Compiling the unrolled recurrent nets and NASNet's branchy cells takes 15-60 s (memory/order.py's
# operator-order search on ~300 nodes): slow run only.
# one host build in the default run: Conv1D as EXPAND_DIMS + CONV_2D, explicit PAD, transpose conv + concat,
# int16 logistic, SHAPE/PACK-folded flatten, residual adds, 16x8 MEAN/HARD_SWISH-free nets
C_FAST = ["ds_cnn_1d_int8", "conv1d_audio_16x8", "unet_16x8", "resnet8_int8", "resnet_small_int8",
          "gru_classifier_int8"]


def test_zoo_is_complete():
    names = models()
    assert len({n.rsplit("_", 1)[0] for n in names}) >= 15, names
    assert sum(n.endswith("_16x8") for n in names) >= 12


# default run: every family but these heavier files (all of them in the slow run)
SLOW_REF = {"lstm_classifier_int8", "nasnet_small_int8", "nasnet_small_16x8", "densenet_small_int8",
            "densenet_small_16x8", "efficientnet_v2_b0_int8", "efficientnet_v2_b0_16x8", "mobilenet_v3_large_int8"}
# compiled in the default run (the C_FAST models compile in test_c_equals_ref_subset): HARD_SWISH, 16x8
# logistic + MEAN (squeeze-excite), the expected error
COMPILE_FAST = {"mobilenet_v3_small_int8", "efficientnet_b0_16x8", "mobilenet_v3_large_min_16x8",
                "gru_classifier_int8"}


def _marked(names, fast):
    return [n if n in fast else pytest.param(n, marks=pytest.mark.slow) for n in names]


@pytest.mark.parametrize("name", _marked(models(), set(models()) - SLOW_REF))
def test_ref_matches_litert_on_every_tensor(name):
    g = load_model(path(name))
    bad, compared, wants = compare_with_litert(g, name, inputs(name, 2, seed=0))
    assert not bad, bad[:5]
    assert compared >= 2 * (len(g.outputs) + 4)  # the outputs and intermediates of both samples


@pytest.mark.parametrize("name", _marked(models(), COMPILE_FAST))
def test_compiles_or_names_the_op(name):
    g = load_model(path(name))
    if name in EXPECTED_ERRORS:
        with pytest.raises(TinycError, match=EXPECTED_ERRORS[name]):
            compile_graph(g, Options())
        return
    rep = compile_graph(g, Options()).report
    assert rep["arena_bytes"] > 0 and rep["work_bytes"] <= rep["arena_bytes"]


def _c_equals_ref(names):
    graphs, samples, wants = [], [], []
    for name in names:
        g = load_model(path(name))
        xs = inputs(name, 2, seed=1)
        per = [[x[i].reshape(g.tensors[n].shape) for n, x in zip(g.inputs, xs)] for i in range(len(xs[0]))]
        graphs.append(g)
        samples.append(per)
        wants.append([[run_int(g, dict(zip(g.inputs, s)))[o] for o in g.outputs] for s in per])
    got = run_batch_samples(graphs, samples)
    bad = [f"{n} sample {i}" for n, gs, ws in zip(names, got, wants) for i, (a, b) in enumerate(zip(gs, ws))
           if any(x.tobytes() != y.tobytes() for x, y in zip(a, b))]
    assert not bad, bad


def test_c_equals_ref_subset():
    _c_equals_ref([n for n in C_FAST if n in models()])


@pytest.mark.slow
def test_c_equals_ref_all():
    _c_equals_ref([n for n in models() if n not in EXPECTED_ERRORS and n not in C_FAST])


def _cli(*args, cwd):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "tinyc.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env)


def test_cli_compile(tmp_path):
    """`tinyc compile` succeeds on converter-made models, the float-island GRU included (a float op
    without a kernel is refused in one line: tests/test_float_islands.py)."""
    for name in ("unet_16x8", "gru_classifier_int8"):
        p = _cli("compile", path(name), "-o", tmp_path / name, "-q", cwd=tmp_path)
        assert p.returncode == 0, p.stderr
        assert (tmp_path / name / "report.json").is_file()


def test_inputs_differ_between_samples():
    xs = inputs("resnet8_int8", 3, seed=0)[0]
    assert len({x.tobytes() for x in xs}) == 3 and np.ptp(xs.astype(np.int32)) > 100
