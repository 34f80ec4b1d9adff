"""`--patch auto` on full-size, torchvision-shaped CNNs at 224x224 (1000 classes), written by hand in
torch with seeded weights and exported as NCHW float ONNX (opset 17, dynamo=False): the sizes a
user brings, beside the reduced-width zoo of tests/zoo/cnn/.

    python bench/fullsize_cnns.py [mobilenet_v2 resnet18 squeezenet1_1 shufflenet_v2]

Needs torch (CPU). Each model: export into a temporary folder, then `tinyc compile --patch auto`
(32 generated calibration samples) and print one markdown row from report.json: layer-by-layer and
patched work_bytes, the plan and its extra MACs. Minutes per model (the 224x224 search and
calibration).
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import torch
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.zoo.make_cnns import inverted, randomise_bn  # noqa: E402


def cbr(ci, co, k, s, g=1, act=nn.ReLU):
    layers = [nn.Conv2d(ci, co, k, s, k // 2, groups=g, bias=False), nn.BatchNorm2d(co)]
    return nn.Sequential(*layers, act()) if act else nn.Sequential(*layers)


def mobilenet_v2():
    cfg = [(1, 16, 1, 1, 3), (6, 24, 2, 2, 3), (6, 32, 3, 2, 3), (6, 64, 4, 2, 3), (6, 96, 3, 1, 3),
           (6, 160, 3, 2, 3), (6, 320, 1, 1, 3)]
    net = inverted(cfg, 32, 1.0, last=1280)
    net.head[-1] = nn.Linear(1280, 1000)
    return net


class Basic(nn.Module):
    def __init__(self, ci, co, s):
        super().__init__()
        self.f = nn.Sequential(cbr(ci, co, 3, s), cbr(co, co, 3, 1, act=None))
        self.down = None if s == 1 and ci == co else cbr(ci, co, 1, s, act=None)

    def forward(self, x):
        return torch.relu(self.f(x) + (x if self.down is None else self.down(x)))


class ResNet18(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(cbr(3, 64, 7, 2), nn.MaxPool2d(3, 2, 1))
        blocks, ci = [], 64
        for i, c in enumerate([64, 128, 256, 512]):
            blocks += [Basic(ci, c, 1 if i == 0 else 2), Basic(c, c, 1)]
            ci = c
        self.body, self.fc = nn.Sequential(*blocks), nn.Linear(512, 1000)

    def forward(self, x):
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(self.body(self.stem(x)), 1), 1))


class Fire(nn.Module):
    def __init__(self, ci, sq, e1, e3):
        super().__init__()
        self.squeeze, self.e1, self.e3 = nn.Conv2d(ci, sq, 1), nn.Conv2d(sq, e1, 1), nn.Conv2d(sq, e3, 3, padding=1)

    def forward(self, x):
        x = torch.relu(self.squeeze(x))
        return torch.cat([torch.relu(self.e1(x)), torch.relu(self.e3(x))], 1)


class SqueezeNet11(nn.Module):
    """torchvision's squeezenet1_1: unpadded stem, ceil_mode max pools, conv classifier."""

    def __init__(self):
        super().__init__()
        pool = lambda: nn.MaxPool2d(3, 2, ceil_mode=True)  # noqa: E731
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, 3, 2), nn.ReLU(), pool(), Fire(64, 16, 64, 64), Fire(128, 16, 64, 64), pool(),
            Fire(128, 32, 128, 128), Fire(256, 32, 128, 128), pool(), Fire(256, 48, 192, 192),
            Fire(384, 48, 192, 192), Fire(384, 64, 256, 256), Fire(512, 64, 256, 256))
        self.classifier = nn.Sequential(nn.Dropout(0.5), nn.Conv2d(512, 1000, 1), nn.ReLU(), nn.AdaptiveAvgPool2d(1))

    def forward(self, x):
        return torch.flatten(self.classifier(self.features(x)), 1)


def shuffle(x, groups):
    b, c, h, w = x.size()
    return x.view(b, groups, c // groups, h, w).transpose(1, 2).contiguous().view(b, c, h, w)


class ShuffleUnit(nn.Module):
    def __init__(self, ci, co, s):
        super().__init__()
        self.s, half = s, co // 2
        if s > 1:
            self.b1 = nn.Sequential(cbr(ci, ci, 3, s, g=ci, act=None), cbr(ci, half, 1, 1))
        self.b2 = nn.Sequential(cbr(ci if s > 1 else half, half, 1, 1), cbr(half, half, 3, s, g=half, act=None),
                                cbr(half, half, 1, 1))

    def forward(self, x):
        if self.s == 1:
            a, b = x.chunk(2, dim=1)
            return shuffle(torch.cat((a, self.b2(b)), 1), 2)
        return shuffle(torch.cat((self.b1(x), self.b2(x)), 1), 2)


class ShuffleNetV2(nn.Module):
    """torchvision's shufflenet_v2_x1_0: chunk for the channel split, view/transpose for the shuffle."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(cbr(3, 24, 3, 2), nn.MaxPool2d(3, 2, 1))
        units, ci = [], 24
        for c, n in [(116, 4), (232, 8), (464, 4)]:
            units += [ShuffleUnit(ci, c, 2)] + [ShuffleUnit(c, c, 1) for _ in range(n - 1)]
            ci = c
        self.body, self.last, self.fc = nn.Sequential(*units), cbr(ci, 1024, 1, 1), nn.Linear(1024, 1000)

    def forward(self, x):
        return self.fc(self.last(self.body(self.stem(x))).mean([2, 3]))


ARCHS = {"mobilenet_v2": mobilenet_v2, "resnet18": ResNet18, "squeezenet1_1": SqueezeNet11,
         "shufflenet_v2": ShuffleNetV2}


def export(name: str, out: Path) -> Path:
    torch.manual_seed(0)
    net = ARCHS[name]()
    randomise_bn(net, torch.Generator().manual_seed(1))
    net.eval()
    path = out / f"{name}.onnx"
    torch.onnx.export(net, (torch.zeros(1, 3, 224, 224),), str(path), dynamo=False, opset_version=17,
                      input_names=["input"], output_names=["logits"])
    return path


def row(name: str, tmp: Path) -> str:
    path = export(name, tmp)
    out = tmp / f"{name}_out"
    subprocess.run([sys.executable, "-m", "tinyc.cli", "compile", str(path), "-o", str(out), "--patch", "auto",
                    "-q"], check=True)
    r = json.loads((out / "report.json").read_text())
    p = r.get("patch") or {}
    lbl = p.get("work_bytes_layer_by_layer", r["work_bytes"])
    if not p:
        return f"| {name} | {r['work_bytes']:,} | – (layer by layer) | off | – |"
    return (f"| {name} | {lbl:,} | {r['work_bytes']:,} ({lbl / r['work_bytes']:.2f}x) | {p['plan']} | "
            f"+{100 * p['mac_overhead']:.1f}% |")


def main() -> None:
    print("| model (224x224, 1000 classes) | work LbL | work patched | plan | extra MACs |")
    print("|---|---:|---:|---|---:|")
    with tempfile.TemporaryDirectory() as d:
        for name in sys.argv[1:] or ARCHS:
            print(row(name, Path(d)), flush=True)


if __name__ == "__main__":
    main()
