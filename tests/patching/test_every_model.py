"""`--patch auto` on every model in models/: output identical byte for byte to layer by layer
(the float/QDQ twins of AD, KWS and VWW in the slow run).

Models with no spatial stage (the autoencoder) or no plan that saves memory (KWS)
compile layer by layer under `auto`; the test then also checks that they say so
in report.json. The patched ones must need less work_bytes (model input in the caller's buffer) than
layer by layer planned the same way, VWW at most half. Oracle: the same model compiled layer by
layer (C, same board).
"""
import json
from pathlib import Path

import numpy as np
import pytest

from tinyc.pipeline import Options, load_model
from tinyc.runner import run_model

MODELS = Path(__file__).resolve().parents[2] / "models"
ALL = sorted(p.name for p in MODELS.glob("*.onnx")) + sorted(p.name for p in MODELS.glob("*.tflite"))
# kws_dscnn_float: auto finds an 8x5 grid after node 1 needing less work memory than layer by layer
# (first seen once kernel scratch moved into the arena and patch-engage's search was merged)
PATCHED = {"kws_dscnn_float.onnx", "mnist_cnn.onnx", "vww_mbv1_float.onnx", "vww_mbv1_qdq.onnx", "vww_mbv1_int8.tflite"}


def calib_for(name):
    if name.endswith(".tflite"):
        return None  # already quantized: a --calib would be checked against its int8 input, then ignored
    if name.startswith("mnist"):
        return str(MODELS / "mnist_calib.npy")
    if name.startswith("ad_"):
        return str(MODELS / "ad_samples_float.npy")
    return None


def patched_vs_layer_by_layer(name, tmp_path, board):
    g = load_model(MODELS / name)
    t = g.tensors[g.inputs[0]]
    rng = np.random.default_rng(0)
    if t.dtype == "float32":
        x = rng.standard_normal((2, *t.shape[1:])).astype(np.float32)
    else:
        x = rng.integers(-128, 128, (2, *t.shape[1:])).astype(np.int8)
    np.save(tmp_path / "x.npy", x)
    guard = [] if board == "host" else ["-DTC_ARENA_GUARD=1"]
    for tag, patch in (("lbl", "off"), ("patch", "auto")):
        run_model(MODELS / name, tmp_path / "x.npy", tmp_path / f"{tag}.npy", None, tmp_path / tag,
                  Options(board=board, calib=calib_for(name), patch=patch, extra_cflags=guard))
    assert np.load(tmp_path / "patch.npy").tobytes() == np.load(tmp_path / "lbl.npy").tobytes()
    rep = json.loads((tmp_path / "patch" / "report.json").read_text())
    assert (rep.get("patch", {}).get("split") is not None) == (name in PATCHED)
    if name in PATCHED:  # it must pay: less work memory than layer by layer on the same convention
        base = rep["patch"]["work_bytes_layer_by_layer"]
        assert rep["work_bytes"] * (2 if name.startswith("vww") else 1) <= base, (rep["work_bytes"], base)


# Default run: every TFLite model, MNIST and VWW float (the input-interface case); the other float/QDQ
# twins of the same networks run with `make test-slow`.
DEFAULT = {"mnist_cnn.onnx", "vww_mbv1_float.onnx"} | {n for n in ALL if n.endswith(".tflite")}


@pytest.mark.parametrize("name", [n if n in DEFAULT else pytest.param(n, marks=pytest.mark.slow) for n in ALL])
def test_patch_auto_equals_layer_by_layer_host(name, tmp_path):
    patched_vs_layer_by_layer(name, tmp_path, "host")


@pytest.mark.slow
@pytest.mark.qemu
@pytest.mark.parametrize("name", sorted(PATCHED))
def test_patch_auto_equals_layer_by_layer_qemu(name, tmp_path):
    patched_vs_layer_by_layer(name, tmp_path, "mps2-an386")
