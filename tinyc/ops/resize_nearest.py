"""resize_nearest: nearest-neighbour resize of NHWC int8 (TFLite RESIZE_NEAREST_NEIGHBOR).

The source row/column of every output row/column follows TFLite's
GetNearestNeighbor in float32: scale = in / out (or (in - 1) / (out - 1)
with align_corners), offset 0.5 with half_pixel_centers, then round
(align_corners) or floor, clamped to [0, in - 1]. The indices are computed
here once and handed to the kernel as tables.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, inputs_of
from tinyc.quant.affine import roundf


def nearest_index(in_size: int, out_size: int, align_corners: bool, half_pixel_centers: bool) -> np.ndarray:
    """int32 source index for each of out_size outputs along one axis."""
    f32 = np.float32
    if align_corners and out_size > 1:
        scale = f32(in_size - 1) / f32(out_size - 1)
    else:
        scale = f32(in_size) / f32(out_size)
    offset = f32(0.5) if half_pixel_centers else f32(0.0)
    v = ((np.arange(out_size).astype(np.float32) + offset) * scale).astype(np.float32)
    idx = roundf(v) if align_corners else np.floor(v)
    idx = np.minimum(idx.astype(np.int64), in_size - 1)
    if half_pixel_centers:
        idx = np.maximum(idx, 0)
    return idx.astype(np.int32)


def _attrs(node, g):
    x = inputs_of(node, g)[0]
    loc = where(g.source, node.name, node.op)
    if x.dtype != "int8" or len(x.shape) != 4:
        raise TinycError(f"resize_nearest supports int8 NHWC tensors, got {x.dtype}{list(x.shape)}", loc)
    size = tuple(int(s) for s in node.attrs.get("size", ()))
    if len(size) != 2 or min(size) < 1:
        raise TinycError(f"size {list(size)} is not a positive (height, width)", loc)
    return x, size, bool(node.attrs.get("align_corners", False)), bool(node.attrs.get("half_pixel_centers", False))


def _tables(node, g):
    x, (oh, ow), ac, hp = _attrs(node, g)
    return nearest_index(x.shape[1], oh, ac, hp), nearest_index(x.shape[2], ow, ac, hp)


def shape(node, g):
    x, (oh, ow), _, _ = _attrs(node, g)
    return [(x.shape[0], oh, ow, x.shape[3])]


def macs(node, g) -> int:
    return 0


def ref(node, g, x, *_):
    ys, xs = _tables(node, g)
    return [x[:, ys][:, :, xs].astype(np.int8)]


def lower(node, g) -> Call:
    x, (oh, ow), _, _ = _attrs(node, g)
    ys, xs = _tables(node, g)
    return Call(
        template="resize_nearest_s8.j2", node=node.name,
        inputs=[node.inputs[0]], outputs=list(node.outputs),
        params=dict(in_dims=tuple(x.shape), out_h=oh, out_w=ow),
        arrays=dict(y_index=ys, x_index=xs),
    )
