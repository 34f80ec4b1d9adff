"""Where a zoo model loses SQNR: every tensor of tinyc's int8 graph and of onnxruntime's QDQ model
against the float model, layer by layer (bench/zoo.py's calibration and test data).

Per tensor: the element-wise SQNR of tinyc (numpy integer reference, dequantized) and of onnxruntime
(the DequantizeLinear output of that tensor in its QDQ model), both against tinyc's float reference
(equal to onnxruntime's float model); and the SQNR of the per-channel spatial means ("pooled"), which
is what a global average pool keeps: a per-channel bias shows there, not element-wise.

    python bench/zoo_layers.py MODEL
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnxruntime.quantization import QuantFormat, QuantType, quantize_static
from onnxruntime.quantization.shape_inference import quant_pre_process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import zoo  # noqa: E402
from tinyc.float_ref import run_float  # noqa: E402
from tinyc.pipeline import load_model  # noqa: E402
from tinyc.ref import run_int  # noqa: E402

SUFFIX = "_QuantizeLinear_Output"


def ort_qdq_all(path: Path, calib, tmp: Path) -> tuple[ort.InferenceSession, dict[str, str]]:
    """onnxruntime's QDQ model with every activation's DequantizeLinear output as a graph output."""
    pre, q = tmp / "pre.onnx", tmp / "qdq.onnx"
    quant_pre_process(str(path), str(pre), skip_symbolic_shape=True)
    quantize_static(str(pre), str(q), zoo.Reader(calib), quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QInt8, weight_type=QuantType.QInt8)
    m = onnx.load(str(q))
    dq = {}
    for n in m.graph.node:
        if n.op_type == "DequantizeLinear" and n.input[0].endswith(SUFFIX):
            dq[n.input[0][:-len(SUFFIX)]] = n.output[0]
            m.graph.output.append(onnx.helper.make_tensor_value_info(n.output[0], onnx.TensorProto.FLOAT, None))
    onnx.save(m, str(tmp / "qdq_all.onnx"))
    return ort.InferenceSession(str(tmp / "qdq_all.onnx"), providers=["CPUExecutionProvider"]), dq


def pooled(x: np.ndarray) -> np.ndarray:
    return x.mean(axis=(1, 2)) if x.ndim == 4 else x


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    name = ap.parse_args().model
    path = zoo.ZOO / f"{name}.onnx"
    calib, test = zoo.data(path, 0, zoo.N_CALIB), zoo.data(path, 1, zoo.N_TEST)
    tmp = Path(tempfile.mkdtemp())
    g, q = load_model(path), zoo.tinyc_graph(path, calib, tmp)
    sess, dq = ort_qdq_all(path, calib, tmp)
    names = [o.name for o in sess.get_outputs()]
    q_nodes = {n.name: n for n in q.nodes}
    acc: dict[str, np.ndarray] = {}  # signal, tinyc noise, ort noise; the same pooled
    for s in test:
        fe, ie = run_float(g, s, return_all=True), run_int(q, s, return_all=True)
        oe = dict(zip(names, sess.run(None, s)))
        for n in g.nodes:
            for i, y in enumerate(n.outputs):
                f = np.asarray(fe[y], np.float64)
                yq = q_nodes[n.name].outputs[i] if n.name in q_nodes else y  # a graph output is y_int8 in q
                a = acc.setdefault(y, np.zeros(6))
                a[0] += np.sum(f ** 2)
                a[3] += np.sum(pooled(f) ** 2)
                t = q.tensors.get(yq)
                if yq in ie and t is not None and t.q is not None and t.dtype in ("int8", "int16"):
                    e = (ie[yq].astype(np.float64) - t.q.zp()) * t.q.s() - f.reshape(t.shape)
                    a[1] += np.sum(e ** 2)
                    a[4] += np.sum(pooled(e) ** 2)
                else:
                    a[1] = a[4] = np.nan
                if y in dq:
                    o = oe[dq[y]]
                    o = (o.transpose(0, 2, 3, 1) if o.ndim == 4 and f.ndim == 4 else o).reshape(f.shape)
                    a[2] += np.sum((o - f) ** 2)
                    a[5] += np.sum(pooled(o - f) ** 2)
                else:
                    a[2] = a[5] = np.nan

    def db(s, n):
        return 10 * np.log10(s / max(n, 1e-30)) if n == n else float("nan")

    print("| op | tensor | tinyc dB | ort dB | pooled tinyc dB | pooled ort dB |")
    print("|---|---|---|---|---|---|")
    for n in g.nodes:
        for y in n.outputs:
            a = acc[y]
            print(f"| {n.op} | {y} | {db(a[0], a[1]):.2f} | {db(a[0], a[2]):.2f} | {db(a[3], a[4]):.2f} | "
                  f"{db(a[3], a[5]):.2f} |")


if __name__ == "__main__":
    main()
