"""MobileNetV2 as a seeded int8 tinyc IR graph (conv, depthwise, 1x1, residual add, relu6).

Layer table of Sandler et al. 2018 (expansion t, channels c, repeats n,
stride s); channels scaled by `width` and rounded to multiples of 8 as in
the reference implementation. TF 'SAME' padding everywhere. The weights are
random (seeded); only shapes, MACs and numerics matter for the patching tests.
"""
from __future__ import annotations

from nets import RELU6, NONE, Builder, same_pads

BLOCKS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]


def divisible(v: float, d: int = 8) -> int:
    """Round channels to a multiple of d, never more than 10% down (MobileNet's _make_divisible)."""
    n = max(d, int(v + d / 2) // d * d)
    return n + d if n < 0.9 * v else n


def pads2d(h: int, w: int, k: int, s: int) -> tuple[int, int, int, int]:
    (t, b), (l, r) = same_pads(h, k, s), same_pads(w, k, s)
    return (t, l, b, r)


def build_mbv2(res: int = 224, width: float = 1.0, classes: int = 1000, seed: int = 0, blocks=BLOCKS):
    """MobileNetV2 (res x res x 3 int8 input) as a verified tinyc Graph."""
    b = Builder(f"mbv2_{res}_{width}", res, res, 3, seed)
    x = b.conv("input", divisible(32 * width), (3, 3), (2, 2), pads2d(res, res, 3, 2), act=RELU6)
    cin = divisible(32 * width)
    for t, c, n, s in blocks:
        cout = divisible(c * width)
        for i in range(n):
            stride = s if i == 0 else 1
            h = b.g.tensors[x].shape[1]
            y = b.conv(x, cin * t, (1, 1), act=RELU6) if t != 1 else x
            y = b.dw(y, (3, 3), (stride, stride), pads2d(h, h, 3, stride), act=RELU6)
            y = b.conv(y, cout, (1, 1), act=NONE)
            x = b.add(x, y) if stride == 1 and cin == cout else y
            cin = cout
    last = divisible(1280 * max(width, 1.0))
    x = b.conv(x, last, (1, 1), act=RELU6)
    return b.finish(b.head(x, classes))
