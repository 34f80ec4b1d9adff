"""max_pool2d: max over each in-bounds window, then the fused clamp (TFLite MAX_POOL_2D, int8 and int16).

Also home of the pooling geometry shared with avg_pool2d: explicit
asymmetric pads (top, left, bottom, right), any kernel and stride.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from tinyc.errors import TinycError, where
from tinyc.ops.common import QRANGE, SUFFIX, Call, act_range_typed, check_int_io, output_of

INT8_MIN = -128


def geometry(node, g) -> dict:
    """Validated pooling geometry: n, h, w, c, kh, kw, sh, sw, pads, oh, ow.

    Raises TinycError for a non-rank-4 input, non-positive kernel/stride,
    negative pads or an empty output.
    """
    loc = where(g.source, node.name, node.op)
    x = g.tensors[node.inputs[0]]
    if len(x.shape) != 4:
        raise TinycError(f"pooling needs a rank-4 NHWC input, got shape {list(x.shape)}", loc)
    n, h, w, c = x.shape
    kh, kw = (int(v) for v in node.attrs["kernel"])
    sh, sw = (int(v) for v in node.attrs.get("strides", (1, 1)))
    pads = tuple(int(v) for v in node.attrs.get("pads", (0, 0, 0, 0)))
    if min(kh, kw, sh, sw) < 1 or len(pads) != 4 or min(pads) < 0:
        raise TinycError(f"bad pooling kernel {(kh, kw)}, strides {(sh, sw)} or pads {pads}", loc)
    oh = (h + pads[0] + pads[2] - kh) // sh + 1
    ow = (w + pads[1] + pads[3] - kw) // sw + 1
    if oh < 1 or ow < 1:
        raise TinycError(f"pooling window {(kh, kw)} is larger than the padded input {(h, w)}", loc)
    return dict(n=n, h=h, w=w, c=c, kh=kh, kw=kw, sh=sh, sw=sw, pads=pads, oh=oh, ow=ow)


def check_same_qparams(node, g) -> None:
    """TFLite pools do not rescale: input and output must share scale (to 1e-6) and zero point."""
    check_int_io(node, g)
    x = g.tensors[node.inputs[0]]
    y = output_of(node, g)
    if abs(x.q.s() - y.q.s()) > 1e-6 or x.q.zp() != y.q.zp():
        raise TinycError(f"integer pooling needs equal input/output quantization, got {x.q!r} and {y.q!r}",
                         where(g.source, node.name, node.op))


def windows(x: np.ndarray, geo: dict, fill: int) -> np.ndarray:
    """View [n, oh, ow, c, kh, kw] of x (int64) padded with `fill`."""
    t, l, b, r = geo["pads"]
    xp = np.pad(x.astype(np.int64), ((0, 0), (t, b), (l, r), (0, 0)), constant_values=fill)
    v = sliding_window_view(xp, (geo["kh"], geo["kw"]), axis=(1, 2))
    return v[:, ::geo["sh"], ::geo["sw"]][:, :geo["oh"], :geo["ow"]]


def pool_call(template: str, node, g, geo: dict) -> Call:
    """The Call shared by both pools: dims, strides, top/left pads, activation range."""
    y = output_of(node, g)
    lo, hi = act_range_typed(node, y)
    return Call(
        template=template, node=node.name,
        inputs=[node.inputs[0]], outputs=list(node.outputs),
        params=dict(n=geo["n"], h=geo["h"], w=geo["w"], c=geo["c"], kh=geo["kh"], kw=geo["kw"],
                    sh=geo["sh"], sw=geo["sw"], pad_top=geo["pads"][0], pad_left=geo["pads"][1],
                    oh=geo["oh"], ow=geo["ow"], act_min=lo, act_max=hi,
                    kernel=f"tc_{template.split('2d')[0]}_{SUFFIX[y.dtype]}"),
    )


def shape(node, g):
    geo = geometry(node, g)
    return [(geo["n"], geo["oh"], geo["ow"], geo["c"])]


def macs(node, g) -> int:
    """Comparisons: one per window element per output."""
    geo = geometry(node, g)
    return geo["n"] * geo["oh"] * geo["ow"] * geo["c"] * geo["kh"] * geo["kw"]


def ref(node, g, x):
    """TFLite reference_integer_ops::MaxPool: start at -128, max over in-bounds taps, clamp.

    A window wholly in padding gives max(-128, act_min), as TFLite does.
    """
    geo = geometry(node, g)
    check_same_qparams(node, g)
    y = output_of(node, g)
    lo, hi = act_range_typed(node, y)
    m = windows(x, geo, QRANGE[y.dtype][0]).max(axis=(-2, -1))
    return [np.clip(m, lo, hi).astype(y.dtype)]


def lower(node, g) -> Call:
    geo = geometry(node, g)
    check_same_qparams(node, g)
    return pool_call("max_pool2d_s8.j2", node, g, geo)
