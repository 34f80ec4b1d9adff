"""Generate the second ONNX zoo: architectures the first zoo (make_zoo.py) lacks, seeded weights, opset 17.

    python tests/zoo/make_zoo2.py [--only NAME ...]

Same conventions as make_zoo.py (torch.onnx.export(..., dynamo=False, opset_version=17),
randomised BatchNorm statistics, small widths and inputs) and written to tests/zoo/onnx2/.
These are the layer patterns a user plausibly brings: LayerNorm over channels, GroupNorm,
InstanceNorm, Transformer encoders, MLP-Mixer, PixelShuffle, reflect/replicate padding,
ELU/SELU/Softplus/Mish/Hardtanh/tanh-GELU, nearest upsampling, L2-normalised embeddings.
"""
from __future__ import annotations

import sys
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_zoo import IMG, Head, bn, cbr, main  # noqa: E402

OUT = Path(__file__).resolve().parent / "onnx2"


def bn1(c):
    m = nn.BatchNorm1d(c)
    with torch.no_grad():
        m.running_mean.uniform_(-0.2, 0.2)
        m.running_var.uniform_(0.5, 1.5)
        m.weight.uniform_(0.6, 1.4)
        m.bias.uniform_(-0.2, 0.2)
    return m


def affine(norm):
    with torch.no_grad():
        norm.weight.uniform_(0.6, 1.4)
        norm.bias.uniform_(-0.2, 0.2)
    return norm


# -- ConvNeXt: depthwise 7x7, LayerNorm over channels (channels-last via permute), GELU, layer scale --
class ConvNeXtBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dw = nn.Conv2d(c, c, 7, padding=3, groups=c)
        self.ln = affine(nn.LayerNorm(c, eps=1e-6))
        self.p1, self.p2 = nn.Linear(c, 4 * c), nn.Linear(4 * c, c)
        self.gamma = nn.Parameter(torch.rand(c) * 0.5 + 0.25)

    def forward(self, x):
        y = self.dw(x).permute(0, 2, 3, 1)
        y = self.gamma * self.p2(F.gelu(self.p1(self.ln(y))))
        return x + y.permute(0, 3, 1, 2)


class LayerNorm2d(nn.Module):
    """channels-first LayerNorm as ConvNeXt's downsampling layers write it: mean/var over dim 1."""
    def __init__(self, c, eps=1e-6):
        super().__init__()
        self.w, self.b, self.eps = nn.Parameter(torch.rand(c) * 0.8 + 0.6), nn.Parameter(torch.rand(c) * 0.4 - 0.2), eps

    def forward(self, x):
        u = x.mean(1, keepdim=True)
        s = (x - u).pow(2).mean(1, keepdim=True)
        x = (x - u) / torch.sqrt(s + self.eps)
        return self.w[:, None, None] * x + self.b[:, None, None]


def convnext_ln():
    return nn.Sequential(nn.Conv2d(3, 16, 4, 4), LayerNorm2d(16), ConvNeXtBlock(16),
                         LayerNorm2d(16), nn.Conv2d(16, 24, 2, 2), ConvNeXtBlock(24), Head(24))


# -- MLP-Mixer ---------------------------------------------------------------------------------
class MixerBlock(nn.Module):
    def __init__(self, tokens, c):
        super().__init__()
        self.n1, self.n2 = affine(nn.LayerNorm(c)), affine(nn.LayerNorm(c))
        self.t1, self.t2 = nn.Linear(tokens, 2 * tokens), nn.Linear(2 * tokens, tokens)
        self.c1, self.c2 = nn.Linear(c, 2 * c), nn.Linear(2 * c, c)

    def forward(self, x):  # (B, T, C)
        y = self.n1(x).transpose(1, 2)
        x = x + self.t2(F.gelu(self.t1(y))).transpose(1, 2)
        return x + self.c2(F.gelu(self.c1(self.n2(x))))


class Mixer(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 24, 8, 8)
        self.blocks = nn.Sequential(MixerBlock(16, 24), MixerBlock(16, 24))
        self.n, self.fc = affine(nn.LayerNorm(24)), nn.Linear(24, 10)

    def forward(self, x):
        x = self.stem(x).flatten(2).transpose(1, 2)
        return self.fc(self.n(self.blocks(x)).mean(1))


