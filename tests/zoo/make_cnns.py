"""Generate the image-CNN zoo of tests/zoo/cnn/: 20 architectures written by hand in torch, seeded
weights, exported as NCHW float ONNX (opset 17, dynamo=False).

    python tests/zoo/make_cnns.py            # (re)writes tests/zoo/cnn/<arch>.onnx

The tests only read the .onnx files (torch is not needed to run them). Widths are reduced and
inputs are 96-144 px so that each file stays small, while the first, high-resolution layers still
dominate the activation memory as in the full-size networks. BatchNorm statistics are randomised
so that folding is exercised; the weights are random (seeded), so only structure and numerics matter.
"""
from __future__ import annotations

import sys
from pathlib import Path

import torch
from torch import nn

OUT = Path(__file__).resolve().parent / "cnn"


def cbr(cin, cout, k=3, s=1, groups=1, act=nn.ReLU6):
    layers = [nn.Conv2d(cin, cout, k, s, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act is not None:
        layers.append(act())
    return nn.Sequential(*layers)


def div8(v):
    return max(8, int(v + 4) // 8 * 8)


class SE(nn.Module):
    def __init__(self, c, r=4, gate=nn.Hardsigmoid):
        super().__init__()
        m = div8(c // r)
        self.f = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(c, m, 1), nn.ReLU(), nn.Conv2d(m, c, 1), gate())

    def forward(self, x):
        return x * self.f(x)


class InvRes(nn.Module):
    """MobileNetV2/V3 / MnasNet / EfficientNet block: expand 1x1, depthwise kxk, optional SE, project."""

    def __init__(self, cin, cout, k, s, t, act=nn.ReLU6, se=False, se_gate=nn.Hardsigmoid):
        super().__init__()
        mid = cin * t
        layers = [cbr(cin, mid, 1, act=act)] if t != 1 else []
        layers += [cbr(mid, mid, k, s, groups=mid, act=act)]
        if se:
            layers.append(SE(mid, gate=se_gate))
        layers += [cbr(mid, cout, 1, act=None)]
        self.f = nn.Sequential(*layers)
        self.res = s == 1 and cin == cout

    def forward(self, x):
        return x + self.f(x) if self.res else self.f(x)


class Net(nn.Module):
    def __init__(self, stem, body, cout, classes=10):
        super().__init__()
        self.stem, self.body = stem, body
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cout, classes))

    def forward(self, x):
        return self.head(self.body(self.stem(x)))


def inverted(cfg, stem_c, width, act_of=lambda i: nn.ReLU6, se_of=lambda i: False, last=None, se_gate=nn.Hardsigmoid,
             stem_act=nn.ReLU6):
    """A net of InvRes blocks from rows (t, c, n, s, k)."""
    c0 = div8(stem_c * width)
    blocks, cin, i = [], c0, 0
    for t, c, n, s, k in cfg:
        cout = div8(c * width)
        for j in range(n):
            blocks.append(InvRes(cin, cout, k, s if j == 0 else 1, t, act_of(i), se_of(i), se_gate))
            cin, i = cout, i + 1
    if last:
        blocks.append(cbr(cin, last, 1))
        cin = last
    return Net(cbr(3, c0, 3, 2, act=stem_act), nn.Sequential(*blocks), cin)


def mobilenet_v2():
    cfg = [(1, 16, 1, 1, 3), (6, 24, 2, 2, 3), (6, 32, 3, 2, 3), (6, 64, 4, 2, 3), (6, 96, 3, 1, 3),
           (6, 160, 1, 2, 3)]
    return inverted(cfg, 32, 0.35, last=160), 128


def mobilenet_v3_small():
    cfg = [(1, 16, 1, 2, 3), (4, 24, 1, 2, 3), (3, 24, 1, 1, 3), (4, 40, 3, 2, 5), (6, 48, 2, 1, 5),
           (6, 96, 1, 2, 5)]
    return inverted(cfg, 16, 0.5, act_of=lambda i: nn.ReLU if i < 3 else nn.Hardswish,
                    se_of=lambda i: i == 0 or i >= 3, last=144, stem_act=nn.Hardswish), 128


def mobilenet_v3_large():
    cfg = [(1, 16, 1, 1, 3), (4, 24, 1, 2, 3), (3, 24, 1, 1, 3), (3, 40, 3, 2, 5), (6, 80, 1, 2, 3),
           (2.5, 80, 1, 1, 3), (6, 112, 1, 1, 3), (6, 160, 1, 2, 5)]
    cfg = [(int(t) if t == int(t) else 3, c, n, s, k) for t, c, n, s, k in cfg]
    return inverted(cfg, 16, 0.35, act_of=lambda i: nn.ReLU if i < 6 else nn.Hardswish,
                    se_of=lambda i: 3 <= i < 6 or i >= 8, last=128, stem_act=nn.Hardswish), 128


def mnasnet():
    cfg = [(1, 16, 1, 1, 3), (3, 24, 3, 2, 3), (3, 40, 3, 2, 5), (6, 80, 3, 2, 5), (6, 96, 2, 1, 3),
           (6, 192, 1, 2, 5)]
    return inverted(cfg, 32, 0.35, act_of=lambda i: nn.ReLU, last=160, stem_act=nn.ReLU), 128


def efficientnet_b0():
    cfg = [(1, 16, 1, 1, 3), (6, 24, 2, 2, 3), (6, 40, 2, 2, 5), (6, 80, 3, 2, 3), (6, 112, 3, 1, 5),
           (6, 192, 1, 2, 5)]
    return inverted(cfg, 32, 0.25, act_of=lambda i: nn.SiLU, se_of=lambda i: i < 7, se_gate=nn.Sigmoid,
                    last=128, stem_act=nn.SiLU), 128


def proxylessnas():
    cfg = [(1, 16, 1, 1, 3), (3, 24, 2, 2, 5), (3, 40, 2, 2, 7), (6, 80, 3, 2, 5), (3, 96, 2, 1, 5),
           (6, 192, 1, 2, 7)]
    return inverted(cfg, 32, 0.35, last=160), 128


class Fire(nn.Module):
    def __init__(self, cin, sq, ex):
        super().__init__()
        self.s = nn.Sequential(nn.Conv2d(cin, sq, 1), nn.ReLU())
        self.e1 = nn.Sequential(nn.Conv2d(sq, ex, 1), nn.ReLU())
        self.e3 = nn.Sequential(nn.Conv2d(sq, ex, 3, padding=1), nn.ReLU())

    def forward(self, x):
        x = self.s(x)
        return torch.cat([self.e1(x), self.e3(x)], 1)


def squeezenet():
    body = nn.Sequential(nn.MaxPool2d(3, 2), Fire(32, 8, 32), Fire(64, 8, 32), nn.MaxPool2d(3, 2),
                         Fire(64, 16, 48), Fire(96, 16, 48), nn.MaxPool2d(3, 2), Fire(96, 24, 64))
    stem = nn.Sequential(nn.Conv2d(3, 32, 3, 2, 1), nn.ReLU())
    return Net(stem, body, 128), 128


class Basic(nn.Module):
    def __init__(self, cin, cout, s):
        super().__init__()
        self.f = nn.Sequential(cbr(cin, cout, 3, s, act=nn.ReLU), cbr(cout, cout, 3, 1, act=None))
        self.down = None if s == 1 and cin == cout else cbr(cin, cout, 1, s, act=None)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.f(x) + (x if self.down is None else self.down(x)))


