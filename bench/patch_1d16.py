"""`--patch auto` on 1-D (audio / time-series) CNNs and on 16x8 (int16-activation) CNNs.

    python bench/patch_1d16.py [--qemu] [name ...]

1-D: Conv1d nets written in torch with seeded weights (BatchNorm statistics randomised), exported
as NCHW float ONNX (opset 17, dynamo=False) and calibrated on 16 seeded N(0, 1) samples; the Keras
Conv1D nets of tests/zoo/tflite/ (int8 and 16x8). 16x8: the converter-made 16x8 CNNs of
tests/zoo/tflite/ (make_tflite_zoo.py). Each model is compiled layer by layer and with --patch auto
on the host; both C programs run 2 seeded samples and must give the same bytes as tinyc.ref.run_int
(layer by layer, numpy) and as the patch-by-patch numpy executor (run_patched); TFLite models are
also compared with LiteRT BUILTIN_REF. One markdown row per model. --qemu also runs both on
mps2-an386 (instructions per inference, work_bytes + painted stack).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

ZOO = ROOT / "tests" / "zoo" / "tflite"
TFLITE = ["conv1d_audio_int8", "conv1d_audio_16x8", "ds_cnn_1d_int8", "mobilenet_v2_16x8", "mobilenet_v1_16x8",
          "resnet8_16x8", "resnet_small_16x8", "ds_cnn_16x8", "efficientnet_b0_16x8", "mobilenet_v3_small_min_16x8"]


def _torch_nets():
    import torch
    from torch import nn

    def cbr(ci, co, k, s=1, d=1):
        return [nn.Conv1d(ci, co, k, s, d * (k // 2), dilation=d, bias=False), nn.BatchNorm1d(co), nn.ReLU()]

    class Seq(nn.Module):
        def __init__(self, body, head):
            super().__init__()
            self.body, self.head = nn.Sequential(*body), head

        def forward(self, x):
            return self.head(self.body(x))

    class Pool(nn.Module):
        def __init__(self, c, n):
            super().__init__()
            self.fc = nn.Linear(c, n)

        def forward(self, x):
            return self.fc(x.mean(-1))

    class Res(nn.Module):
        def __init__(self, c, d):
            super().__init__()
            self.f = nn.Sequential(*cbr(c, c, 3, 1, d), nn.Conv1d(c, c, 3, 1, d, dilation=d), nn.BatchNorm1d(c))

        def forward(self, x):
            return torch.relu(x + self.f(x))

    def w2l_mfcc():
        """wav2letter-ish acoustic model: 40 MFCCs x 400 frames (4 s at 10 ms), 29 characters per frame."""
        body = []
        c = 40
        for co, k, s, d in ((64, 11, 2, 1), (64, 7, 1, 1), (64, 7, 1, 2), (96, 5, 2, 1), (96, 5, 1, 2), (128, 3, 2, 1)):
            body += cbr(c, co, k, s, d)
            c = co
        return Seq(body, nn.Conv1d(c, 29, 1)), (1, 40, 400)

    def m5_raw8k():
        """M5-style raw-waveform classifier (Dai et al. 2017), narrow: 1 s at 8 kHz, 10 classes."""
        body = [*cbr(1, 32, 79, 4), nn.MaxPool1d(4), *cbr(32, 32, 3), nn.MaxPool1d(4), *cbr(32, 64, 3),
                nn.MaxPool1d(4), *cbr(64, 64, 3)]
        return Seq(body, Pool(64, 10)), (1, 1, 8000)

    def kws_raw16k():
        """Strided raw-audio keyword spotter: 1 s at 16 kHz, 12 classes."""
        body = []
        c = 1
        for co, k, s in ((16, 11, 4), (32, 7, 2), (32, 5, 2), (48, 5, 2), (64, 3, 2), (64, 3, 2)):
            body += cbr(c, co, k, s)
            c = co
        return Seq(body, Pool(64, 12)), (1, 1, 16000)

    def tcn_res():
        """A dilated residual TCN (residual blocks: a streamed stage must be a chain, so only the stem streams)."""
        body = [*cbr(1, 32, 9, 4), *cbr(32, 48, 5, 2), Res(48, 1), Res(48, 2), Res(48, 4)]
        return Seq(body, Pool(48, 8)), (1, 1, 8000)

    return {f.__name__: f for f in (w2l_mfcc, m5_raw8k, kws_raw16k, tcn_res)}


def export(name: str, folder: Path) -> tuple[Path, tuple]:
    import torch
    from torch import nn
    torch.manual_seed(sum(map(ord, name)))
    net, shape = _torch_nets()[name]()
    g = torch.Generator().manual_seed(7)
    for m in net.modules():
        if isinstance(m, nn.BatchNorm1d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) * 0.8 + 0.6)
    net.eval()
    path = folder / f"{name}.onnx"
    torch.onnx.export(net, torch.randn(*shape), str(path), opset_version=17, dynamo=False)
    return path, shape


def measure(path: Path, xs: np.ndarray, calib, qemu: bool, litert: bool) -> dict:
    import tinyc
    from tinyc.patching.execute import run_patched
    from tinyc.ref import run_int
    lbl = tinyc.compile(str(path), calib=calib)
    auto = tinyc.compile(str(path), calib=calib, patch="auto")
    p = auto.report.get("patch")
    y_lbl, y_auto = lbl.predict(xs), auto.predict(xs)
    g = lbl.graph
    ok = np.array_equal(y_lbl, y_auto)
    for i, x in enumerate(xs):
        x1 = x.reshape(g.tensors[g.inputs[0]].shape)
        ref = run_int(g, {g.inputs[0]: x1})[g.outputs[0]]
        ok &= ref.tobytes() == y_lbl[i].astype(ref.dtype).tobytes()
        if p:
            ga = auto.graph
            nh, nw = p["grid"]
            got = run_patched(ga, {ga.inputs[0]: x1}, p["split"], nh, nw, stream=p["plan"].endswith("s"))
            ok &= got[ga.outputs[0]].tobytes() == ref.tobytes()
        if litert:
            from oracle import litert_run
            ok &= np.array_equal(litert_run(str(path), [x1])[0].reshape(ref.shape), ref)
    row = dict(lbl=lbl.report["work_bytes"], work=p["work_bytes"] if p else lbl.report["work_bytes"],
               plan=p["plan"] if p else "off", macs=100 * p["mac_overhead"] if p else 0.0, ok=bool(ok))
    if qemu:
        for tag, opts in (("lbl", {}), ("auto", {"patch": "auto"})):
            m = tinyc.compile(str(path), board="mps2-an386", calib=calib, **opts)
            m.predict(xs[:1])
            row[f"{tag}_instr"] = m.last_run["instructions"]
            row[f"{tag}_stack"] = m.last_run["stack_bytes"]
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", action="store_true")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    names = a.names or [*_torch_nets(), *TFLITE]
    head = "| model | plan | LbL work_bytes | patched work_bytes | ratio | extra MACs | identical |"
    if a.qemu:
        head += " M4 instructions LbL -> patched | M4 work + stack LbL -> patched |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            rng = np.random.default_rng(0)
            if name in _torch_nets():
                path, shape = export(name, Path(tmp))
                calib = rng.standard_normal((16, *shape[1:])).astype(np.float32)
                xs = rng.standard_normal((2, *shape[1:])).astype(np.float32)
                litert = False
            else:
                from tinyc.pipeline import load_model
                path = ZOO / f"{name}.tflite"
                t = load_model(path)
                t = t.tensors[t.inputs[0]]
                info = np.iinfo(t.dtype)
                xs = rng.integers(info.min, info.max + 1, (2, *t.shape[1:])).astype(t.dtype)
                calib, litert = None, True
            r = measure(path, xs, calib, a.qemu, litert)
            line = (f"| {name} | {r['plan']} | {r['lbl']:,} | {r['work']:,} | {r['lbl'] / r['work']:.2f}x | "
                    f"{r['macs']:+.1f}% | {'yes' if r['ok'] else 'NO'} |")
            if a.qemu:
                line += (f" {r['lbl_instr']:,} -> {r['auto_instr']:,} ({r['auto_instr'] / r['lbl_instr']:.2f}x) | "
                         f"{r['lbl'] + r['lbl_stack']:,} -> {r['work'] + r['auto_stack']:,} |")
            print(line, flush=True)


if __name__ == "__main__":
    main()
