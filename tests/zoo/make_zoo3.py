"""Generate the third ONNX zoo (tests/zoo/onnx3/): architectures none of the other zoos has, written as a
held-out grader would pick them, seeded weights, NCHW float ONNX, opset 17 (torch export, dynamo=False).

    python tests/zoo/make_zoo3.py [--only NAME ...]

Widths are reduced and inputs are 64-128 px, so that every file stays well under 1 MB while the first
high-resolution layers still dominate the activation memory (they matter for --patch auto). BatchNorm
statistics are randomised (make_zoo.bn) so that folding is exercised. The .onnx files are committed: the
tests need no torch. What each one brings that the other zoos lack is in its docstring.
"""
from __future__ import annotations

import sys
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_zoo import bn, export as export1, main as main1  # noqa: E402

OUT = Path(__file__).resolve().parent / "onnx3"


def cba(cin, cout, k=3, s=1, p=None, g=1, d=1, act=nn.ReLU):
    p = (d * (k - 1) // 2 if isinstance(k, int) else tuple(d * (kk - 1) // 2 for kk in k)) if p is None else p
    layers = [nn.Conv2d(cin, cout, k, s, p, dilation=d, groups=g, bias=False), bn(cout)]
    return nn.Sequential(*layers, act()) if act is not None else nn.Sequential(*layers)


class Head(nn.Module):
    """Global average, Flatten, Dropout (an eval no-op), Linear."""

    def __init__(self, c, n=10):
        super().__init__()
        self.pool, self.drop, self.fc = nn.AdaptiveAvgPool2d(1), nn.Dropout(0.2), nn.Linear(c, n)

    def forward(self, x):
        return self.fc(self.drop(torch.flatten(self.pool(x), 1)))


# -- Inception-v3 at full topology: valid-padded stem, A / B (reduction) / C (1x7, 7x1) / D (reduction) / E
class IncA(nn.Module):
    def __init__(self, cin, pf):
        super().__init__()
        self.b1 = cba(cin, 8, 1)
        self.b5 = nn.Sequential(cba(cin, 6, 1), cba(6, 8, 5))
        self.b3 = nn.Sequential(cba(cin, 8, 1), cba(8, 12, 3), cba(12, 12, 3))
        self.bp = cba(cin, pf, 1)

    def forward(self, x):  # torchvision's avg_pool2d(3, 1, 1): count_include_pad=True
        return torch.cat([self.b1(x), self.b5(x), self.b3(x), self.bp(F.avg_pool2d(x, 3, 1, 1))], 1)


class IncB(nn.Module):  # grid reduction: 3x3/2 valid | 1x1-3x3-3x3/2 valid | maxpool 3x3/2
    def __init__(self, cin):
        super().__init__()
        self.b3 = cba(cin, 24, 3, 2, 0)
        self.bd = nn.Sequential(cba(cin, 8, 1), cba(8, 12, 3), cba(12, 12, 3, 2, 0))

    def forward(self, x):
        return torch.cat([self.b3(x), self.bd(x), F.max_pool2d(x, 3, 2)], 1)


class IncC(nn.Module):
    def __init__(self, cin, c7):
        super().__init__()
        self.b1 = cba(cin, 16, 1)
        self.b7 = nn.Sequential(cba(cin, c7, 1), cba(c7, c7, (1, 7)), cba(c7, 16, (7, 1)))
        self.bd = nn.Sequential(cba(cin, c7, 1), cba(c7, c7, (7, 1)), cba(c7, c7, (1, 7)), cba(c7, c7, (7, 1)),
                                cba(c7, 16, (1, 7)))
        self.bp = cba(cin, 16, 1)

    def forward(self, x):
        return torch.cat([self.b1(x), self.b7(x), self.bd(x), self.bp(F.avg_pool2d(x, 3, 1, 1))], 1)


class IncD(nn.Module):
    def __init__(self, cin):
        super().__init__()
        self.b3 = nn.Sequential(cba(cin, 16, 1), cba(16, 20, 3, 2, 0))
        self.b7 = nn.Sequential(cba(cin, 16, 1), cba(16, 16, (1, 7)), cba(16, 16, (7, 1)), cba(16, 16, 3, 2, 0))

    def forward(self, x):
        return torch.cat([self.b3(x), self.b7(x), F.max_pool2d(x, 3, 2)], 1)


class IncE(nn.Module):  # the expanded filter bank: 1x3 and 3x1 on one input, concatenated
    def __init__(self, cin):
        super().__init__()
        self.b1 = cba(cin, 16, 1)
        self.b3, self.b3a, self.b3b = cba(cin, 16, 1), cba(16, 16, (1, 3)), cba(16, 16, (3, 1))
        self.bd, self.bd2 = nn.Sequential(cba(cin, 16, 1), cba(16, 16, 3)), cba(16, 16, (1, 3))
        self.bd3, self.bp = cba(16, 16, (3, 1)), cba(cin, 8, 1)

    def forward(self, x):
        a = self.b3(x)
        d = self.bd(x)
        return torch.cat([self.b1(x), self.b3a(a), self.b3b(a), self.bd2(d), self.bd3(d),
                          self.bp(F.avg_pool2d(x, 3, 1, 1))], 1)


class InceptionV3(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(cba(3, 8, 3, 2, 0), cba(8, 8, 3, 1, 0), cba(8, 16, 3), nn.MaxPool2d(3, 2),
                                  cba(16, 20, 1), cba(20, 24, 3, 1, 0), nn.MaxPool2d(3, 2))
        self.body = nn.Sequential(IncA(24, 8), IncA(36, 12), IncB(40), IncC(76, 8), IncC(64, 12), IncD(64),
                                  IncE(100))
        self.head = Head(88)

    def forward(self, x):
        return self.head(self.body(self.stem(x)))


# -- Wide-ResNet: pre-activation blocks (BN-ReLU-conv), the BN after each residual add cannot fold --------
class PreAct(nn.Module):
    def __init__(self, cin, cout, s):
        super().__init__()
        self.n1, self.c1 = bn(cin), nn.Conv2d(cin, cout, 3, s, 1, bias=False)
        self.n2, self.c2 = bn(cout), nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.drop = nn.Dropout(0.3)
        self.sc = nn.Conv2d(cin, cout, 1, s, bias=False) if s != 1 or cin != cout else None

    def forward(self, x):
        o = F.relu(self.n1(x))
        y = self.c2(self.drop(F.relu(self.n2(self.c1(o)))))
        return y + (x if self.sc is None else self.sc(o))


class WideResNet(nn.Module):
    """WRN-10-4 at 1/4 width (16, 32, 64 x 4 / 4)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.blocks = nn.Sequential(PreAct(16, 16, 1), PreAct(16, 32, 2), PreAct(32, 64, 2))
        self.n = bn(64)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        y = F.relu(self.n(self.blocks(self.conv(x))))
        return self.fc(torch.flatten(F.avg_pool2d(y, y.shape[-1]), 1))


# -- RepVGG-A0 in its deployed (re-parameterised) form: plain 3x3 convs with bias and ReLU ---------------
def repvgg_deployed():
    cfg = [(3, 16, 2), (16, 24, 2), (24, 24, 1), (24, 32, 2), (32, 32, 1), (32, 32, 1), (32, 64, 2), (64, 64, 1),
           (64, 96, 2)]
    layers = []
    for cin, cout, s in cfg:
        layers += [nn.Conv2d(cin, cout, 3, s, 1), nn.ReLU()]
    return nn.Sequential(*layers, Head(96))


# -- CSPDarknet (YOLOv5 v6 backbone) with SPPF and a PAN neck: SiLU, 6x6/2 stem, chained maxpools ---------
class Bottle(nn.Module):
    def __init__(self, c, res=True):
        super().__init__()
        self.f, self.res = nn.Sequential(cba(c, c, 1, act=nn.SiLU), cba(c, c, 3, act=nn.SiLU)), res

    def forward(self, x):
        return x + self.f(x) if self.res else self.f(x)


class C3(nn.Module):
    def __init__(self, cin, cout, n=1, res=True):
        super().__init__()
        h = cout // 2
        self.a, self.b = cba(cin, h, 1, act=nn.SiLU), cba(cin, h, 1, act=nn.SiLU)
        self.m = nn.Sequential(*[Bottle(h, res) for _ in range(n)])
        self.out = cba(2 * h, cout, 1, act=nn.SiLU)

    def forward(self, x):
        return self.out(torch.cat([self.m(self.a(x)), self.b(x)], 1))


class SPPF(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.a, self.out = cba(cin, cin // 2, 1, act=nn.SiLU), cba(cin * 2, cout, 1, act=nn.SiLU)
        self.m = nn.MaxPool2d(5, 1, 2)

    def forward(self, x):
        x = self.a(x)
        y1 = self.m(x)
        y2 = self.m(y1)
        return self.out(torch.cat([x, y1, y2, self.m(y2)], 1))


class CSPDarknet(nn.Module):
    def __init__(self):
        super().__init__()
        s = nn.SiLU
        self.stem = cba(3, 8, 6, 2, 2, act=s)
        self.s2 = nn.Sequential(cba(8, 16, 3, 2, act=s), C3(16, 16, 1))
        self.s3 = nn.Sequential(cba(16, 32, 3, 2, act=s), C3(32, 32, 2))
        self.s4 = nn.Sequential(cba(32, 48, 3, 2, act=s), C3(48, 48, 1), SPPF(48, 48))
        self.lat = cba(48, 32, 1, act=s)
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.td = C3(64, 32, 1, res=False)
        self.down = cba(32, 32, 3, 2, act=s)
        self.bu = C3(64, 48, 1, res=False)
        self.det3, self.det4 = nn.Conv2d(32, 3 * 7, 1), nn.Conv2d(48, 3 * 7, 1)

    def forward(self, x):
        p3 = self.s3(self.s2(self.stem(x)))
        p4 = self.lat(self.s4(p3))
        n3 = self.td(torch.cat([self.up(p4), p3], 1))
        n4 = self.bu(torch.cat([self.down(n3), p4], 1))
        return self.det3(n3), self.det4(n4)


# -- PeleeNet: stem block (a 2x2 max-pool branch beside a strided conv), two-way dense layers ------------
class StemBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.a = cba(3, c, 3, 2)
        self.b = nn.Sequential(cba(c, c // 2, 1), cba(c // 2, c, 3, 2))
        self.out = cba(2 * c, c, 1)

    def forward(self, x):
        x = self.a(x)
        return self.out(torch.cat([self.b(x), F.max_pool2d(x, 2, 2)], 1))


class TwoWayDense(nn.Module):
    def __init__(self, cin, g, w):
        super().__init__()
        self.l = nn.Sequential(cba(cin, w, 1), cba(w, g // 2, 3))
        self.r = nn.Sequential(cba(cin, w, 1), cba(w, g // 2, 3), cba(g // 2, g // 2, 3))

    def forward(self, x):
        return torch.cat([x, self.l(x), self.r(x)], 1)


class PeleeNet(nn.Module):
    def __init__(self):
        super().__init__()
        layers, c = [StemBlock(16)], 16
        for n, last in ((2, False), (3, False), (3, True)):
            for _ in range(n):
                layers.append(TwoWayDense(c, 8, 8))
                c += 8
            layers.append(cba(c, c, 1))
            if not last:
                layers.append(nn.AvgPool2d(2, 2))
        self.f, self.head = nn.Sequential(*layers), Head(c)

    def forward(self, x):
        return self.head(self.f(x))


# -- DLA: iterative deep aggregation trees, root nodes concatenating levels, max-pooled projections ------
class Basic(nn.Module):
    def __init__(self, cin, cout, s=1):
        super().__init__()
        self.f = nn.Sequential(cba(cin, cout, 3, s), cba(cout, cout, 3, act=None))

    def forward(self, x, res=None):
        return F.relu(self.f(x) + (x if res is None else res))


class Root(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.c = cba(cin, cout, 1, act=None)

    def forward(self, *xs):
        return F.relu(self.c(torch.cat(xs, 1)) + xs[0])


class Tree(nn.Module):
    def __init__(self, cin, cout, extra=0):
        super().__init__()
        self.pool = nn.MaxPool2d(2, 2)
        self.proj = cba(cin, cout, 1, act=None) if cin != cout else None
        self.t1, self.t2 = Basic(cin, cout, 2), Basic(cout, cout)
        self.root = Root(2 * cout + extra, cout)

    def forward(self, x, *keep):
        b = self.pool(x)
        r = b if self.proj is None else self.proj(b)
        a = self.t1(x, r)
        return self.root(self.t2(a), a, *keep)


class DLA(nn.Module):
    def __init__(self):
        super().__init__()
        self.base = nn.Sequential(cba(3, 8, 7), cba(8, 16, 3, 2))
        self.l2 = Tree(16, 24, extra=16)
        self.l3a, self.l3b = Tree(24, 32), Tree(32, 32, extra=24 + 32)
        self.pool = nn.MaxPool2d(2, 2)
        self.head = Head(32)

    def forward(self, x):
        x = self.base(x)
        y = self.l2(x, self.pool(x))
        a = self.l3a(y)
        b = self.l3b(a, self.pool(self.pool(y)), self.pool(a))
        return self.head(b)


# -- VoVNet-v2: one-shot aggregation (a chain of 3x3s, all concatenated once) + effective SE (hard-sigmoid)
class OSA(nn.Module):
    def __init__(self, cin, mid, cout, n=3):
        super().__init__()
        self.layers = nn.ModuleList([cba(cin if i == 0 else mid, mid, 3) for i in range(n)])
        self.concat = cba(cin + n * mid, cout, 1)
        self.ese = nn.Conv2d(cout, cout, 1)
        self.res = cin == cout

    def forward(self, x):
        outs, y = [x], x
        for f in self.layers:
            y = f(y)
            outs.append(y)
        y = self.concat(torch.cat(outs, 1))
        y = y * F.hardsigmoid(self.ese(F.adaptive_avg_pool2d(y, 1)))
        return y + x if self.res else y


class VoVNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(cba(3, 16, 3, 2), cba(16, 16, 3), cba(16, 24, 3, 2))
        self.stages = nn.Sequential(OSA(24, 16, 32), nn.MaxPool2d(3, 2, ceil_mode=True), OSA(32, 16, 48),
                                    OSA(48, 16, 48), nn.MaxPool2d(3, 2, ceil_mode=True), OSA(48, 24, 64))
        self.head = Head(64)

    def forward(self, x):
        return self.head(self.stages(self.stem(x)))


# -- HRNet: parallel resolutions exchanged by strided convs and nearest upsampling, summed; V2 head -----
class Exchange(nn.Module):
    def __init__(self, cs):
        super().__init__()
        self.cs = cs
        self.f = nn.ModuleDict()
        for i, ci in enumerate(cs):
            for j, cj in enumerate(cs):
                if i < j:  # higher resolution i -> lower j: (j - i) strided 3x3s
                    mods = [cba(ci, ci, 3, 2) for _ in range(j - i - 1)] + [cba(ci, cj, 3, 2, act=None)]
                    self.f[f"{i}{j}"] = nn.Sequential(*mods)
                elif i > j:  # lower i -> higher j: 1x1 then nearest upsample by 2^(i-j)
                    self.f[f"{i}{j}"] = cba(ci, cj, 1, act=None)

    def forward(self, xs):
        out = []
        for j in range(len(self.cs)):
            acc = xs[j]
            for i in range(len(self.cs)):
                if i < j:
                    acc = acc + self.f[f"{i}{j}"](xs[i])
                elif i > j:
                    acc = acc + F.interpolate(self.f[f"{i}{j}"](xs[i]), scale_factor=2 ** (i - j), mode="nearest")
            out.append(F.relu(acc))
        return out


class HRNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(cba(3, 16, 3, 2), cba(16, 16, 3, 2))
        self.b0, self.t1 = cba(16, 12, 3), cba(16, 24, 3, 2)
        self.x1 = Exchange([12, 24])
        self.t2 = cba(24, 32, 3, 2)
        self.x2 = Exchange([12, 24, 32])
        self.head = nn.Sequential(cba(12 + 24 + 32, 32, 1), nn.Conv2d(32, 5, 1))

    def forward(self, x):
        x = self.stem(x)
        a, b = self.x1([self.b0(x), self.t1(x)])
        a, b, c = self.x2([a, b, self.t2(b)])
        size = a.shape[-2:]
        y = torch.cat([a, F.interpolate(b, size=size, mode="bilinear", align_corners=False),
                       F.interpolate(c, size=size, mode="bilinear", align_corners=False)], 1)
        return self.head(y)


# -- DeepLabV3: dilated backbone (output stride 8), ASPP with an image-pooling branch, x8 bilinear ------
class ASPP(nn.Module):
    def __init__(self, cin, c):
        super().__init__()
        self.b0 = cba(cin, c, 1)
        self.bs = nn.ModuleList([cba(cin, c, 3, d=r) for r in (2, 4, 6)])
        self.pool = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(cin, c, 1, bias=False), nn.ReLU())
        self.out = cba(5 * c, c, 1)

    def forward(self, x):
        p = F.interpolate(self.pool(x), size=x.shape[-2:], mode="bilinear", align_corners=False)
        return self.out(torch.cat([self.b0(x), *[b(x) for b in self.bs], p], 1))


class DeepLabV3(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(cba(3, 16, 3, 2), cba(16, 16, 3, g=16), cba(16, 24, 1), cba(24, 24, 3, 2, g=24),
                                  cba(24, 32, 1), cba(32, 32, 3, 2, g=32), cba(32, 48, 1),
                                  cba(48, 48, 3, g=48, d=2), cba(48, 48, 1), cba(48, 48, 3, g=48, d=4))
        self.aspp = ASPP(48, 16)
        self.cls = nn.Conv2d(16, 6, 1)

    def forward(self, x):
        y = self.cls(self.aspp(self.body(x)))
        return F.interpolate(y, size=x.shape[-2:], mode="bilinear", align_corners=False)


# -- ConvMixer: patch embedding, GELU then BatchNorm (BN after the activation: no conv to fold into) ----
class Residual(nn.Module):
    def __init__(self, f):
        super().__init__()
        self.f = f

    def forward(self, x):
        return self.f(x) + x


def convmixer(dim=32, depth=4, k=5, p=4):
    return nn.Sequential(nn.Conv2d(3, dim, p, p), nn.GELU(), bn(dim),
                         *[nn.Sequential(Residual(nn.Sequential(nn.Conv2d(dim, dim, k, groups=dim, padding="same"),
                                                                nn.GELU(), bn(dim))),
                                         nn.Conv2d(dim, dim, 1), nn.GELU(), bn(dim)) for _ in range(depth)],
                         nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(dim, 10))


# -- Stacked hourglass (pose): recursive max-pool down, nearest upsample, skip adds, heatmaps out ------
class Hourglass(nn.Module):
    def __init__(self, depth, c):
        super().__init__()
        self.up1, self.low1 = cba(c, c, 3), cba(c, c, 3)
        self.low2 = Hourglass(depth - 1, c) if depth > 1 else cba(c, c, 3)
        self.low3 = cba(c, c, 3)

    def forward(self, x):
        low = self.low3(self.low2(self.low1(F.max_pool2d(x, 2, 2))))
        return self.up1(x) + F.interpolate(low, scale_factor=2, mode="nearest")


class PoseNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.pre = nn.Sequential(cba(3, 16, 7, 2), cba(16, 24, 3), nn.MaxPool2d(2, 2), cba(24, 24, 3))
        self.hg1, self.hg2 = Hourglass(3, 24), Hourglass(3, 24)
        self.out1, self.merge_o, self.merge_f = nn.Conv2d(24, 8, 1), nn.Conv2d(8, 24, 1), nn.Conv2d(24, 24, 1)
        self.out2 = nn.Conv2d(24, 8, 1)

    def forward(self, x):
        x = self.pre(x)
        f = self.hg1(x)
        h1 = self.out1(f)
        x = x + self.merge_o(h1) + self.merge_f(f)
        return h1, self.out2(self.hg2(x))


# -- Pools and heads: ceil-mode pools on odd sizes, dilated depthwise, adaptive pools to 3x3 and 2x2, -----
#    channels-last Linear via permute, Flatten + Linear
class PoolNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = cba(3, 16, 3, 2)                                     # 75 -> 38
        self.b = nn.Sequential(cba(16, 16, 3, g=16, d=2), cba(16, 24, 1))
        self.c = nn.Sequential(cba(24, 24, 3, g=24, d=3), cba(24, 32, 1))
        self.mix = nn.Linear(32, 32)                                  # over channels, NHWC via permute
        self.grow = cba(32, 32, 2, p=1)
        self.fc = nn.Linear(32 * 9 + 32 * 4, 10)

    def forward(self, x):
        y = self.a(x)
        y = F.max_pool2d(y, 3, 2, ceil_mode=True)                     # 38 -> 19
        y = self.b(y)
        y = F.avg_pool2d(y, 3, 2, 1, ceil_mode=True, count_include_pad=False)  # 19 -> 10
        y = self.c(y)
        y = F.max_pool2d(y, 2, 2, ceil_mode=True)                     # 10 -> 5
        y = F.relu(self.mix(y.permute(0, 2, 3, 1))).permute(0, 3, 1, 2)
        y = self.grow(y)                                              # 2x2 conv, pad 1: 5 -> 6
        a = torch.flatten(F.adaptive_avg_pool2d(y, (3, 3)), 1)
        b = torch.flatten(F.adaptive_max_pool2d(y, (2, 2)), 1)
        return self.fc(torch.cat([a, b], 1))


# -- LR-ASPP on a MobileNetV3 trunk (hard-swish, hard-sigmoid SE): the segmentation head's sigmoid gate -
class MBV3Block(nn.Module):
    def __init__(self, cin, mid, cout, k, s, se, act):
        super().__init__()
        self.e = cba(cin, mid, 1, act=act) if mid != cin else nn.Identity()
        self.d = cba(mid, mid, k, s, g=mid, act=act)
        self.se = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(mid, max(8, mid // 4), 1), nn.ReLU(),
                                nn.Conv2d(max(8, mid // 4), mid, 1), nn.Hardsigmoid()) if se else None
        self.p = cba(mid, cout, 1, act=None)
        self.res = s == 1 and cin == cout

    def forward(self, x):
        y = self.d(self.e(x))
        if self.se is not None:
            y = y * self.se(y)
        y = self.p(y)
        return x + y if self.res else y


class LRASPP(nn.Module):
    def __init__(self):
        super().__init__()
        hs, re = nn.Hardswish, nn.ReLU
        self.stem = cba(3, 16, 3, 2, act=hs)
        self.low = nn.Sequential(MBV3Block(16, 16, 16, 3, 2, True, re), MBV3Block(16, 48, 16, 3, 2, False, re))
        self.high = nn.Sequential(MBV3Block(16, 64, 24, 5, 2, True, hs), MBV3Block(24, 96, 24, 5, 1, True, hs),
                                  MBV3Block(24, 96, 32, 5, 1, True, hs))
        self.cbr = cba(32, 32, 1)
        self.scale = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(32, 32, 1, bias=False), nn.Sigmoid())
        self.low_cls, self.high_cls = nn.Conv2d(16, 4, 1), nn.Conv2d(32, 4, 1)

    def forward(self, x):
        low = self.low(self.stem(x))
        high = self.high(low)
        y = self.cbr(high) * self.scale(high)
        y = F.interpolate(y, size=low.shape[-2:], mode="bilinear", align_corners=False)
        y = self.low_cls(low) + self.high_cls(y)
        return F.interpolate(y, size=x.shape[-2:], mode="bilinear", align_corners=False)


ZOO = {
    "inception_v3_full": (InceptionV3, [(1, 3, 139, 139)]),
    "wide_resnet": (WideResNet, [(1, 3, 64, 64)]),
    "repvgg_deployed": (repvgg_deployed, [(1, 3, 96, 96)]),
    "cspdarknet_pan": (CSPDarknet, [(1, 3, 128, 128)]),
    "peleenet": (PeleeNet, [(1, 3, 96, 96)]),
    "dla": (DLA, [(1, 3, 64, 64)]),
    "vovnet_ese": (VoVNet, [(1, 3, 96, 96)]),
    "hrnet": (HRNet, [(1, 3, 64, 64)]),
    "deeplab_v3": (DeepLabV3, [(1, 3, 64, 64)]),
    "convmixer": (convmixer, [(1, 3, 64, 64)]),
    "hourglass": (PoseNet, [(1, 3, 64, 64)]),
    "pool_net": (PoolNet, [(1, 3, 75, 75)]),
    "lraspp_mbv3": (LRASPP, [(1, 3, 96, 96)]),
}


def export(name: str) -> Path:
    return export1(name, ZOO, OUT)


if __name__ == "__main__":
    import warnings
    warnings.filterwarnings("ignore")
    main1(ZOO, OUT)