def resnet18():
    w = [8, 16, 24, 48]
    stem = nn.Sequential(cbr(3, w[0], 3, 2, act=nn.ReLU), nn.MaxPool2d(3, 2, 1))
    blocks, cin = [], w[0]
    for i, c in enumerate(w):
        blocks += [Basic(cin, c, 1 if i == 0 else 2), Basic(c, c, 1)]
        cin = c
    return Net(stem, nn.Sequential(*blocks), cin), 128


class XBlock(nn.Module):
    """RegNetX block: 1x1, grouped 3x3 (group width g), 1x1, residual."""

    def __init__(self, cin, cout, s, g=8):
        super().__init__()
        self.f = nn.Sequential(cbr(cin, cout, 1, act=nn.ReLU), cbr(cout, cout, 3, s, groups=cout // g, act=nn.ReLU),
                               cbr(cout, cout, 1, act=None))
        self.down = None if s == 1 and cin == cout else cbr(cin, cout, 1, s, act=None)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.f(x) + (x if self.down is None else self.down(x)))


def regnet():
    stem = cbr(3, 16, 3, 2, act=nn.ReLU)
    blocks, cin = [], 16
    for c, n in [(24, 1), (56, 1), (152, 1), (240, 1)]:
        c = c // 2
        c -= c % 8
        for j in range(n):
            blocks.append(XBlock(cin, c, 2 if j == 0 else 1))
            cin = c
    return Net(stem, nn.Sequential(*blocks), cin), 128


