"""A ResNet-8-style residual CNN in the MLPerf Tiny image-classification shape, seeded int8.

32x32x3 input; a 3x3 conv to 16 channels; three stages of 16 / 32 / 64 channels, each a
residual block of two 3x3 convs (the second and third stages stride 2 with a 1x1 stride-2
shortcut conv) and an add with a fused ReLU; global average pool and a 10-way fully connected
head, as in MLPerf Tiny's ResNet-8 (without the softmax).
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "patching"))
from nets import NONE, RELU, Builder, same_pads  # noqa: E402


def _pads(size: int, k: int, s: int) -> tuple[int, int, int, int]:
    t, b = same_pads(size, k, s)
    return t, t, b, b  # (top, left, bottom, right): square inputs


def build_resnet8(seed: int = 0):
    b = Builder("resnet8", 32, 32, 3, seed=seed)
    x = b.conv("input", 16, pads=_pads(32, 3, 1), act=RELU)
    size = 32
    for cout, s in ((16, 1), (32, 2), (64, 2)):
        y = b.conv(x, cout, s=(s, s), pads=_pads(size, 3, s), act=RELU)
        size //= s
        y = b.conv(y, cout, pads=_pads(size, 3, 1), act=NONE)
        short = x if s == 1 else b.conv(x, cout, k=(1, 1), s=(s, s), act=NONE)
        x = b.add(short, y, act=RELU)
    return b.finish(b.head(x, 10))
