"""mean: average over `axes` with requantization (TFLite MEAN, int8, reference QuantizedMeanOrSum).

TFLite's reference path: int32 sum over the reduced elements, minus
zp_in * count, then MultiplyByQuantizedMultiplier with s_in/s_out whose
M0 and shift absorb 1/count, plus zp_out, saturated to int8.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import SUFFIX, Call, act_range_typed, check_int_io, output_of
from tinyc.quant.arith import mean_multiplier
from tinyc.quant.fixedpoint import mbqm_double


def _axes(node, g) -> tuple[int, ...]:
    """Sorted, de-duplicated, non-negative axes; TinycError when one is out of range."""
    rank = len(g.tensors[node.inputs[0]].shape)
    out = set()
    for a in node.attrs.get("axes", ()):
        a = int(a)
        if not -rank <= a < rank:
            raise TinycError(f"mean axis {a} is out of range for rank {rank}", where(g.source, node.name, node.op))
        out.add(a % rank)
    return tuple(sorted(out))


def _count(node, g) -> int:
    x = g.tensors[node.inputs[0]]
    return int(np.prod([x.shape[a] for a in _axes(node, g)], dtype=np.int64))


def _quant(node, g):
    """(zp_in, zp_out, M0, shift, act_min, act_max) with 1/count folded into (M0, shift)."""
    check_int_io(node, g)
    x = g.tensors[node.inputs[0]]
    y = output_of(node, g)
    m0, sh = mean_multiplier(x.q.s(), y.q.s(), _count(node, g))
    lo, hi = act_range_typed(node, y)
    return x.q.zp(), y.q.zp(), m0, sh, lo, hi


def shape(node, g):
    x = g.tensors[node.inputs[0]]
    axes = _axes(node, g)
    if node.attrs.get("keepdims", True):
        return [tuple(1 if i in axes else d for i, d in enumerate(x.shape))]
    return [tuple(d for i, d in enumerate(x.shape) if i not in axes)]


def macs(node, g) -> int:
    """Additions: one per input element."""
    return g.tensors[node.inputs[0]].size


def ref(node, g, x):
    """Sum over axes, subtract zp_in * count, requantize with the count-adjusted multiplier, add zp_out, saturate."""
    return [finish(node, g, x.astype(np.int64).sum(axis=_axes(node, g), keepdims=True))]


def finish(node, g, sums: np.ndarray) -> np.ndarray:
    """The output from the plain integer sums over the reduced axes (any order of summation gives
    the same sums: a patch stage adds them tile by tile, tinyc.patching.prepass)."""
    x_zp, y_zp, m0, sh, lo, hi = _quant(node, g)
    acc = np.asarray(sums, dtype=np.int64) - x_zp * _count(node, g)
    y = mbqm_double(acc, m0, sh) + y_zp
    return np.clip(y, lo, hi).astype(output_of(node, g).dtype).reshape(shape(node, g)[0])


def lower(node, g) -> Call:
    """One tc_mean_s8 call over [outer, reduce, inner]: the axes must be contiguous."""
    x = g.tensors[node.inputs[0]]
    axes = _axes(node, g)
    if axes and axes != tuple(range(axes[0], axes[-1] + 1)):
        raise TinycError(f"mean over non-contiguous axes {axes} has no C kernel",
                         where(g.source, node.name, node.op))
    first, last = (axes[0], axes[-1] + 1) if axes else (len(x.shape), len(x.shape))
    outer = int(np.prod(x.shape[:first], dtype=np.int64))
    reduce = int(np.prod(x.shape[first:last], dtype=np.int64))
    inner = int(np.prod(x.shape[last:], dtype=np.int64))
    x_zp, y_zp, m0, sh, lo, hi = _quant(node, g)
    return Call(
        template="mean_s8.j2", node=node.name,
        inputs=[node.inputs[0]], outputs=list(node.outputs),
        params=dict(outer=outer, reduce=reduce, inner=inner, input_offset=-x_zp, output_offset=y_zp,
                    multiplier=m0, shift=sh, act_min=lo, act_max=hi,
                    kernel=f"tc_mean_{SUFFIX[x.dtype]}"),
    )