# -- Transformer encoder sequence classifier (float features in) -------------------------------
class TextTransformer(nn.Module):
    def __init__(self, d=32, t=16):
        super().__init__()
        self.proj = nn.Linear(12, d)
        self.pos = nn.Parameter(torch.randn(1, t, d) * 0.1)
        layer = nn.TransformerEncoderLayer(d, 4, 64, dropout=0.0, batch_first=True, activation="gelu")
        self.enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.fc = nn.Linear(d, 5)

    def forward(self, x):
        return self.fc(self.enc(self.proj(x) + self.pos).mean(1))


class TokenTransformer(nn.Module):
    """Pre-norm encoder with a CLS token. Tokens come as float vectors (bench/zoo.py feeds N(0,1) floats),
    so a bias-free Linear stands for nn.Embedding."""
    def __init__(self, d=24, t=12):
        super().__init__()
        self.emb = nn.Linear(16, d, bias=False)
        self.cls = nn.Parameter(torch.randn(1, 1, d) * 0.1)
        layer = nn.TransformerEncoderLayer(d, 2, 48, dropout=0.0, batch_first=True, norm_first=True)
        self.enc = nn.TransformerEncoder(layer, 1, enable_nested_tensor=False)
        self.fc = nn.Linear(d, 4)

    def forward(self, x):
        e = self.emb(x)
        e = torch.cat([self.cls.expand(e.shape[0], -1, -1), e], 1)
        return self.fc(self.enc(e)[:, 0])


# -- Inception-v3 asymmetric convs, ceil-mode pools ---------------------------------------------
class InceptionC(nn.Module):
    def __init__(self, cin, c7):
        super().__init__()
        self.b1 = cbr(cin, 16, 1)
        self.b7 = nn.Sequential(cbr(cin, c7, 1), Conv(c7, c7, (1, 7), (0, 3)), Conv(c7, 16, (7, 1), (3, 0)))
        self.bp = nn.Sequential(nn.AvgPool2d(3, 1, 1, count_include_pad=False), cbr(cin, 16, 1))

    def forward(self, x):
        return torch.cat([self.b1(x), self.b7(x), self.bp(x)], 1)


def Conv(cin, cout, k, p):
    return nn.Sequential(nn.Conv2d(cin, cout, k, padding=p, bias=False), bn(cout), nn.ReLU())


def inception_v3():
    return nn.Sequential(cbr(3, 16, 3, 2), nn.MaxPool2d(3, 2, ceil_mode=True), InceptionC(16, 8),
                         nn.MaxPool2d(3, 2, ceil_mode=True), InceptionC(48, 12), Head(48))


# -- ResNeXt grouped convs ------------------------------------------------------------------------
class NeXt(nn.Module):
    def __init__(self, cin, cout, s, g=4):
        super().__init__()
        w = cout
        self.f = nn.Sequential(cbr(cin, w, 1), cbr(w, w, 3, s, g=g), nn.Conv2d(w, cout, 1, bias=False), bn(cout))
        self.sc = nn.Sequential(nn.Conv2d(cin, cout, 1, s, bias=False), bn(cout)) if s != 1 or cin != cout else None

    def forward(self, x):
        return F.relu(self.f(x) + (x if self.sc is None else self.sc(x)))


def resnext():
    return nn.Sequential(cbr(3, 16, 3, 2), NeXt(16, 32, 1), NeXt(32, 32, 2), NeXt(32, 48, 2), Head(48))


# -- ESPCN super-resolution: PixelShuffle (DepthToSpace / rank-6 transpose) -------------------------
class ESPCN(nn.Module):
    def __init__(self, r=2):
        super().__init__()
        self.f = nn.Sequential(nn.Conv2d(1, 16, 5, padding=2), nn.Tanh(), nn.Conv2d(16, 8, 3, padding=1), nn.Tanh(),
                               nn.Conv2d(8, r * r, 3, padding=1))
        self.ps = nn.PixelShuffle(r)

    def forward(self, x):
        return self.ps(self.f(x))


# -- GroupNorm / InstanceNorm ------------------------------------------------------------------------
def groupnorm_net():
    return nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1), affine(nn.GroupNorm(4, 16)), nn.SiLU(),
                         nn.Conv2d(16, 32, 3, 2, 1), affine(nn.GroupNorm(8, 32)), nn.SiLU(), Head(32))


def instancenorm_net():
    return nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1), affine(nn.InstanceNorm2d(16, affine=True)), nn.ReLU(),
                         nn.Conv2d(16, 16, 3, 2, 1), affine(nn.InstanceNorm2d(16, affine=True)), nn.ReLU(),
                         nn.Conv2d(16, 3, 3, 1, 1))


