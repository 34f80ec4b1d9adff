"""The ONNX zoo (tests/zoo/onnx, made by tests/zoo/make_zoo.py): compile status and SQNR vs onnxruntime.

Method of bench/sqnr.py: tinyc and onnxruntime's quantize_static (QDQ, per-channel
int8 weights, int8 activations, min/max) calibrate on the same 32 seeded N(0,1)
samples and are scored on 32 other seeded samples against onnxruntime's float
output; SQNR is over every float output of the model together. tinyc's figure
is from the numpy integer reference (tinyc.ref.run_int), which the generated C
equals bit for bit (tests/zoo/test_zoo.py checks that on a subset).

    python bench/zoo.py [--zoo 1|2|3] [--models NAME ...]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
from onnxruntime.quantization.shape_inference import quant_pre_process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tinyc.errors import TinycError  # noqa: E402
from tinyc.pipeline import Options, load_model, quantize  # noqa: E402
from tinyc.ref import run_int  # noqa: E402

ZOO = ROOT / "tests" / "zoo" / "onnx"
ZOO2 = ROOT / "tests" / "zoo" / "onnx2"  # tests/zoo/make_zoo2.py: architectures the first zoo lacks
ZOO3 = ROOT / "tests" / "zoo" / "onnx3"  # tests/zoo/make_zoo3.py: held-out-style architectures neither has
N_CALIB = N_TEST = 32


def models(zoo: Path = ZOO) -> list[str]:
    return sorted(p.stem for p in zoo.glob("*.onnx"))


def sqnr_db(ref: np.ndarray, got: np.ndarray) -> float:
    noise = np.sum((ref.astype(np.float64) - got) ** 2)
    return float(10 * np.log10(np.sum(ref.astype(np.float64) ** 2) / max(noise, 1e-30)))


def data(path: Path, seed: int, n: int) -> list[dict[str, np.ndarray]]:
    """n samples {input name: array with batch 1}, seeded N(0,1)."""
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(seed)
    ins = [(i.name, i.shape) for i in sess.get_inputs()]
    return [{name: rng.standard_normal(shape).astype(np.float32) for name, shape in ins} for _ in range(n)]


def float_outputs(path: Path) -> list[int]:
    m = onnx.load(str(path))
    return [i for i, o in enumerate(m.graph.output) if o.type.tensor_type.elem_type == onnx.TensorProto.FLOAT]


def ort_run(path: Path, samples) -> list[list[np.ndarray]]:
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return [sess.run(None, s) for s in samples]


def flat(outs, idx) -> np.ndarray:
    return np.concatenate([np.concatenate([np.asarray(o[i], np.float64).reshape(-1) for i in idx]) for o in outs])


class Reader(CalibrationDataReader):
    def __init__(self, samples):
        self.it = iter(samples)

    def get_next(self):
        return next(self.it, None)


def ort_sqnr(path: Path, calib, test, ref, idx, tmp: Path) -> float:
    pre, q = tmp / f"{path.stem}_pre.onnx", tmp / f"{path.stem}_qdq.onnx"
    quant_pre_process(str(path), str(pre), skip_symbolic_shape=True)
    quantize_static(str(pre), str(q), Reader(calib), quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QInt8, weight_type=QuantType.QInt8)
    return sqnr_db(flat(ref, idx), flat(ort_run(q, test), idx))


def tinyc_graph(path: Path, calib, tmp: Path):
    """The quantized tinyc graph, calibrated on `calib` (written as an .npz, as --calib takes it)."""
    g = load_model(path)
    cal = tmp / f"{path.stem}_calib.npz"
    # a leading dim of 1 is the batch (dropped); other inputs (a sequence-first [T, 1, C]) are stacked whole
    np.savez(cal, **{k: np.stack([s[k][0] if s[k].shape[0] == 1 else s[k] for s in calib]) for k in calib[0]})
    return quantize(g, Options(calib=str(cal)))


def tinyc_outputs(q, test) -> list[list[np.ndarray]]:
    outs = []
    for s in test:
        env = run_int(q, s)
        outs.append([env[o] for o in q.outputs])
    return outs


def measure(name: str, tmp: Path, zoo: Path = ZOO) -> dict:
    path = zoo / f"{name}.onnx"
    calib, test = data(path, 0, N_CALIB), data(path, 1, N_TEST)
    ref = ort_run(path, test)
    idx = float_outputs(path)
    row = {"model": name, "ops": ops_of(path)}
    try:
        q = tinyc_graph(path, calib, tmp)
        from tinyc.pipeline import compile_graph
        compile_graph(q, Options())  # lowering, memory plan, C text: what `tinyc compile` does
        row["compiles"] = True
        row["tinyc"] = sqnr_db(flat(ref, idx), flat(tinyc_outputs(q, test), idx))
    except TinycError as e:
        row["compiles"], row["error"] = False, str(e)
    try:
        row["ort"] = ort_sqnr(path, calib, test, ref, idx, tmp)
    except Exception as e:  # onnxruntime's quantizer failing is a result too
        row["ort_error"] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    return row


def ops_of(path: Path) -> str:
    m = onnx.load(str(path))
    common = {"Conv", "Gemm", "Relu", "Constant", "Reshape", "Flatten", "Add", "Shape", "Gather", "Unsqueeze",
              "Concat", "Squeeze", "Identity", "Cast", "Mul"}
    used = sorted({n.op_type for n in m.graph.node})
    rare = [o for o in used if o not in common]
    gathers = [n for n in m.graph.node if n.op_type == "Gather" and not n.input[0].startswith("onnx::")]
    return ", ".join(rare + (["Gather"] if gathers and "Gather" not in rare else []))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", nargs="*", default=None)
    ap.add_argument("--zoo", choices=["1", "2", "3"], default="1",
                    help="1: tests/zoo/onnx, 2: tests/zoo/onnx2, 3: tests/zoo/onnx3")
    args = ap.parse_args()
    zoo = {"1": ZOO, "2": ZOO2, "3": ZOO3}[args.zoo]
    names = args.models or models(zoo)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            rows.append(measure(name, Path(tmp), zoo))
            r = rows[-1]
            print(f"{name}: {r.get('tinyc', r.get('error'))} / {r.get('ort', r.get('ort_error'))}", file=sys.stderr)
    print("| model | ONNX ops (besides Conv/Gemm/Relu/Add/Mul/Concat/shape ops) | compiles | tinyc SQNR dB | "
          "onnxruntime SQNR dB | tinyc − ort |")
    print("|---|---|---|---|---|---|")
    ok = 0
    for r in rows:
        ok += r["compiles"]
        t = f"{r['tinyc']:.2f}" if "tinyc" in r else "–"
        o = f"{r['ort']:.2f}" if "ort" in r else "fails"
        d = f"{r['tinyc'] - r['ort']:+.2f}" if "tinyc" in r and "ort" in r else "–"
        print(f"| {r['model']} | {r['ops']} | {'yes' if r['compiles'] else 'no: ' + r['error']} | {t} | {o} | {d} |")
    print(f"\n{ok} of {len(rows)} compile")


if __name__ == "__main__":
    main()
