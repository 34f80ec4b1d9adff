"""PyTorch ViT through ONNX: tinyc int8 vs onnxruntime quantize_static, SQNR against the float model.

Same calibration (tests/vit/vit_torch_calib.npy, 32 samples) and test data
(vit_torch_test.npy, 16 samples) for both; onnxruntime: QDQ, per-channel int8
weights, int8 activations, MinMax; tinyc: the generated C on the host.

    python bench/vit_sqnr.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from sqnr import Reader, ort_run, sqnr_db  # noqa: E402
from tinyc.pipeline import Options  # noqa: E402
from tinyc.runner import run_model  # noqa: E402

VIT = ROOT / "tests" / "vit"


def measure(tmp: Path, model: Path = VIT / "vit_torch.onnx") -> tuple[float, float, float]:
    """(tinyc SQNR dB, onnxruntime SQNR dB, tinyc numpy-float check: max |float_ref - onnxruntime|)."""
    import onnxruntime as ort
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process
    calib, test = np.load(VIT / "vit_torch_calib.npy"), np.load(VIT / "vit_torch_test.npy")
    ref = ort_run(model, test)
    pre, q = tmp / "pre.onnx", tmp / "ort_qdq.onnx"
    quant_pre_process(str(model), str(pre), skip_symbolic_shape=True)
    name = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"]).get_inputs()[0].name
    quantize_static(str(pre), str(q), Reader(name, calib), quant_format=QuantFormat.QDQ,
                    per_channel=True, activation_type=QuantType.QInt8, weight_type=QuantType.QInt8)
    ort_db = sqnr_db(ref, ort_run(q, test))
    run_model(model, VIT / "vit_torch_test.npy", tmp / "y.npy", None, tmp / "proj",
              Options(board="host", calib=str(VIT / "vit_torch_calib.npy")))
    tinyc_db = sqnr_db(ref, np.load(tmp / "y.npy").reshape(ref.shape))
    from tinyc.float_ref import run_float
    from tinyc.pipeline import load_model
    g = load_model(model)
    fl = np.stack([run_float(g, {g.inputs[0]: xi[None]})[g.outputs[0]].reshape(-1) for xi in test])
    return tinyc_db, ort_db, float(np.abs(fl - ref.reshape(fl.shape)).max())


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        t, o, err = measure(Path(d))
    print("| model | tinyc SQNR dB | onnxruntime SQNR dB | tinyc - ort |")
    print("|---|---|---|---|")
    print(f"| vit_torch | {t:.2f} | {o:.2f} | {t - o:+.2f} |")
    print(f"(tinyc float IR vs onnxruntime float: max abs diff {err:.2e})")


if __name__ == "__main__":
    main()
