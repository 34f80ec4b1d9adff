"""Quantization quality: tinyc int8 vs onnxruntime's quantize_static, as SQNR against the float model.

Both quantizers calibrate on the same samples (32 seeded N(0,1) samples, or the
first 20 real frames for the autoencoder) with min/max ranges, per-channel int8
weights; both are scored on separate samples against onnxruntime's float output.
tinyc's number is from the generated C, run on the host.

    python bench/sqnr.py [--models kws_dscnn ...]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnxruntime as ort
from onnxruntime.quantization import (CalibrationDataReader, QuantFormat, QuantType, quantize_static)
from onnxruntime.quantization.shape_inference import quant_pre_process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tinyc.pipeline import Options  # noqa: E402
from tinyc.runner import run_model  # noqa: E402

MODELS = ["kws_dscnn", "vww_mbv1", "ad_autoencoder"]


def sqnr_db(ref: np.ndarray, got: np.ndarray) -> float:
    noise = np.sum((ref.astype(np.float64) - got) ** 2)
    return float(10 * np.log10(np.sum(ref.astype(np.float64) ** 2) / max(noise, 1e-30)))


def data(name: str, shape: tuple) -> tuple[np.ndarray, np.ndarray]:
    if name == "ad_autoencoder":
        x = np.load(ROOT / "models" / "ad_samples_float.npy").astype(np.float32)
        return x[:20], x[20:]
    rng = np.random.default_rng(0)
    return (rng.standard_normal((32, *shape)).astype(np.float32),
            rng.standard_normal((32, *shape)).astype(np.float32))


class Reader(CalibrationDataReader):
    def __init__(self, name, x):
        self.it = iter([{name: xi[None]} for xi in x])

    def get_next(self):
        return next(self.it, None)


def ort_run(path, x):
    s = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = s.get_inputs()[0].name
    return np.stack([s.run(None, {name: xi[None]})[0][0] for xi in x])


def measure(name: str, tmp: Path) -> tuple[float, float]:
    model = ROOT / "models" / f"{name}_float.onnx"
    s = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    inp = s.get_inputs()[0]
    calib, test = data(name, tuple(inp.shape[1:]))
    ref = ort_run(model, test)

    pre = tmp / f"{name}_pre.onnx"
    quant_pre_process(str(model), str(pre), skip_symbolic_shape=True)
    q = tmp / f"{name}_ort_qdq.onnx"
    quantize_static(str(pre), str(q), Reader(inp.name, calib), quant_format=QuantFormat.QDQ,
                    per_channel=True, activation_type=QuantType.QInt8, weight_type=QuantType.QInt8)
    ort_db = sqnr_db(ref, ort_run(q, test))

    np.save(tmp / "calib.npy", calib)
    np.save(tmp / "test.npy", test)
    run_model(model, tmp / "test.npy", tmp / "y.npy", None, tmp / f"{name}_proj",
              Options(board="host", calib=str(tmp / "calib.npy")))
    tinyc_db = sqnr_db(ref, np.load(tmp / "y.npy").reshape(ref.shape))
    return tinyc_db, ort_db


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", nargs="*", default=MODELS)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models:
            t, o = measure(name, Path(tmp))
            rows.append((name, t, o))
    print("| model | tinyc SQNR (dB) | onnxruntime SQNR (dB) | tinyc - ort |")
    print("|---|---|---|---|")
    for name, t, o in rows:
        print(f"| {name} | {t:.2f} | {o:.2f} | {t - o:+.2f} |")


if __name__ == "__main__":
    main()
