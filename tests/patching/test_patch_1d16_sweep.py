"""The slow sweep of --patch auto on the converter-made 1-D and 16x8 models of tests/zoo/tflite/
(bench/patch_1d16.py prints the same figures for the README), and one QEMU run.

Oracles: tinyc.ref.run_int (layer by layer, numpy) and LiteRT BUILTIN_REF, byte for byte on the host
C; on mps2-an386 the layer-by-layer generated C's bytes.
"""
import numpy as np
import pytest

from c_run import run_c
from oracle import litert_run
from tinyc.pipeline import load_model
from tinyc.ref import run_int

ZOO = "tests/zoo/tflite"
# model -> least work_bytes reduction auto must reach (layer by layer / patched)
SWEEP = {"conv1d_audio_int8": 2.0, "conv1d_audio_16x8": 2.0, "mobilenet_v1_16x8": 2.0, "resnet_small_16x8": 2.0}


def _samples(g, n, seed):
    t = g.tensors[g.inputs[0]]
    info = np.iinfo(t.dtype)
    return [np.random.default_rng(seed + i).integers(info.min, info.max + 1, t.shape).astype(t.dtype)
            for i in range(n)]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SWEEP))
def test_auto_sweep_equals_litert(name):
    path = f"{ZOO}/{name}.tflite"
    g = load_model(path)
    xs = _samples(g, 2, 11)
    got, c, _ = run_c(g, xs, "auto")
    p = c.report["patch"]
    assert p["work_bytes_layer_by_layer"] >= SWEEP[name] * p["work_bytes"]
    for x, y in zip(xs, got):
        assert y.tobytes() == run_int(g, {g.inputs[0]: x})[g.outputs[0]].tobytes()
        assert y.tobytes() == litert_run(path, [x])[0].astype(y.dtype).reshape(y.shape).tobytes()


@pytest.mark.slow
@pytest.mark.qemu
def test_conv1d_audio_16x8_streamed_on_m4():
    """A 16x8 Keras Conv1D net streamed along time on mps2-an386 equals its layer-by-layer build."""
    g = load_model(f"{ZOO}/conv1d_audio_16x8.tflite")
    xs = _samples(g, 1, 5)
    got, c, _ = run_c(g, xs, "auto", board="mps2-an386")
    want, _, _ = run_c(g, xs, "off", board="mps2-an386")
    assert c.report["patch"]["plan"].endswith("s")
    assert got[0].tobytes() == want[0].tobytes()
