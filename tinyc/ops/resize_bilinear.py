"""resize_bilinear: bilinear resize of NHWC int8 (TFLite RESIZE_BILINEAR, reference ResizeBilinearInteger).

Integer arithmetic in 1/1024 units, as TFLite's int8 kernel:
    scale_10 = round(scale * 1024), scale = in / out, or (in - 1) / (out - 1) with align_corners
    v = o * scale_10 (+ scale_10 / 2 - 512 with half_pixel_centers)      (C integer arithmetic)
    lo = max(v / 1024, 0), hi = min((v + 1023) / 1024, in - 1), frac = v - 1024 * lo
    y = (sum of the four corners q times their weights (1024 - frac or frac, per axis) +- 2^19) / 2^20
with C's truncating division. The output keeps the input's QParams (weights sum
to 1). ONNX Resize(mode=linear) maps here: half_pixel / pytorch_half_pixel ->
half_pixel_centers, align_corners -> align_corners, asymmetric -> neither.
The per-row and per-column (lo, hi, frac) are computed here as tables.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, inputs_of


def axis_table(in_size: int, out_size: int, align_corners: bool, half_pixel_centers: bool, scale=None) -> np.ndarray:
    """int32 [out_size, 3]: (lo, hi, frac in 1/1024) per output index along one axis."""
    if align_corners and out_size > 1:
        scale = (in_size - 1) / (out_size - 1)
    elif scale is None or align_corners:
        scale = in_size / out_size
    s10 = int(np.round(np.float32(scale) * np.float32(1 << 10)))
    rows = []
    for o in range(out_size):
        v = o * s10 + (s10 // 2 - (1 << 9) if half_pixel_centers else 0)
        lo = max(int(v / 1024), 0)  # C division truncates toward zero
        hi = min(int((v + 1023) / 1024), in_size - 1)
        rows.append((lo, hi, v - 1024 * lo))
    return np.array(rows, dtype=np.int32).reshape(out_size, 3)


def _attrs(node, g):
    x = inputs_of(node, g)[0]
    loc = where(g.source, node.name, node.op)
    if x.dtype != "int8" or len(x.shape) != 4:
        raise TinycError(f"resize_bilinear supports int8 NHWC tensors, got {x.dtype}{list(x.shape)}", loc)
    size = tuple(int(s) for s in node.attrs.get("size", ()))
    if len(size) != 2 or min(size) < 1:
        raise TinycError(f"size {list(size)} is not a positive (height, width)", loc)
    return x, size


def tables(node, g):
    x, (oh, ow) = _attrs(node, g)
    ac, hp = bool(node.attrs.get("align_corners", False)), bool(node.attrs.get("half_pixel_centers", False))
    sc = node.attrs.get("scale") or (None, None)
    return axis_table(x.shape[1], oh, ac, hp, sc[0]), axis_table(x.shape[2], ow, ac, hp, sc[1])


def shape(node, g):
    x, (oh, ow) = _attrs(node, g)
    return [(x.shape[0], oh, ow, x.shape[3])]


def macs(node, g) -> int:
    return 4 * int(np.prod(shape(node, g)[0]))


def ref(node, g, x, *_):
    ty, tx = tables(node, g)
    xi = x.astype(np.int64)
    y0, y1, fy = ty[:, 0], ty[:, 1], ty[:, 2].astype(np.int64)[None, :, None, None]
    x0, x1, fx = tx[:, 0], tx[:, 1], tx[:, 2].astype(np.int64)[None, None, :, None]
    one = 1 << 10
    acc = (xi[:, y0][:, :, x0] * (one - fy) * (one - fx) + xi[:, y1][:, :, x0] * fy * (one - fx)
           + xi[:, y0][:, :, x1] * (one - fy) * fx + xi[:, y1][:, :, x1] * fy * fx)
    rnd = np.where(acc > 0, 1 << 19, -(1 << 19))
    t = acc + rnd
    q = np.where(t >= 0, t >> 20, -((-t) >> 20))  # truncating division by 2^20
    return [np.clip(q, -128, 127).astype(np.int8)]


def lower(node, g) -> Call:
    x, (oh, ow) = _attrs(node, g)
    ty, tx = tables(node, g)
    return Call(
        template="resize_bilinear_s8.j2", node=node.name,
        inputs=[node.inputs[0]], outputs=list(node.outputs),
        params=dict(in_dims=tuple(x.shape), out_h=oh, out_w=ow),
        arrays=dict(y_table=ty.reshape(-1), x_table=tx.reshape(-1)),
    )
