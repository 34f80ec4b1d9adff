"""strided_slice: a strided box of the input (TFLite STRIDED_SLICE, ONNX Slice / Split / Gather-const).

attrs begin, size, strides (one int per input dim, already resolved by the
frontend: masks applied, negative indices wrapped, clamped). Element j along
dim i reads input index begin[i] + j * strides[i]; strides may be negative.
The output holds prod(size) elements in row-major order; its shape is `size`
with some unit dims dropped (TFLite shrink_axis_mask, ONNX Gather with a scalar
index) -- that is a reshape and costs nothing. Any dtype: the values are
copied, never requantized (TFLite requires equal input and output QParams).
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, inputs_of, output_of

_ELEM_BYTES = {"int8": 1, "int16": 2, "int32": 4, "float32": 4}  # one data-movement kernel, tc_strided_slice


def box(node, g) -> tuple[list[int], list[int], list[int]]:
    """(begin, size, strides), checked against the input shape."""
    x = inputs_of(node, g)[0]
    a = node.attrs
    begin, size, strides = (list(int(v) for v in a[k]) for k in ("begin", "size", "strides"))
    loc = where(g.source, node.name, node.op)
    if not len(begin) == len(size) == len(strides) == len(x.shape):
        raise TinycError(f"begin/size/strides {begin}/{size}/{strides} do not match rank {len(x.shape)}", loc)
    y = output_of(node, g)
    if y.dtype != x.dtype or (x.q is None) != (y.q is None) or \
            (x.q is not None and (x.q.s() != y.q.s() or x.q.zp() != y.q.zp())):
        raise TinycError(f"strided slice copies values: input and output need the same dtype and QParams, got "
                         f"{x.dtype} {x.q!r} and {y.dtype} {y.q!r}", loc)
    for d, b, n, s in zip(x.shape, begin, size, strides):
        if s == 0 or n < 0 or (n > 0 and not (0 <= b < d and 0 <= b + (n - 1) * s < d)):
            raise TinycError(f"slice begin {begin}, size {size}, strides {strides} leaves the input {list(x.shape)}",
                             loc)
    return begin, size, strides


def shape(node, g):
    _, size, _ = box(node, g)
    y = output_of(node, g)
    if int(np.prod(y.shape, dtype=np.int64)) == int(np.prod(size, dtype=np.int64)) and y.shape:
        return [tuple(y.shape)]
    return [tuple(size)]


def macs(node, g) -> int:
    return 0


def ref(node, g, x):
    begin, size, strides = box(node, g)
    idx = tuple(np.arange(n, dtype=np.int64) * s + b for b, n, s in zip(begin, size, strides))
    out = x[np.ix_(*idx)] if idx else x
    return [out.reshape(output_of(node, g).shape)]


def collapse(shape, begin, size, strides):
    """Fewer dims for the same walk: unit dims go, and a dim taken whole (begin 0, stride 1, full size)
    merges into a stride-1 dim before it. Padded at the front to rank 6 (TC_SLICE_DIMS) as
    (in_dims, begin, size, strides); None when more than 6 dims remain."""
    dims: list[list[int]] = []
    for d, b, n, s in zip(shape, begin, size, strides):
        if d == 1 and n == 1:
            continue
        if dims and (b, n, s) == (0, d, 1) and dims[-1][3] == 1:
            pd, pb, pn, _ = dims[-1]
            dims[-1] = [pd * d, pb * d, pn * d, 1]
        else:
            dims.append([int(d), int(b), int(n), int(s)])
    if len(dims) > 6:
        return None
    dims = [[1, 0, 1, 1]] * (6 - len(dims)) + dims
    return [list(t) for t in zip(*dims)]


def lower(node, g) -> Call:
    x = inputs_of(node, g)[0]
    begin, size, strides = box(node, g)
    plan = collapse(x.shape, begin, size, strides)
    if plan is None:
        raise TinycError(f"strided slice of a rank-{len(x.shape)} tensor needs more than 6 dims after merging whole "
                         "dims", where(g.source, node.name, node.op))
    if x.dtype not in _ELEM_BYTES:
        raise TinycError(f"strided slice of {x.dtype} tensors has no kernel (supported: int8, int16, int32, float32)",
                         where(g.source, node.name, node.op))
    in_dims, b, n, s = plan
    return Call(template="strided_slice.j2", node=node.name, inputs=[x.name], outputs=list(node.outputs),
                params=dict(elem_bytes=_ELEM_BYTES[x.dtype], in_dims=in_dims, begin=b, size=n, strides=s))
