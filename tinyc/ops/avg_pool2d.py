"""avg_pool2d: rounded mean over each window's in-bounds taps, then the fused clamp (TFLite AVERAGE_POOL_2D, int8 and int16)."""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, act_range_typed, output_of
from tinyc.ops.max_pool2d import check_same_qparams, geometry, pool_call, windows
from tinyc.quant.arith import rounding_div


def counts(geo: dict) -> np.ndarray:
    """In-bounds taps of each output window, shape [oh, ow] (TFLite's filter_count)."""
    def along(size, k, s, pad, out):
        start = np.arange(out) * s - pad
        return np.minimum(start + k, size) - np.maximum(start, 0)
    ch = along(geo["h"], geo["kh"], geo["sh"], geo["pads"][0], geo["oh"])
    cw = along(geo["w"], geo["kw"], geo["sw"], geo["pads"][1], geo["ow"])
    return np.maximum(ch, 0)[:, None] * np.maximum(cw, 0)[None, :]


def checked_geometry(node, g) -> dict:
    """geometry() plus TFLite's rule that no window may lie wholly in padding (it fails with count 0)."""
    geo = geometry(node, g)
    if counts(geo).min() <= 0:
        raise TinycError("an average-pool window lies wholly in the padding (TFLite fails on a zero count)",
                         where(g.source, node.name, node.op))
    return geo


def shape(node, g):
    geo = checked_geometry(node, g)
    return [(geo["n"], geo["oh"], geo["ow"], geo["c"])]


def macs(node, g) -> int:
    """Additions: one per window element per output."""
    geo = geometry(node, g)
    return geo["n"] * geo["oh"] * geo["ow"] * geo["c"] * geo["kh"] * geo["kw"]


def ref(node, g, x):
    """TFLite reference_integer_ops::AveragePool: int32 sum of in-bounds taps, rounding division by their count, clamp."""
    geo = checked_geometry(node, g)
    check_same_qparams(node, g)
    y = output_of(node, g)
    lo, hi = act_range_typed(node, y)
    acc = windows(x, geo, 0).sum(axis=(-2, -1))
    avg = rounding_div(acc, counts(geo)[None, :, :, None])
    return [np.clip(avg, lo, hi).astype(y.dtype)]


def finish(node, g, sums: np.ndarray) -> np.ndarray:
    """The output of a global pool (one unpadded window over the whole map) from the plain integer sums
    per channel, added in any order (a patch stage adds them tile by tile, tinyc.patching.prepass)."""
    geo = checked_geometry(node, g)
    y = output_of(node, g)
    lo, hi = act_range_typed(node, y)
    avg = rounding_div(np.asarray(sums, dtype=np.int64), geo["kh"] * geo["kw"])
    return np.clip(avg, lo, hi).astype(y.dtype).reshape(y.shape)


def lower(node, g) -> Call:
    geo = checked_geometry(node, g)
    check_same_qparams(node, g)
    return pool_call("avg_pool2d_s8.j2", node, g, geo)
