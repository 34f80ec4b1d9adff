"""Generate the ONNX zoo: small float architectures written by hand, seeded weights, opset 17.

    python tests/zoo/make_zoo.py [--only NAME ...]

Every model is exported with torch.onnx.export(..., dynamo=False, opset_version=17)
to tests/zoo/onnx/<name>.onnx. BatchNorm statistics are randomised so that the
folded weights are not trivial. The .onnx files are committed: tests need no torch.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = Path(__file__).resolve().parent / "onnx"
IMG = (1, 3, 32, 32)


def bn(c):
    m = nn.BatchNorm2d(c)
    with torch.no_grad():
        m.running_mean.uniform_(-0.2, 0.2)
        m.running_var.uniform_(0.5, 1.5)
        m.weight.uniform_(0.6, 1.4)
        m.bias.uniform_(-0.2, 0.2)
    return m


def cbr(cin, cout, k=3, s=1, g=1, act=nn.ReLU):
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, k // 2, groups=g, bias=False), bn(cout), act())


# -- image classifiers --------------------------------------------------------------------
class InvRes(nn.Module):
    def __init__(self, cin, cout, s, e, act=nn.ReLU6, se=False, k=3):
        super().__init__()
        mid = cin * e
        layers = [cbr(cin, mid, 1, act=act)] if e != 1 else []
        layers += [cbr(mid, mid, k, s, g=mid, act=act)]
        self.se = SE(mid, gate=nn.Hardsigmoid if act is nn.Hardswish else nn.Sigmoid) if se else None
        self.pre = nn.Sequential(*layers)
        self.proj = nn.Sequential(nn.Conv2d(mid, cout, 1, bias=False), bn(cout))
        self.res = s == 1 and cin == cout

    def forward(self, x):
        y = self.pre(x)
        if self.se is not None:
            y = self.se(y)
        y = self.proj(y)
        return x + y if self.res else y


class SE(nn.Module):
    def __init__(self, c, r=4, gate=nn.Sigmoid):
        super().__init__()
        self.f1, self.f2, self.gate = nn.Conv2d(c, max(c // r, 4), 1), nn.Conv2d(max(c // r, 4), c, 1), gate()

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        return x * self.gate(self.f2(F.relu(self.f1(s))))


class Head(nn.Module):
    def __init__(self, c, n=10):
        super().__init__()
        self.fc = nn.Linear(c, n)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def seq_net(stem, blocks, c_last, n=10):
    return nn.Sequential(stem, *blocks, Head(c_last, n))


def mobilenet_v2():
    cfg = [(16, 8, 1, 1), (8, 12, 2, 4), (12, 12, 1, 4), (12, 16, 2, 4), (16, 16, 1, 4), (16, 24, 1, 4)]
    return seq_net(cbr(3, 16, 3, 2, act=nn.ReLU6), [InvRes(*c) for c in cfg], 24)


def mobilenet_v3():
    hs = nn.Hardswish
    blocks = [InvRes(16, 16, 2, 1, nn.ReLU, se=True), InvRes(16, 16, 1, 3, nn.ReLU),
              InvRes(16, 24, 2, 3, hs, se=True, k=5), InvRes(24, 24, 1, 3, hs, se=True, k=5)]
    return seq_net(cbr(3, 16, 3, 2, act=hs), blocks + [cbr(24, 48, 1, act=hs)], 48)


def mnasnet():
    cfg = [(16, 8, 1, 1), (8, 12, 2, 3), (12, 12, 1, 3), (12, 20, 2, 3, nn.ReLU, False, 5), (20, 20, 1, 6)]
    return seq_net(cbr(3, 16, 3, 2), [InvRes(*c) for c in cfg], 20)


def efficientnet():
    s = nn.SiLU
    cfg = [(16, 8, 1, 1, s, True), (8, 12, 2, 4, s, True), (12, 12, 1, 4, s, True), (12, 20, 2, 4, s, True, 5)]
    return seq_net(cbr(3, 16, 3, 2, act=s), [InvRes(*c) for c in cfg] + [cbr(20, 40, 1, act=s)], 40)


class Fire(nn.Module):
    def __init__(self, cin, sq, ex):
        super().__init__()
        self.s, self.e1, self.e3 = nn.Conv2d(cin, sq, 1), nn.Conv2d(sq, ex, 1), nn.Conv2d(sq, ex, 3, padding=1)

    def forward(self, x):
        x = F.relu(self.s(x))
        return torch.cat([F.relu(self.e1(x)), F.relu(self.e3(x))], 1)


def squeezenet():
    return nn.Sequential(nn.Conv2d(3, 16, 3, 2), nn.ReLU(), nn.MaxPool2d(3, 2, ceil_mode=True), Fire(16, 8, 16),
                         Fire(32, 8, 16), nn.MaxPool2d(3, 2, ceil_mode=True), Fire(32, 12, 24),
                         nn.Conv2d(48, 10, 1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten())


class Basic(nn.Module):
    def __init__(self, cin, cout, s, g=1, bottleneck=False, se=False):
        super().__init__()
        if bottleneck:
            mid = cout // 2
            self.body = nn.Sequential(cbr(cin, mid, 1), cbr(mid, mid, 3, s, g=g), nn.Conv2d(mid, cout, 1, bias=False),
                                      bn(cout))
        else:
            self.body = nn.Sequential(cbr(cin, cout, 3, s), nn.Conv2d(cout, cout, 3, 1, 1, bias=False), bn(cout))
        self.se = SE(cout) if se else None
        self.short = nn.Identity() if s == 1 and cin == cout else \
            nn.Sequential(nn.Conv2d(cin, cout, 1, s, bias=False), bn(cout))

    def forward(self, x):
        y = self.body(x)
        if self.se is not None:
            y = self.se(y)
        return F.relu(y + self.short(x))


def resnet():
    return seq_net(cbr(3, 16), [Basic(16, 16, 1), Basic(16, 24, 2), Basic(24, 32, 2)], 32)


def resnet_bottleneck():
    return seq_net(nn.Sequential(cbr(3, 16, 3, 2), nn.MaxPool2d(3, 2, 1)),
                   [Basic(16, 32, 1, bottleneck=True), Basic(32, 32, 1, bottleneck=True),
                    Basic(32, 48, 2, bottleneck=True)], 48)


def se_resnet():
    return seq_net(cbr(3, 16, 3, 2), [Basic(16, 16, 1, se=True), Basic(16, 32, 2, se=True)], 32)


def regnet():
    return seq_net(cbr(3, 16, 3, 2), [Basic(16, 32, 2, g=4, bottleneck=True), Basic(32, 32, 1, g=4, bottleneck=True),
                                      Basic(32, 48, 2, g=4, bottleneck=True)], 48)


def shuffle(x, g=2):
    b, c, h, w = x.shape
    return x.reshape(b, g, c // g, h, w).transpose(1, 2).reshape(b, c, h, w)


class ShuffleUnit(nn.Module):
    def __init__(self, c, s):
        super().__init__()
        self.s = s
        half = c // 2
        cin = c if s == 2 else half
        self.b2 = nn.Sequential(cbr(cin, half, 1), nn.Conv2d(half, half, 3, s, 1, groups=half, bias=False), bn(half),
                                cbr(half, half, 1))
        self.b1 = nn.Sequential(nn.Conv2d(c, c, 3, 2, 1, groups=c, bias=False), bn(c), cbr(c, half, 1)) if s == 2 \
            else None

    def forward(self, x):
        if self.s == 1:
            a, b = x.chunk(2, dim=1)
            y = torch.cat([a, self.b2(b)], 1)
        else:
            y = torch.cat([self.b1(x), self.b2(x)], 1)
        return shuffle(y)


def shufflenet_v2():
    return seq_net(nn.Sequential(cbr(3, 24, 3, 2)), [ShuffleUnit(24, 2), ShuffleUnit(24, 1), ShuffleUnit(24, 2),
                                                     ShuffleUnit(24, 1)], 24)


class Ghost(nn.Module):
    def __init__(self, cin, cout, relu=True):
        super().__init__()
        init = (cout + 1) // 2
        act = nn.ReLU if relu else nn.Identity
        self.cout = cout
        self.primary = nn.Sequential(nn.Conv2d(cin, init, 1, bias=False), bn(init), act())
        self.cheap = nn.Sequential(nn.Conv2d(init, init, 3, 1, 1, groups=init, bias=False), bn(init), act())

    def forward(self, x):
        a = self.primary(x)
        return torch.cat([a, self.cheap(a)], 1)[:, :self.cout]


class GhostBottleneck(nn.Module):
    def __init__(self, cin, mid, cout, s):
        super().__init__()
        self.g1, self.g2 = Ghost(cin, mid), Ghost(mid, cout, relu=False)
        self.dw = nn.Sequential(nn.Conv2d(mid, mid, 3, s, 1, groups=mid, bias=False), bn(mid)) if s == 2 else None
        self.short = nn.Identity() if s == 1 and cin == cout else \
            nn.Sequential(nn.Conv2d(cin, cin, 3, s, 1, groups=cin, bias=False), bn(cin), nn.Conv2d(cin, cout, 1), bn(cout))

    def forward(self, x):
        y = self.g1(x)
        if self.dw is not None:
            y = self.dw(y)
        return self.g2(y) + self.short(x)


def ghostnet():
    return seq_net(cbr(3, 16, 3, 2), [GhostBottleneck(16, 16, 16, 1), GhostBottleneck(16, 36, 23, 2),
                                      GhostBottleneck(23, 46, 23, 1)], 23)


class Dense(nn.Module):
    def __init__(self, cin, grow, n):
        super().__init__()
        self.layers = nn.ModuleList(nn.Sequential(bn(cin + i * grow), nn.ReLU(), nn.Conv2d(cin + i * grow, grow, 3, 1, 1))
                                    for i in range(n))

    def forward(self, x):
        for lay in self.layers:
            x = torch.cat([x, lay(x)], 1)
        return x


def densenet():
    return nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1), Dense(16, 8, 3), nn.Conv2d(40, 20, 1), nn.AvgPool2d(2),
                         Dense(20, 8, 3), nn.ReLU(), Head(44))


def vgg():
    return nn.Sequential(cbr(3, 16), nn.MaxPool2d(2), cbr(16, 32), nn.MaxPool2d(2), cbr(32, 32), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(32 * 16, 32), nn.ReLU(), nn.Dropout(), nn.Linear(32, 10))


def alexnet():
    return nn.Sequential(nn.Conv2d(3, 24, 5, 2, 2), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Conv2d(24, 32, 3, padding=1),
                         nn.ReLU(), nn.MaxPool2d(3, 2), nn.Flatten(), nn.Linear(32 * 9, 64), nn.ReLU(),
                         nn.Linear(64, 10))


def mobilenet_v1():
    def dw(cin, cout, s):
        return nn.Sequential(cbr(cin, cin, 3, s, g=cin), cbr(cin, cout, 1))
    return seq_net(cbr(3, 16, 3, 2), [dw(16, 24, 1), dw(24, 32, 2), dw(32, 32, 1), dw(32, 48, 2)], 48)


class Inception(nn.Module):
    def __init__(self, cin):
        super().__init__()
        self.a = cbr(cin, 8, 1)
        self.b = nn.Sequential(cbr(cin, 8, 1), cbr(8, 12, 3))
        self.c = nn.Sequential(cbr(cin, 4, 1), cbr(4, 6, 5))
        self.d = nn.Sequential(nn.MaxPool2d(3, 1, 1), cbr(cin, 6, 1))

    def forward(self, x):
        return torch.cat([self.a(x), self.b(x), self.c(x), self.d(x)], 1)


def inception():
    return seq_net(nn.Sequential(cbr(3, 16, 3, 2), nn.MaxPool2d(2)), [Inception(16), Inception(32)], 32)


class SepConv(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.dw, self.pw, self.bn = nn.Conv2d(cin, cin, 3, 1, 1, groups=cin, bias=False), nn.Conv2d(cin, cout, 1), bn(cout)

    def forward(self, x):
        return self.bn(self.pw(self.dw(x)))


class XBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.body = nn.Sequential(nn.ReLU(), SepConv(cin, cout), nn.ReLU(), SepConv(cout, cout), nn.MaxPool2d(3, 2, 1))
        self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, 2), bn(cout))

    def forward(self, x):
        return self.body(x) + self.short(x)


def xception():
    return seq_net(cbr(3, 16, 3, 2), [XBlock(16, 24), XBlock(24, 32)], 32)


class ConvNeXtBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dw, self.n = nn.Conv2d(c, c, 7, 1, 3, groups=c), bn(c)
        self.p1, self.p2 = nn.Conv2d(c, 4 * c, 1), nn.Conv2d(4 * c, c, 1)

    def forward(self, x):
        return x + self.p2(F.gelu(self.p1(self.n(self.dw(x)))))


def convnext_gelu():
    return seq_net(nn.Sequential(nn.Conv2d(3, 16, 4, 4), bn(16)), [ConvNeXtBlock(16), nn.Conv2d(16, 24, 2, 2),
                                                                   ConvNeXtBlock(24)], 24)


def prelu_net():
    return nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1), nn.PReLU(16), nn.Conv2d(16, 24, 3, 2, 1), bn(24), nn.PReLU(24),
                         nn.Conv2d(24, 32, 3, 2, 1), nn.PReLU(), Head(32))


def leaky_net():
    return nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1), nn.LeakyReLU(0.1), nn.Conv2d(16, 32, 3, 2, 1), bn(32),
                         nn.LeakyReLU(0.2), nn.Conv2d(32, 32, 3, 2, 1), nn.LeakyReLU(0.01), Head(32))


class ArgTopHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(cbr(3, 16, 3, 2), cbr(16, 32, 3, 2), Head(32, 20))

    def forward(self, x):
        logits = self.body(x)
        v, i = torch.topk(logits, 3)
        return logits, logits.argmax(dim=1), v, i


class SpaceToDepth(nn.Module):
    """Rank-6 transpose (space-to-depth) and a strided Slice, then a small CNN."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(cbr(12, 24), cbr(24, 32, 3, 2), Head(32))
        self.side = nn.Sequential(cbr(3, 16, 3, 2), Head(16))

    def forward(self, x):
        b, c, h, w = x.shape
        y = x.reshape(b, c, h // 2, 2, w // 2, 2).permute(0, 3, 5, 1, 2, 4).reshape(b, 4 * c, h // 2, w // 2)
        return self.body(y) + self.side(x[:, :, ::2, ::2]) * 0.5


class FPN(nn.Module):
    """Top-down path with nearest upsampling and adds, then an output map."""

    def __init__(self):
        super().__init__()
        self.c1, self.c2, self.c3 = cbr(3, 16, 3, 2), cbr(16, 24, 3, 2), cbr(24, 32, 3, 2)
        self.l1, self.l2, self.l3 = nn.Conv2d(16, 16, 1), nn.Conv2d(24, 16, 1), nn.Conv2d(32, 16, 1)
        self.out = nn.Conv2d(16, 4, 3, 1, 1)

    def forward(self, x):
        a = self.c1(x)
        b = self.c2(a)
        c = self.c3(b)
        p3 = self.l3(c)
        p2 = self.l2(b) + F.interpolate(p3, scale_factor=2, mode="nearest")
        p1 = self.l1(a) + F.interpolate(p2, scale_factor=2, mode="nearest")
        return self.out(p1)


class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.e1, self.e2, self.e3 = cbr(3, 12), cbr(12, 16, 3, 2), cbr(16, 24, 3, 2)
        self.up1 = nn.ConvTranspose2d(24, 16, 2, 2)
        self.d1 = cbr(32, 16)
        self.up2 = nn.ConvTranspose2d(16, 12, 3, 2, 1, output_padding=1)
        self.d2 = cbr(24, 12)
        self.out = nn.Conv2d(12, 2, 1)

    def forward(self, x):
        a = self.e1(x)
        b = self.e2(a)
        c = self.e3(b)
        d = self.d1(torch.cat([self.up1(c), b], 1))
        e = self.d2(torch.cat([self.up2(d), a], 1))
        return self.out(e) + F.interpolate(self.out(a[:, :, ::2, ::2]), scale_factor=2, mode="bilinear",
                                           align_corners=False)


class SegHead(nn.Module):
    """Bilinear resizes with align_corners and a non-integer size."""

    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(cbr(3, 16, 3, 2), cbr(16, 24, 3, 2))
        self.cls = nn.Conv2d(24, 5, 1)

    def forward(self, x):
        y = self.cls(self.enc(x))
        a = F.interpolate(y, size=(32, 32), mode="bilinear", align_corners=True)
        b = F.interpolate(y, size=(20, 28), mode="bilinear", align_corners=False)
        return a, b


# -- 1-D, sequence and vector models ----------------------------------------------------
def cbr1(cin, cout, k, s=1, d=1):
    return nn.Sequential(nn.Conv1d(cin, cout, k, s, d * (k // 2), dilation=d), nn.BatchNorm1d(cout), nn.ReLU())


class Audio1D(nn.Module):
    def __init__(self):
        super().__init__()
        self.f = nn.Sequential(cbr1(1, 16, 9, 4), nn.MaxPool1d(4), cbr1(16, 24, 5), nn.MaxPool1d(2), cbr1(24, 32, 3),
                               nn.AvgPool1d(2))
        self.fc = nn.Linear(32, 8)

    def forward(self, x):
        return self.fc(self.f(x).mean(dim=2))


class TCNBlock(nn.Module):
    def __init__(self, c, d):
        super().__init__()
        self.pad = (3 - 1) * d
        self.c1, self.c2 = nn.Conv1d(c, c, 3, dilation=d), nn.Conv1d(c, c, 3, dilation=d)

    def forward(self, x):
        y = F.relu(self.c1(F.pad(x, (self.pad, 0))))
        y = self.c2(F.pad(y, (self.pad, 0)))
        return F.relu(x + y)


class TCN(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Conv1d(8, 24, 1)
        self.blocks = nn.Sequential(TCNBlock(24, 1), TCNBlock(24, 2), TCNBlock(24, 4))
        self.fc = nn.Linear(24, 6)

    def forward(self, x):
        return self.fc(self.blocks(self.inp(x))[:, :, -1])


def dscnn():
    def dw(c):
        return nn.Sequential(cbr(c, c, 3, g=c), cbr(c, c, 1))
    return nn.Sequential(nn.Conv2d(1, 32, (10, 4), (2, 2), (5, 1)), bn(32), nn.ReLU(), dw(32), dw(32), dw(32), Head(32, 12))


class RNNClassifier(nn.Module):
    def __init__(self, cell, n_in=10, hidden=24):
        super().__init__()
        self.rnn, self.fc = cell(n_in, hidden, batch_first=True), nn.Linear(hidden, 6)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.fc(y[:, -1, :])


class CRNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(cbr1(8, 16, 3), nn.MaxPool1d(2))
        self.rnn, self.fc = nn.GRU(16, 16, batch_first=True), nn.Linear(16, 5)

    def forward(self, x):
        y = self.conv(x).transpose(1, 2)
        y, _ = self.rnn(y)
        return self.fc(y[:, -1])


class MLPGelu(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1, self.l2, self.l3 = nn.Linear(32, 64), nn.Linear(64, 64), nn.Linear(64, 10)

    def forward(self, x):
        return self.l3(F.gelu(self.l2(F.gelu(self.l1(x)))))


class ErfMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1, self.l2 = nn.Linear(16, 32), nn.Linear(32, 4)

    def forward(self, x):
        return self.l2(torch.erf(self.l1(x)) * 2.0)


class Siamese(nn.Module):
    """Two inputs through one shared encoder; the difference of their embeddings."""

    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(cbr(3, 12, 3, 2), cbr(12, 16, 3, 2), Head(16, 8))

    def forward(self, a, b):
        return self.enc(a) - self.enc(b)


def autoencoder():
    return nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 8), nn.ReLU(), nn.Linear(8, 32), nn.ReLU(),
                         nn.Linear(32, 64))


ZOO = {  # name -> (builder, input shapes, ONNX ops it covers besides Conv/Gemm/Relu)
    "mobilenet_v2": (mobilenet_v2, [IMG]),
    "mobilenet_v3": (mobilenet_v3, [IMG]),
    "mnasnet": (mnasnet, [IMG]),
    "efficientnet": (efficientnet, [IMG]),
    "squeezenet": (squeezenet, [IMG]),
    "resnet": (resnet, [IMG]),
    "resnet_bottleneck": (resnet_bottleneck, [IMG]),
    "se_resnet": (se_resnet, [IMG]),
    "regnet": (regnet, [IMG]),
    "shufflenet_v2": (shufflenet_v2, [IMG]),
    "ghostnet": (ghostnet, [IMG]),
    "densenet": (densenet, [IMG]),
    "vgg": (vgg, [IMG]),
    "alexnet": (alexnet, [IMG]),
    "mobilenet_v1": (mobilenet_v1, [IMG]),
    "inception": (inception, [IMG]),
    "xception": (xception, [IMG]),
    "convnext_gelu": (convnext_gelu, [IMG]),
    "prelu_net": (prelu_net, [IMG]),
    "leaky_net": (leaky_net, [IMG]),
    "argmax_topk_head": (ArgTopHead, [IMG]),
    "space_to_depth": (SpaceToDepth, [IMG]),
    "fpn": (FPN, [IMG]),
    "unet": (UNet, [IMG]),
    "seg_bilinear": (SegHead, [IMG]),
    "audio_cnn1d": (Audio1D, [(1, 1, 1024)]),
    "tcn": (TCN, [(1, 8, 32)]),
    "dscnn": (dscnn, [(1, 1, 49, 10)]),
    "lstm_classifier": (lambda: RNNClassifier(nn.LSTM), [(1, 12, 10)]),
    "gru_classifier": (lambda: RNNClassifier(nn.GRU), [(1, 12, 10)]),
    "crnn_gru": (CRNN, [(1, 8, 16)]),
    "mlp_gelu": (MLPGelu, [(1, 32)]),
    "erf_mlp": (ErfMLP, [(1, 16)]),
    "siamese_two_inputs": (Siamese, [IMG, IMG]),
    "autoencoder_mlp": (autoencoder, [(1, 64)]),
}


def export(name: str, zoo: dict | None = None, out: Path | None = None) -> Path:
    """Export zoo[name] (default: this zoo) with its seeded weights to out/<name>.onnx (opset 17)."""
    build, shapes = (zoo or ZOO)[name]
    out = out or OUT
    torch.manual_seed(sum(map(ord, name)))
    model = build().eval()
    args = tuple(torch.randn(*s) for s in shapes)
    names = ["x"] if len(shapes) == 1 else [f"x{i}" for i in range(len(shapes))]
    out.mkdir(exist_ok=True)
    path = out / f"{name}.onnx"
    torch.backends.mha.set_fastpath_enabled(False)  # the fused encoder-layer kernel has no ONNX export
    with torch.no_grad():
        torch.onnx.export(model, args, str(path), dynamo=False, opset_version=17, input_names=names)
    return path


def main(zoo: dict | None = None, out: Path | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*", default=None)
    names = ap.parse_args().only or list(zoo or ZOO)
    for name in names:
        p = export(name, zoo, out)
        print(f"{name}: {p.stat().st_size:,} B")


if __name__ == "__main__":
    import warnings
    warnings.filterwarnings("ignore")
    main()
