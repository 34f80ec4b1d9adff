"""TFLM's example models: mnist_lstm_int8.tflite (UNIDIRECTIONAL_SEQUENCE_LSTM int8 -> FC -> softmax) and
micro_speech_int8.tflite (reshape, depthwise conv, FC, softmax).

Oracle: LiteRT BUILTIN_REF, with its variable tensors reset before every sample for the LSTM
(tinyc's LSTM is stateless across invokes: the states start from their initial constants each
time, see tinyc/ops/lstm.py). The numpy reference and the generated C (both models in one host
binary with ASan + UBSan; the LSTM also on mps2-an386 under QEMU) must give LiteRT's bytes.
"""
from __future__ import annotations

import numpy as np
import pytest

from batch_c import run_batch_samples
from harness import run_graph_c
from oracle import litert_interpreter, litert_run
from shared_models import shared_path
from tinyc.pipeline import load_model
from tinyc.ref import run_int


def _samples(n: int, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    xs = [rng.integers(-128, 128, (1, 28, 28)).astype(np.int8) for _ in range(n - 1)]
    digit = np.full((1, 28, 28), -128, dtype=np.int8)  # a bright bar on black, like an MNIST stroke
    digit[0, 4:24, 12:16] = 127
    return [digit, *xs]


def _litert(path, xs, tensor=None) -> list[np.ndarray]:
    it = litert_interpreter(path, preserve_all_tensors=tensor is not None)
    idx = it.get_output_details()[0]["index"] if tensor is None else tensor
    out = []
    for x in xs:
        it.reset_all_variables()
        it.set_tensor(it.get_input_details()[0]["index"], x)
        it.invoke()
        out.append(it.get_tensor(idx).copy())
    return out


@pytest.fixture(scope="module")
def model():
    path = shared_path("models/tflm/mnist_lstm_int8.tflite")
    return path, load_model(path)


def test_lstm_ref_matches_litert(model):
    """numpy reference == LiteRT on 10 samples, for the LSTM's own output (all 28 steps) and the model output."""
    path, g = model
    xs = _samples(10)
    lstm_out = g.nodes[0].outputs[0]
    want_lstm = _litert(path, xs, tensor=23)
    want = _litert(path, xs)
    for x, wl, w in zip(xs, want_lstm, want):
        env = run_int(g, {g.inputs[0]: x}, return_all=True)
        assert env[lstm_out].tobytes() == wl.tobytes()
        assert env[g.outputs[0]].tobytes() == w.tobytes()
    assert len({w.tobytes() for w in want_lstm}) == len(xs)  # every sample gives its own sequence
    assert len({w.tobytes() for w in want}) > 2


def test_tflm_models_c_host_matches_litert(model):
    """Generated C of both models in one host binary (ASan + UBSan) == LiteRT, 4 samples each."""
    path, g = model
    speech_path = shared_path("models/tflm/micro_speech_int8.tflite")
    speech = load_model(speech_path)
    xs = _samples(4, seed=1)
    ss = np.random.default_rng(3).integers(-128, 128, (4, 1960)).astype(np.int8)
    got = run_batch_samples([g, speech], [[[x] for x in xs], [[s[None]] for s in ss]], sanitize=True)
    for (y,), w in zip(got[0], _litert(path, xs)):
        assert y.tobytes() == w.tobytes()
    want = litert_run(speech_path, [ss])[0]
    for (y,), w in zip(got[1], want):
        assert y.reshape(-1).tobytes() == w.reshape(-1).tobytes()
    assert len({w.tobytes() for w in want}) > 3


@pytest.mark.qemu
def test_lstm_c_qemu_mps2_an386_matches_litert(model):
    """The same C built for mps2-an386 (Cortex-M4, DSP build) under QEMU == LiteRT on 3 samples."""
    path, g = model
    xs = _samples(3, seed=2)
    got = run_graph_c(g, [[x] for x in xs], board="mps2-an386")
    for (y,), w in zip(got, _litert(path, xs)):
        assert y.tobytes() == w.tobytes()
