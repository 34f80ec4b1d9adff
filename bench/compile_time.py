"""Compile time of `tinyc compile` on big, full-size CNN graphs (224x224, 1000 classes), the sizes a
user brings: EfficientNet-B0, DenseNet-121, Inception-v3 (at 224 px) and ResNet-50, written by hand in
torch with seeded weights and exported as NCHW float ONNX (opset 17, dynamo=False).

    python bench/compile_time.py [--patch auto] [--keep DIR] [efficientnet_b0 densenet121 ...]

Prints one markdown row per model: graph nodes, wall time of the whole CLI run (calibration
included, 8 generated samples) and the report's work_bytes. Needs torch (CPU).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.zoo.make_cnns import Bottleneck, DenseLayer, MBConv, Net, cbr, randomise_bn  # noqa: E402


def efficientnet_b0():
    cfg = [(1, 16, 1, 1, 3), (6, 24, 2, 2, 3), (6, 40, 2, 2, 5), (6, 80, 3, 2, 3), (6, 112, 3, 1, 5),
           (6, 192, 4, 2, 5), (6, 320, 1, 1, 3)]
    blocks, cin = [], 32
    for t, c, n, s, k in cfg:
        for j in range(n):
            blocks.append(MBConv(cin, c, k, s if j == 0 else 1, t))
            cin = c
    blocks.append(cbr(cin, 1280, 1, act=nn.SiLU))
    return Net(cbr(3, 32, 3, 2, act=nn.SiLU), nn.Sequential(*blocks), 1280, classes=1000)


def densenet121():
    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for i, n in enumerate([6, 12, 24, 16]):
        for _ in range(n):
            layers.append(DenseLayer(cin, 32))
            cin += 32
        if i < 3:
            layers += [nn.BatchNorm2d(cin), nn.ReLU(), nn.Conv2d(cin, cin // 2, 1, bias=False), nn.AvgPool2d(2)]
            cin //= 2
    layers += [nn.BatchNorm2d(cin), nn.ReLU()]
    return Net(nn.Identity(), nn.Sequential(*layers), cin, classes=1000)


def c(ci, co, k, s=1, p=0):
    return nn.Sequential(nn.Conv2d(ci, co, k, s, p, bias=False), nn.BatchNorm2d(co), nn.ReLU())


class Cat(nn.Module):
    def __init__(self, *branches):
        super().__init__()
        self.b = nn.ModuleList(branches)

    def forward(self, x):
        return torch.cat([b(x) for b in self.b], 1)


def inc_a(ci, pool):
    return Cat(c(ci, 64, 1), nn.Sequential(c(ci, 48, 1), c(48, 64, 5, p=2)),
               nn.Sequential(c(ci, 64, 1), c(64, 96, 3, p=1), c(96, 96, 3, p=1)),
               nn.Sequential(nn.AvgPool2d(3, 1, 1), c(ci, pool, 1)))


def inc_c(ci, m):
    return Cat(c(ci, 192, 1), nn.Sequential(c(ci, m, 1), c(m, m, (1, 7), p=(0, 3)), c(m, 192, (7, 1), p=(3, 0))),
               nn.Sequential(c(ci, m, 1), c(m, m, (7, 1), p=(3, 0)), c(m, m, (1, 7), p=(0, 3)),
                             c(m, m, (7, 1), p=(3, 0)), c(m, 192, (1, 7), p=(0, 3))),
               nn.Sequential(nn.AvgPool2d(3, 1, 1), c(ci, 192, 1)))


class IncE(nn.Module):
    def __init__(self, ci):
        super().__init__()
        self.a, self.b1 = c(ci, 320, 1), c(ci, 384, 1)
        self.b2a, self.b2b = c(384, 384, (1, 3), p=(0, 1)), c(384, 384, (3, 1), p=(1, 0))
        self.d1, self.d2 = nn.Sequential(c(ci, 448, 1), c(448, 384, 3, p=1)), c(384, 384, (1, 3), p=(0, 1))
        self.d3, self.p = c(384, 384, (3, 1), p=(1, 0)), nn.Sequential(nn.AvgPool2d(3, 1, 1), c(ci, 192, 1))

    def forward(self, x):
        b, d = self.b1(x), self.d1(x)
        return torch.cat([self.a(x), self.b2a(b), self.b2b(b), self.d2(d), self.d3(d), self.p(x)], 1)


def inception_v3():
    """torchvision's Inception-v3 layer structure (no aux head), run at 224 px."""
    stem = nn.Sequential(c(3, 32, 3, 2), c(32, 32, 3), c(32, 64, 3, p=1), nn.MaxPool2d(3, 2), c(64, 80, 1),
                         c(80, 192, 3), nn.MaxPool2d(3, 2))
    red_b = Cat(c(288, 384, 3, 2), nn.Sequential(c(288, 64, 1), c(64, 96, 3, p=1), c(96, 96, 3, 2)),
                nn.MaxPool2d(3, 2))
    red_d = Cat(nn.Sequential(c(768, 192, 1), c(192, 320, 3, 2)),
                nn.Sequential(c(768, 192, 1), c(192, 192, (1, 7), p=(0, 3)), c(192, 192, (7, 1), p=(3, 0)),
                              c(192, 192, 3, 2)), nn.MaxPool2d(3, 2))
    body = nn.Sequential(inc_a(192, 32), inc_a(256, 64), inc_a(288, 64), red_b, inc_c(768, 128), inc_c(768, 160),
                         inc_c(768, 160), inc_c(768, 192), red_d, IncE(1280), IncE(2048))
    return Net(stem, body, 2048, classes=1000)