def lcnet():
    """PP-LCNet: depthwise-separable blocks with hard-swish, SE only in the last two."""
    cfg = [(3, 32, 1), (3, 64, 2), (3, 64, 1), (3, 128, 2), (3, 128, 1), (3, 256, 2), (5, 256, 1), (5, 256, 1),
           (5, 512, 2), (5, 512, 1)]
    w = 0.25
    cin = div8(16 * w)
    blocks = []
    for i, (k, c, s) in enumerate(cfg):
        c = div8(c * w)
        layers = [cbr(cin, cin, k, s, groups=cin, act=nn.Hardswish)]
        if i >= len(cfg) - 2:
            layers.append(SE(cin))
        layers.append(cbr(cin, c, 1, act=nn.Hardswish))
        blocks.append(nn.Sequential(*layers))
        cin = c
    return Net(cbr(3, div8(16 * w), 3, 2, act=nn.Hardswish), nn.Sequential(*blocks), cin), 128


def vgg():
    """A plain VGG-ish CNN: 3x3 convs, max pools."""
    layers, cin = [], 3
    for c, n in [(16, 2), (32, 2), (48, 2), (64, 1)]:
        for _ in range(n):
            layers += [nn.Conv2d(cin, c, 3, 1, 1), nn.ReLU()]
            cin = c
        layers.append(nn.MaxPool2d(2))
    return Net(nn.Identity(), nn.Sequential(*layers), cin), 96


def mobilenet_v1():
    cfg = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (768, 2)]
    w, cin, blocks = 0.25, 8, []
    for c, s in cfg:
        c = div8(c * w)
        blocks += [cbr(cin, cin, 3, s, groups=cin, act=nn.ReLU), cbr(cin, c, 1, act=nn.ReLU)]
        cin = c
    return Net(cbr(3, 8, 3, 2, act=nn.ReLU), nn.Sequential(*blocks), cin), 144


class SqueezeExcite(nn.Module):
    """timm-style SE: squeeze to a given width (a fraction of the block's input channels)."""

    def __init__(self, c, squeeze, act=nn.ReLU):
        super().__init__()
        self.f = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(c, squeeze, 1), act(), nn.Conv2d(squeeze, c, 1),
                               nn.Sigmoid())

    def forward(self, x):
        return x * self.f(x)


