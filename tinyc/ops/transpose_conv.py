"""transpose_conv: NHWC transposed convolution, OHWI weights (TFLite TRANSPOSE_CONV; ONNX ConvTranspose).

Every input pixel (iy, ix) scatters x[iy, ix, :] . w[oc, ky, kx, :] onto the
full output at (iy * sh + ky * dh, ix * sw + kx * dw); the output is the window
of that full map starting at (pads[0], pads[1]) of size
OH = (H - 1) * sh + dh * (KH - 1) + 1 - top - bottom (likewise OW). bottom /
right may be negative: the window then runs past the full map, where only the
bias contributes (ONNX output_padding). Then bias, per-channel requantization
(int8: int32 sums, double rounding as CONV_2D; int16 (16x8): int64 sums and
the reduced 16-bit multiplier as the 16x8 conv), output zero point, clamp.
An optional 4th input is TFLite's output_shape when it is not a constant: the
kernel checks at run time that it holds the static output shape.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, act_range_typed, channel_multipliers, inputs_of, output_of
from tinyc.quant.conv_requant import requantize_s8_double
from tinyc.quant.int16 import requantize_s16


def _err(node, g, what: str) -> TinycError:
    return TinycError(what, where(g.source, node.name, node.op))


def geometry(node, g) -> dict:
    x, w = inputs_of(node, g)[:2]
    if len(x.shape) != 4 or x.shape[0] != 1 or len(w.shape) != 4 or w.shape[3] != x.shape[3]:
        raise _err(node, g, f"input {list(x.shape)} and weights {list(w.shape)} are not [1,H,W,Cin] and "
                            "[Cout,KH,KW,Cin]")
    a = node.attrs
    sh, sw = a.get("strides", (1, 1))
    dh, dw = a.get("dilations", (1, 1))
    pt, pl, pb, pr = a.get("pads", (0, 0, 0, 0))
    _, h, wd, cin = x.shape
    cout, kh, kw, _ = w.shape
    if min(sh, sw, dh, dw) < 1 or min(pt, pl) < 0:
        raise _err(node, g, "strides and dilations must be >= 1 and the top/left pads >= 0")
    full_h, full_w = (h - 1) * sh + dh * (kh - 1) + 1, (wd - 1) * sw + dw * (kw - 1) + 1
    oh, ow = full_h - pt - pb, full_w - pl - pr
    if oh < 1 or ow < 1:
        raise _err(node, g, f"pads {(pt, pl, pb, pr)} leave no output of the {full_h}x{full_w} map")
    return dict(h=h, w=wd, cin=cin, cout=cout, kh=kh, kw=kw, sh=sh, sw=sw, dh=dh, dw=dw,
                pt=pt, pl=pl, full_h=full_h, full_w=full_w, oh=oh, ow=ow)


def shape(node, g):
    geo = geometry(node, g)
    return [(1, geo["oh"], geo["ow"], geo["cout"])]


def macs(node, g) -> int:
    geo = geometry(node, g)
    return geo["h"] * geo["w"] * geo["kh"] * geo["kw"] * geo["cin"] * geo["cout"]


def _quant(node, g):
    x, w = inputs_of(node, g)[:2]
    y = output_of(node, g)
    if x.dtype not in ("int8", "int16") or y.dtype != x.dtype or w.dtype != "int8":
        raise _err(node, g, f"transpose conv supports int8 or int16 activations with int8 weights, got "
                            f"{x.dtype} -> {y.dtype} with {w.dtype} weights")
    m0, sh = channel_multipliers(x, w, y, w.shape[0])
    lo, hi = act_range_typed(node, y)
    return x.q.zp(), y.q.zp(), m0, sh, lo, hi


def ref(node, g, x, w, b=None, out_shape=None):
    geo = geometry(node, g)
    x_zp, y_zp, m0, sh, lo, hi = _quant(node, g)
    if out_shape is not None and list(np.asarray(out_shape).reshape(-1)) != [1, geo["oh"], geo["ow"], geo["cout"]]:
        raise _err(node, g, f"output_shape input {np.asarray(out_shape).tolist()} differs from the static shape")
    xs = x[0].astype(np.int64) - x_zp
    wi = w.astype(np.int64)
    rows = max(geo["full_h"], geo["pt"] + geo["oh"])
    cols = max(geo["full_w"], geo["pl"] + geo["ow"])
    full = np.zeros((rows, cols, geo["cout"]), dtype=np.int64)
    for ky in range(geo["kh"]):
        for kx in range(geo["kw"]):
            y0, x0 = ky * geo["dh"], kx * geo["dw"]
            full[y0:y0 + (geo["h"] - 1) * geo["sh"] + 1:geo["sh"],
                 x0:x0 + (geo["w"] - 1) * geo["sw"] + 1:geo["sw"]] += xs @ wi[:, ky, kx, :].T
    acc = full[geo["pt"]:geo["pt"] + geo["oh"], geo["pl"]:geo["pl"] + geo["ow"]]
    if b is not None:
        acc = acc + b.astype(np.int64)
    if x.dtype == np.int16:
        return [requantize_s16(acc, m0, sh, lo, hi)[None]]
    acc = acc.astype(np.int32).astype(np.int64)  # TFLite sums int8 products in int32
    return [requantize_s8_double(acc, m0, sh, y_zp, lo, hi)[None]]


def lower(node, g) -> Call:
    geo = geometry(node, g)
    x_zp, y_zp, m0, sh, lo, hi = _quant(node, g)
    x = inputs_of(node, g)[0]
    params = dict(h=geo["h"], w=geo["w"], cin=geo["cin"], cout=geo["cout"], kh=geo["kh"], kw=geo["kw"],
                  oh=geo["oh"], ow=geo["ow"], stride_h=geo["sh"], stride_w=geo["sw"],
                  dil_h=geo["dh"], dil_w=geo["dw"], pad_top=geo["pt"], pad_left=geo["pl"],
                  input_offset=-x_zp, output_offset=y_zp, act_min=lo, act_max=hi,
                  kernel="tc_transpose_conv_s16" if x.dtype == "int16" else "tc_transpose_conv_s8",
                  check_shape=len(node.inputs) > 3 and bool(node.inputs[3]))
    return Call(template="transpose_conv.j2", node=node.name, inputs=list(node.inputs), outputs=list(node.outputs),
                params=params, arrays=dict(mult=m0, shift=sh))
