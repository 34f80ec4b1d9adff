"""End to end on the bundled MLPerf Tiny models, through `tinyc run`.

Oracles:
- int8 TFLite: LiteRT with BUILTIN_REF, byte for byte;
- QDQ ONNX: the same bytes as the TFLite original (through LiteRT);
- boards: the host build's bytes.
"""
from pathlib import Path

import numpy as np
import pytest

from oracle import litert_run
from tinyc.pipeline import Options
from tinyc.runner import run_model

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
INT8 = ["ad_autoencoder", "kws_dscnn", "vww_mbv1"]
N_SAMPLES = 20


def int8_inputs(name, n=N_SAMPLES, seed=0):
    from oracle import litert_io_details
    (inp,), _ = litert_io_details(MODELS / f"{name}_int8.tflite")
    shape = tuple(inp["shape"][1:])
    return np.random.default_rng(seed).integers(-128, 128, (n, *shape)).astype(np.int8)


def tinyc_run(model, x, tmp_path, board="host", tag="run"):
    np.save(tmp_path / f"{tag}_x.npy", x)
    stats = run_model(model, tmp_path / f"{tag}_x.npy", tmp_path / f"{tag}_y.npy", None,
                      tmp_path / f"{tag}_proj", Options(board=board))
    return np.load(tmp_path / f"{tag}_y.npy"), stats


def litert_outputs(name, x):
    return np.stack([litert_run(MODELS / f"{name}_int8.tflite", [xi[None]])[0][0] for xi in x])


@pytest.mark.parametrize("name", INT8)
def test_tflite_int8_host_matches_litert(name, tmp_path):
    x = int8_inputs(name)
    got, _ = tinyc_run(MODELS / f"{name}_int8.tflite", x, tmp_path)
    want = litert_outputs(name, x)
    assert got.shape == want.shape
    assert int((got != want).sum()) == 0


@pytest.mark.parametrize("name", INT8)
def test_qdq_onnx_matches_tflite(name, tmp_path):
    x = int8_inputs(name, n=5, seed=1)
    got, _ = tinyc_run(MODELS / f"{name}_qdq.onnx", x, tmp_path)
    want = litert_outputs(name, x)
    assert got.dtype == np.int8
    assert int((got.reshape(want.shape) != want).sum()) == 0


@pytest.mark.qemu
@pytest.mark.parametrize("name,board", [("ad_autoencoder", "mps2-an386"), ("kws_dscnn", "mps2-an500")])
def test_tflite_int8_qemu_matches_litert(name, board, tmp_path):
    x = int8_inputs(name, n=N_SAMPLES if name == "ad_autoencoder" else 4)
    got, stats = tinyc_run(MODELS / f"{name}_int8.tflite", x, tmp_path, board=board)
    assert int((got != litert_outputs(name, x)).sum()) == 0
    assert stats["instructions"] > 0