# -- activations --------------------------------------------------------------------------------------
class GELUTanh(nn.Module):
    def forward(self, x):
        return F.gelu(x, approximate="tanh")


def activations_net():
    return nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1), nn.ELU(), nn.Conv2d(16, 16, 3, 1, 1), nn.SELU(),
                         nn.Conv2d(16, 24, 3, 2, 1), nn.Softplus(), nn.Conv2d(24, 24, 3, 1, 1), nn.Mish(),
                         nn.Conv2d(24, 32, 3, 2, 1), nn.Hardtanh(-2.0, 2.0), nn.Conv2d(32, 32, 1), GELUTanh(),
                         Head(32))


# -- Upsample nearest, reflect/replicate padding (image-to-image) --------------------------------------
class PadUpNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 16, 3, 2)
        self.c2 = nn.Conv2d(16, 16, 3)
        self.c3 = nn.Conv2d(16, 3, 3)

    def forward(self, x):
        y = F.relu(self.c1(F.pad(x, (1, 1, 1, 1), mode="reflect")))
        y = F.relu(self.c2(F.pad(y, (1, 1, 1, 1), mode="replicate")))
        y = F.interpolate(y, scale_factor=2, mode="nearest")
        return self.c3(F.pad(y, (1, 1, 1, 1), mode="reflect"))