class MBConv(nn.Module):
    """EfficientNet / TinyNet block: expand 1x1, depthwise kxk, SE (squeeze cin / 4, SiLU), project, residual."""

    def __init__(self, cin, cout, k, s, t):
        super().__init__()
        mid = cin * t
        layers = [cbr(cin, mid, 1, act=nn.SiLU)] if t != 1 else []
        layers += [cbr(mid, mid, k, s, groups=mid, act=nn.SiLU), SqueezeExcite(mid, max(4, cin // 4), nn.SiLU),
                   cbr(mid, cout, 1, act=None)]
        self.f = nn.Sequential(*layers)
        self.res = s == 1 and cin == cout

    def forward(self, x):
        return x + self.f(x) if self.res else self.f(x)


def tinynet_e():
    """TinyNet-E-like (EfficientNet-B0 rescaled): depth 0.6 (the last two stages cut to one block), SE in
    every block (the first included), 106 px input (odd sizes: 53, 27, 14, 7, 4)."""
    cfg = [(1, 16, 1, 1, 3), (6, 24, 2, 2, 3), (6, 40, 2, 2, 5), (6, 80, 2, 2, 3), (6, 112, 2, 1, 5),
           (6, 192, 1, 2, 5)]
    w = 0.25
    cin = div8(32 * w)
    blocks = []
    for t, c, n, s, k in cfg:
        for j in range(n):
            blocks.append(MBConv(cin, div8(c * w), k, s if j == 0 else 1, t))
            cin = div8(c * w)
    blocks.append(cbr(cin, 128, 1, act=nn.SiLU))
    return Net(cbr(3, div8(32 * w), 3, 2, act=nn.SiLU), nn.Sequential(*blocks), 128), 106


class YBlock(nn.Module):
    """RegNetY block: 1x1, grouped 3x3 (group width g, stride s), SE (squeeze cin / 4), 1x1, residual."""

    def __init__(self, cin, cout, s, g=8):
        super().__init__()
        self.f = nn.Sequential(cbr(cin, cout, 1, act=nn.ReLU), cbr(cout, cout, 3, s, groups=cout // g, act=nn.ReLU),
                               SqueezeExcite(cout, max(4, cin // 4)), cbr(cout, cout, 1, act=None))
        self.down = None if s == 1 and cin == cout else cbr(cin, cout, 1, s, act=None)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.f(x) + (x if self.down is None else self.down(x)))


def regnety():
    """RegNetY-200MF-like (stem 32, widths 24, 56, 152, 368, depths 1, 1, 4, 7), narrowed and shortened:
    stem 24, widths 16, 32, 64, 128, depths 1, 1, 2, 2, SE in every block."""
    stem = cbr(3, 24, 3, 2, act=nn.ReLU)
    blocks, cin = [], 24
    for c, n in [(16, 1), (32, 1), (64, 2), (128, 2)]:
        for j in range(n):
            blocks.append(YBlock(cin, c, 2 if j == 0 else 1))
            cin = c
    return Net(stem, nn.Sequential(*blocks), cin), 128


def channel_shuffle(x, g=2):
    b, c, h, w = x.shape
    return x.reshape(b, g, c // g, h, w).transpose(1, 2).reshape(b, c, h, w)


class ShuffleUnit(nn.Module):
    """ShuffleNetV2 unit: channel split (stride 1) or two stride-2 branches, concat, channel shuffle."""

    def __init__(self, cin, cout, s):
        super().__init__()
        self.s = s
        half = cout // 2
        b2_in = cin if s == 2 else half
        self.b2 = nn.Sequential(cbr(b2_in, half, 1, act=nn.ReLU), cbr(half, half, 3, s, groups=half, act=None),
                                cbr(half, half, 1, act=nn.ReLU))
        self.b1 = nn.Sequential(cbr(cin, cin, 3, 2, groups=cin, act=None), cbr(cin, half, 1, act=nn.ReLU)) \
            if s == 2 else None

    def forward(self, x):
        if self.s == 1:
            a, b = x.chunk(2, dim=1)
            y = torch.cat([a, self.b2(b)], 1)
        else:
            y = torch.cat([self.b1(x), self.b2(x)], 1)
        return channel_shuffle(y)


def shufflenet_v2():
    """ShuffleNetV2 0.5x (stages 48/96/192, repeats 4/8/4 cut to 2/3/2)."""
    stem = nn.Sequential(cbr(3, 24, 3, 2, act=nn.ReLU), nn.MaxPool2d(3, 2, 1))
    blocks, cin = [], 24
    for c, n in [(48, 2), (96, 3), (192, 2)]:
        for j in range(n):
            blocks.append(ShuffleUnit(cin, c, 2 if j == 0 else 1))
            cin = c
    blocks.append(cbr(cin, 256, 1, act=nn.ReLU))
    return Net(stem, nn.Sequential(*blocks), 256), 128


class Ghost(nn.Module):
    """GhostNet module: primary 1x1, cheap depthwise 3x3 on it, concat, keep the first cout channels."""

    def __init__(self, cin, cout, relu=True):
        super().__init__()
        init = -(-cout // 2)
        act = nn.ReLU if relu else None
        self.cout = cout
        self.primary = cbr(cin, init, 1, act=act)
        self.cheap = cbr(init, init, 3, 1, groups=init, act=act)

    def forward(self, x):
        a = self.primary(x)
        return torch.cat([a, self.cheap(a)], 1)[:, :self.cout]


class GhostBottleneck(nn.Module):
    def __init__(self, cin, mid, cout, k, s):
        super().__init__()
        self.g1, self.g2 = Ghost(cin, mid), Ghost(mid, cout, relu=False)
        self.dw = cbr(mid, mid, k, s, groups=mid, act=None) if s == 2 else None
        self.short = None if s == 1 and cin == cout else \
            nn.Sequential(cbr(cin, cin, k, s, groups=cin, act=None), cbr(cin, cout, 1, act=None))

    def forward(self, x):
        y = self.g1(x)
        if self.dw is not None:
            y = self.dw(y)
        return self.g2(y) + (x if self.short is None else self.short(x))


def ghostnet():
    """GhostNet 0.5x, the first nine bottlenecks (no SE: squeeze-excite nets are covered elsewhere)."""
    cfg = [(3, 16, 16, 1), (3, 48, 24, 2), (3, 72, 24, 1), (5, 72, 40, 2), (5, 120, 40, 1), (3, 240, 80, 2),
           (3, 200, 80, 1), (3, 184, 80, 1), (3, 480, 112, 1)]
    w = 0.5
    cin = div8(16 * w)
    blocks = []
    for k, mid, c, s in cfg:
        blocks.append(GhostBottleneck(cin, div8(mid * w), div8(c * w), k, s))
        cin = div8(c * w)
    blocks.append(cbr(cin, 160, 1, act=nn.ReLU))
    return Net(cbr(3, div8(16 * w), 3, 2, act=nn.ReLU), nn.Sequential(*blocks), 160), 128


class DenseLayer(nn.Module):
    """DenseNet-BC layer: BN-ReLU-1x1 (4 x growth) BN-ReLU-3x3 (growth), concatenated to its input."""

    def __init__(self, cin, grow):
        super().__init__()
        self.f = nn.Sequential(nn.BatchNorm2d(cin), nn.ReLU(), nn.Conv2d(cin, 4 * grow, 1, bias=False),
                               nn.BatchNorm2d(4 * grow), nn.ReLU(), nn.Conv2d(4 * grow, grow, 3, 1, 1, bias=False))

    def forward(self, x):
        return torch.cat([x, self.f(x)], 1)


def densenet():
    """DenseNet-BC (growth 8, blocks of 4/6/6 layers, compression 0.5)."""
    layers = [nn.Conv2d(3, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = 16
    for i, n in enumerate([4, 6, 6]):
        for _ in range(n):
            layers.append(DenseLayer(cin, 8))
            cin += 8
        if i < 2:
            layers += [nn.BatchNorm2d(cin), nn.ReLU(), nn.Conv2d(cin, cin // 2, 1, bias=False), nn.AvgPool2d(2)]
            cin //= 2
    layers += [nn.BatchNorm2d(cin), nn.ReLU()]
    return Net(nn.Identity(), nn.Sequential(*layers), cin), 128


class InceptionBlock(nn.Module):
    """GoogLeNet inception: 1x1 | 1x1-3x3 | 1x1-3x3-3x3 | maxpool 3x3-1x1, concatenated."""

    def __init__(self, cin, a, b, c, d):
        super().__init__()
        self.a = cbr(cin, a, 1, act=nn.ReLU)
        self.b = nn.Sequential(cbr(cin, b // 2, 1, act=nn.ReLU), cbr(b // 2, b, 3, act=nn.ReLU))
        self.c = nn.Sequential(cbr(cin, c // 2, 1, act=nn.ReLU), cbr(c // 2, c, 3, act=nn.ReLU),
                               cbr(c, c, 3, act=nn.ReLU))
        self.d = nn.Sequential(nn.MaxPool2d(3, 1, 1), cbr(cin, d, 1, act=nn.ReLU))

    def forward(self, x):
        return torch.cat([self.a(x), self.b(x), self.c(x), self.d(x)], 1)


def inception():
    """GoogLeNet at 1/4 width: stem 7x7/2, maxpool, 1x1, 3x3, maxpool, inception 3a/3b, maxpool, 4a/4b."""
    stem = nn.Sequential(cbr(3, 16, 7, 2, act=nn.ReLU), nn.MaxPool2d(3, 2, 1), cbr(16, 16, 1, act=nn.ReLU),
                         cbr(16, 48, 3, act=nn.ReLU), nn.MaxPool2d(3, 2, 1))
    body = nn.Sequential(InceptionBlock(48, 16, 32, 8, 8), InceptionBlock(64, 32, 48, 24, 16), nn.MaxPool2d(3, 2, 1),
                         InceptionBlock(120, 48, 52, 12, 16), InceptionBlock(128, 40, 56, 16, 16))
    return Net(stem, body, 128), 128


class Bottleneck(nn.Module):
    """ResNet-50 bottleneck: 1x1, 3x3 (stride), 1x1 x4, projection shortcut when the shape changes."""

    def __init__(self, cin, mid, s):
        super().__init__()
        cout = 4 * mid
        self.f = nn.Sequential(cbr(cin, mid, 1, act=nn.ReLU), cbr(mid, mid, 3, s, act=nn.ReLU),
                               cbr(mid, cout, 1, act=None))
        self.down = None if s == 1 and cin == cout else cbr(cin, cout, 1, s, act=None)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.f(x) + (x if self.down is None else self.down(x)))


def resnet50():
    """ResNet-50 at 1/8 width (bottleneck widths 8/16/32/64, blocks 3/4/6/3 cut to 2/2/2/1)."""
    stem = nn.Sequential(cbr(3, 8, 7, 2, act=nn.ReLU), nn.MaxPool2d(3, 2, 1))
    blocks, cin = [], 8
    for i, (mid, n) in enumerate([(8, 2), (16, 2), (32, 2), (64, 1)]):
        for j in range(n):
            blocks.append(Bottleneck(cin, mid, 2 if i > 0 and j == 0 else 1))
            cin = 4 * mid
    return Net(stem, nn.Sequential(*blocks), cin), 128


class SepConv(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.f = nn.Sequential(nn.Conv2d(cin, cin, 3, 1, 1, groups=cin, bias=False), nn.Conv2d(cin, cout, 1, bias=False),
                               nn.BatchNorm2d(cout))

    def forward(self, x):
        return self.f(x)


class XceptionBlock(nn.Module):
    """Xception entry/middle flow block: (ReLU, separable conv) x2 [+ maxpool 3x3/2], 1x1/2 shortcut."""

    def __init__(self, cin, cout, s, first_relu=True):
        super().__init__()
        layers = [nn.ReLU()] if first_relu else []
        layers += [SepConv(cin, cout), nn.ReLU(), SepConv(cout, cout)]
        if s == 2:
            layers.append(nn.MaxPool2d(3, 2, 1))
        self.f = nn.Sequential(*layers)
        self.short = cbr(cin, cout, 1, s, act=None) if s == 2 or cin != cout else None

    def forward(self, x):
        return self.f(x) + (x if self.short is None else self.short(x))


def xception():
    """Xception at 1/8 width: entry flow (conv 3x3/2, conv 3x3, three blocks), two middle blocks."""
    stem = nn.Sequential(cbr(3, 8, 3, 2, act=nn.ReLU), cbr(8, 16, 3, act=nn.ReLU))
    body = nn.Sequential(XceptionBlock(16, 16, 2, first_relu=False), XceptionBlock(16, 32, 2), XceptionBlock(32, 96, 2),
                         XceptionBlock(96, 96, 1), XceptionBlock(96, 96, 1), nn.ReLU())
    return Net(stem, body, 96), 128


ARCHS = {
    "mobilenet_v2": mobilenet_v2, "mobilenet_v3_small": mobilenet_v3_small, "mobilenet_v3_large": mobilenet_v3_large,
    "mnasnet": mnasnet, "efficientnet_b0": efficientnet_b0, "proxylessnas": proxylessnas, "squeezenet": squeezenet,
    "resnet18": resnet18, "regnet": regnet, "lcnet": lcnet, "vgg": vgg, "mobilenet_v1": mobilenet_v1,
    "tinynet_e": tinynet_e, "regnety": regnety,
    "shufflenet_v2": shufflenet_v2, "ghostnet": ghostnet, "densenet": densenet, "inception": inception,
    "resnet50": resnet50, "xception": xception,
}


def randomise_bn(m: nn.Module, g: torch.Generator) -> None:
    for b in m.modules():
        if isinstance(b, nn.BatchNorm2d):
            c = b.num_features
            b.running_mean.copy_(torch.randn(c, generator=g) * 0.1)
            b.running_var.copy_(torch.rand(c, generator=g) * 0.5 + 0.75)
            b.weight.data.copy_(torch.rand(c, generator=g) * 0.5 + 0.75)
            b.bias.data.copy_(torch.randn(c, generator=g) * 0.1)


def export(name: str) -> Path:
    torch.manual_seed(sum(map(ord, name)))
    net, res = ARCHS[name]()
    randomise_bn(net, torch.Generator().manual_seed(len(name)))
    net.eval()
    path = OUT / f"{name}.onnx"
    x = torch.zeros(1, 3, res, res)
    torch.onnx.export(net, (x,), str(path), dynamo=False, opset_version=17, input_names=["input"],
                      output_names=["logits"])
    return path


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name in sys.argv[1:] or ARCHS:
        p = export(name)
        print(f"{p.name}: {p.stat().st_size} bytes")