def resnet50():
    blocks, cin = [], 64
    for i, (mid, n) in enumerate([(64, 3), (128, 4), (256, 6), (512, 3)]):
        for j in range(n):
            blocks.append(Bottleneck(cin, mid, 2 if i > 0 and j == 0 else 1))
            cin = 4 * mid
    return Net(nn.Sequential(cbr(3, 64, 7, 2, act=nn.ReLU), nn.MaxPool2d(3, 2, 1)), nn.Sequential(*blocks), cin,
               classes=1000)


ARCHS = {"efficientnet_b0": efficientnet_b0, "densenet121": densenet121, "inception_v3": inception_v3,
         "resnet50": resnet50}


def export(name: str, out: Path) -> Path:
    path = out / f"{name}.onnx"
    if path.exists():
        return path
    torch.manual_seed(0)
    net = ARCHS[name]()
    randomise_bn(net, torch.Generator().manual_seed(1))
    net.eval()
    torch.onnx.export(net, (torch.zeros(1, 3, 224, 224),), str(path), dynamo=False, opset_version=17,
                      input_names=["input"], output_names=["logits"])
    return path


def row(name: str, model: Path, out: Path, patch: str) -> str:
    import onnx
    calib = out.parent / "calib8.npy"
    if not calib.exists():
        np.save(calib, np.random.default_rng(0).standard_normal((8, 3, 224, 224)).astype(np.float32))
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tinyc.cli", "compile", str(model), "-o", str(out), "--force", "-q",
                    "--patch", patch, "--calib", str(calib)], check=True)
    dt = time.perf_counter() - t
    r = json.loads((out / "report.json").read_text())
    nodes = len(onnx.load(str(model), load_external_data=False).graph.node)
    return f"| {name} | {nodes} | {patch} | {dt:.1f} s | {r['work_bytes']:,} |"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("models", nargs="*")
    ap.add_argument("--patch", default="off")
    ap.add_argument("--keep", type=Path, help="folder to keep (and reuse) the exported models in")
    a = ap.parse_args()
    print("| model (224x224) | ONNX nodes | --patch | compile time | work_bytes |")
    print("|---|---:|---|---:|---:|")
    with tempfile.TemporaryDirectory() as d:
        folder = a.keep or Path(d)
        folder.mkdir(parents=True, exist_ok=True)
        for name in a.models or ARCHS:
            print(row(name, export(name, folder), folder / f"{name}_out", a.patch), flush=True)


if __name__ == "__main__":
    main()