# -- CRNN: conv + bidirectional LSTM ---------------------------------------------------------------------
class CRNNBiLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.cnn = nn.Sequential(cbr(1, 16, 3), nn.MaxPool2d(2), cbr(16, 16, 3), nn.MaxPool2d((2, 1)))
        self.rnn = nn.LSTM(16 * 4, 16, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(32, 11)

    def forward(self, x):  # (B, 1, 16, 16) -> (B, 8, 11) per-frame logits
        f = self.cnn(x)  # B, 16, 4, 8
        f = f.permute(0, 3, 1, 2).flatten(2)  # B, 8, 64
        y, _ = self.rnn(f)
        return self.fc(y)


# -- EfficientNetV2 fused-MBConv -----------------------------------------------------------------------
class FusedMB(nn.Module):
    def __init__(self, cin, cout, s, e):
        super().__init__()
        self.f = nn.Sequential(cbr(cin, cin * e, 3, s, act=nn.SiLU), nn.Conv2d(cin * e, cout, 1, bias=False), bn(cout))
        self.res = s == 1 and cin == cout

    def forward(self, x):
        return x + self.f(x) if self.res else self.f(x)


def efficientnet_v2():
    return nn.Sequential(cbr(3, 16, 3, 2, act=nn.SiLU), FusedMB(16, 16, 1, 1), FusedMB(16, 24, 2, 4),
                         FusedMB(24, 24, 1, 4), cbr(24, 48, 1, act=nn.SiLU), Head(48))


# -- MobileViT-like hybrid -------------------------------------------------------------------------------
class MobileViTBlock(nn.Module):
    def __init__(self, c, d=32, p=2):
        super().__init__()
        self.p = p
        self.local = nn.Sequential(cbr(c, c, 3, act=nn.SiLU), nn.Conv2d(c, d, 1, bias=False))
        layer = nn.TransformerEncoderLayer(d, 2, 2 * d, dropout=0.0, batch_first=True, norm_first=True,
                                           activation=F.silu)
        self.tr = nn.TransformerEncoder(layer, 1, enable_nested_tensor=False)
        self.proj = cbr(d, c, 1, act=nn.SiLU)
        self.fuse = cbr(2 * c, c, 3, act=nn.SiLU)

    def forward(self, x):
        b, _, h, w = x.shape
        y = self.local(x)
        d, p = y.shape[1], self.p
        # unfold into p*p patches of (h/p * w/p) tokens
        t = y.reshape(b, d, h // p, p, w // p, p).permute(0, 3, 5, 2, 4, 1).reshape(b * p * p, h * w // (p * p), d)
        t = self.tr(t)
        y = t.reshape(b, p, p, h // p, w // p, d).permute(0, 5, 3, 1, 4, 2).reshape(b, d, h, w)
        return self.fuse(torch.cat([x, self.proj(y)], 1))


def mobilevit():
    return nn.Sequential(cbr(3, 16, 3, 2, act=nn.SiLU), cbr(16, 24, 3, 2, act=nn.SiLU), MobileViTBlock(24),
                         cbr(24, 32, 1, act=nn.SiLU), Head(32))


# -- 1-D: wav2letter-style Conv1d + BatchNorm1d ----------------------------------------------------------
def wav2letter():
    def c(cin, cout, k, s=1):
        return nn.Sequential(nn.Conv1d(cin, cout, k, s, k // 2, bias=False), bn1(cout), nn.ReLU())
    return nn.Sequential(c(13, 32, 11, 2), c(32, 32, 7), c(32, 32, 7), c(32, 48, 15), c(48, 48, 1),
                         nn.Conv1d(48, 12, 1))


# -- Linear + BatchNorm1d MLP -----------------------------------------------------------------------------
def mlp_bn():
    return nn.Sequential(nn.Linear(40, 64), bn1(64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, 32), bn1(32),
                         nn.ReLU(), nn.Linear(32, 6))


# -- ReduceMax / ReduceMean heads --------------------------------------------------------------------------
class PoolHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(cbr(3, 16, 3, 2), cbr(16, 32, 3, 2))
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        y = self.body(x)
        return self.fc(torch.cat([y.amax(dim=(2, 3)), y.mean(dim=(2, 3))], 1))


# -- L2-normalised embedding: Div/Pow/Sqrt ---------------------------------------------------------------
class L2Embed(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(cbr(3, 16, 3, 2), cbr(16, 32, 3, 2), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                  nn.Linear(32, 16))

    def forward(self, x):
        e = self.body(x)
        return e / torch.sqrt(e.pow(2).sum(1, keepdim=True) + 1e-6)


class L2EmbedF(nn.Module):
    """F.normalize: ReduceL2 (opset 17 export), Clip, Expand, Div."""
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(cbr(3, 16, 3, 2), cbr(16, 32, 3, 2), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                  nn.Linear(32, 16))

    def forward(self, x):
        return F.normalize(self.body(x), dim=1)


# -- CBAM: channel attention (avg + max pool, shared MLP) and spatial attention (mean + max over C) --
class CBAM(nn.Module):
    def __init__(self, c, r=4):
        super().__init__()
        self.mlp = nn.Sequential(nn.Conv2d(c, c // r, 1), nn.ReLU(), nn.Conv2d(c // r, c, 1))
        self.sp = nn.Conv2d(2, 1, 7, padding=3)

    def forward(self, x):
        a = self.mlp(F.adaptive_avg_pool2d(x, 1)) + self.mlp(F.adaptive_max_pool2d(x, 1))
        x = x * torch.sigmoid(a)
        s = torch.cat([x.mean(1, keepdim=True), x.amax(1, keepdim=True)], 1)
        return x * torch.sigmoid(self.sp(s))


def cbam_net():
    return nn.Sequential(cbr(3, 16, 3, 2), CBAM(16), cbr(16, 32, 3, 2), CBAM(32), Head(32))


# -- 1-D: adaptive avg + max pooling heads; a 1-D autoencoder with ConvTranspose1d -------------------
class Conv1dPools(nn.Module):
    def __init__(self):
        super().__init__()
        self.f = nn.Sequential(nn.Conv1d(4, 16, 5, 2, 2), bn1(16), nn.ReLU(), nn.Conv1d(16, 24, 3, 1, 1), nn.ReLU())
        self.fc = nn.Linear(48, 6)

    def forward(self, x):
        y = self.f(x)
        return self.fc(torch.cat([F.adaptive_avg_pool1d(y, 1), F.adaptive_max_pool1d(y, 1)], 1).flatten(1))


class Conv1dAutoencoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.e = nn.Sequential(nn.Conv1d(2, 8, 3, 2, 1), nn.ReLU(), nn.Conv1d(8, 16, 3, 2, 1), nn.ReLU())
        self.d = nn.Sequential(nn.ConvTranspose1d(16, 8, 4, 2, 1), nn.ReLU(), nn.ConvTranspose1d(8, 2, 4, 2, 1))

    def forward(self, x):
        return self.d(F.avg_pool1d(self.e(x), 3, 1, 1))


# -- segmentation head: adaptive pooling to 2x2 (pyramid pooling), bilinear align_corners, softmax over C --
class PyramidSeg(nn.Module):
    def __init__(self):
        super().__init__()
        self.f = nn.Sequential(cbr(3, 16, 3, 2), cbr(16, 16, 3))
        self.p = nn.Conv2d(16, 8, 1)
        self.out = nn.Conv2d(24, 5, 1)

    def forward(self, x):
        y = self.f(x)
        p = F.interpolate(self.p(F.adaptive_avg_pool2d(y, (2, 2))), size=y.shape[2:], mode="bilinear",
                          align_corners=True)
        return torch.softmax(self.out(torch.cat([y, p], 1)), dim=1)


# -- stacked (2-layer) LSTM, batch first, last step ------------------------------------------------------
class StackedLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(10, 16, num_layers=2, batch_first=True)
        self.fc = nn.Linear(16, 4)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.fc(y[:, -1])


# -- nn.MultiheadAttention (sequence first) + LayerNorm, a bidirectional GRU tagger -------------------------
class MHABlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.m, self.n = nn.MultiheadAttention(16, 2), affine(nn.LayerNorm(16))
        self.fc = nn.Linear(16, 3)

    def forward(self, x):  # (T, 1, 16)
        y, _ = self.m(x, x, x, need_weights=False)
        return self.fc(self.n(x + y))


class BiGRUTagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.g = nn.GRU(8, 12, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(24, 5)

    def forward(self, x):
        y, _ = self.g(x)
        return self.fc(y)


# -- dilated reflect-padded convs (padding_mode='reflect'), grouped conv, Hardswish ---------------------------
def dilated_reflect():
    return nn.Sequential(nn.Conv2d(3, 16, 3, 1, 2, dilation=2, padding_mode="reflect"), nn.Hardswish(),
                         nn.Conv2d(16, 16, 3, 2, 1, groups=4, padding_mode="replicate"), nn.Hardswish(),
                         nn.Conv2d(16, 32, 3, 2, 1), nn.ReLU(), Head(32))


# -- elementwise math: Max / Min of tensors, Abs, Exp, Log (a soft-threshold / log-energy head) -------------
class EltMath(nn.Module):
    def __init__(self):
        super().__init__()
        self.f1, self.f2, self.fc = nn.Linear(20, 24), nn.Linear(20, 24), nn.Linear(24, 4)

    def forward(self, x):
        a, b = self.f1(x), self.f2(x)
        y = torch.maximum(a, b) + torch.minimum(a.abs(), torch.full_like(a, 1.0)) + torch.exp(-b.abs())
        return self.fc(torch.log(y * y + 1.0))


ZOO = {
    "convnext_ln": (convnext_ln, [IMG]),
    "mlp_mixer": (Mixer, [IMG]),
    "transformer_seq": (TextTransformer, [(1, 16, 12)]),
    "transformer_cls": (TokenTransformer, [(1, 12, 16)]),
    "inception_v3": (inception_v3, [IMG]),
    "resnext": (resnext, [IMG]),
    "espcn": (ESPCN, [(1, 1, 16, 16)]),
    "groupnorm_net": (groupnorm_net, [IMG]),
    "instancenorm_net": (instancenorm_net, [(1, 3, 16, 16)]),
    "activations_net": (activations_net, [IMG]),
    "pad_upsample": (PadUpNet, [(1, 3, 16, 16)]),
    "crnn_bilstm": (CRNNBiLSTM, [(1, 1, 16, 16)]),
    "efficientnet_v2": (efficientnet_v2, [IMG]),
    "mobilevit": (mobilevit, [IMG]),
    "wav2letter": (wav2letter, [(1, 13, 64)]),
    "mlp_bn": (mlp_bn, [(1, 40)]),
    "pool_heads": (PoolHeads, [IMG]),
    "l2_embed": (L2Embed, [IMG]),
    "l2_normalize": (L2EmbedF, [IMG]),
    "cbam": (cbam_net, [IMG]),
    "conv1d_pools": (Conv1dPools, [(1, 4, 64)]),
    "conv1d_autoencoder": (Conv1dAutoencoder, [(1, 2, 64)]),
    "pyramid_seg": (PyramidSeg, [IMG]),
    "stacked_lstm": (StackedLSTM, [(1, 12, 10)]),
    "mha_block": (MHABlock, [(8, 1, 16)]),
    "bigru_tagger": (BiGRUTagger, [(1, 10, 8)]),
    "dilated_reflect": (dilated_reflect, [IMG]),
    "elementwise_math": (EltMath, [(1, 20)]),
}


if __name__ == "__main__":
    import warnings
    warnings.filterwarnings("ignore")
    main(ZOO, OUT)
