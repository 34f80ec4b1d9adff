"""TFLite converters for the data-movement ops: slicing, padding, reshapes, concatenation, transposes,
resizing and gathers (no arithmetic on values; quantization passes through).
"""
from __future__ import annotations

import numpy as np

from tinyc.frontend.tflite_context import norm_axis
from tinyc.ir import Node


def STRIDED_SLICE(cx) -> Node:
    shape = cx.in_shape(0)
    rank = len(shape)
    begin, end, strides = (cx.param(i).reshape(-1) for i in (1, 2, 3))
    if not len(begin) == len(end) == len(strides) == rank:
        cx.fail(f"begin/end/strides {begin.tolist()}/{end.tolist()}/{strides.tolist()} do not match rank {rank}")
    if cx.opts.get("EllipsisMask", 0) or cx.opts.get("NewAxisMask", 0):
        cx.fail("ellipsis_mask and new_axis_mask are not supported")
    if (strides == 0).any():
        cx.fail(f"strides {strides.tolist()} hold a zero")
    if cx.opts.get("Offset", False):
        end = begin + end
    bmask, emask, smask = (cx.opts.get(k, 0) for k in ("BeginMask", "EndMask", "ShrinkAxisMask"))
    b_out, n_out, out_shape = [], [], []
    for i, d in enumerate(shape):
        start, stop, n = slice_axis(d, int(begin[i]), int(end[i]), int(strides[i]),
                                    bool(bmask >> i & 1), bool(emask >> i & 1), bool(smask >> i & 1))
        b_out.append(start if n else 0)
        n_out.append(n)
        if not smask >> i & 1:
            out_shape.append(n)
    y = cx.out_shape(0)
    if int(np.prod(y, dtype=np.int64)) != int(np.prod(n_out, dtype=np.int64)) or \
            [v for v in y if v != 1] != [v for v in out_shape if v != 1]:
        cx.fail(f"output shape {list(y)} does not match the slice's shape {out_shape}")
    return cx.node("strided_slice", [cx.x(0)], begin=tuple(b_out), size=tuple(n_out),
                   strides=tuple(int(s) for s in strides))


def slice_axis(dim: int, begin: int, end: int, stride: int, begin_masked: bool, end_masked: bool,
               shrink: bool) -> tuple[int, int, int]:
    """TFLite's StartForAxis / StopForAxis for one axis: (start, stop, element count)."""
    big = 1 << 40
    start = (-big if stride > 0 else big) if begin_masked else begin
    start = start + dim if start < 0 else start
    start = min(max(start, 0), dim) if stride > 0 else min(max(start, -1), dim - 1)
    if shrink:
        return start, start + 1, 1 if 0 <= start < dim else 0
    stop = (big if stride > 0 else -big) if end_masked else end
    stop = stop + dim if stop < 0 else stop
    stop = min(max(stop, 0), dim) if stride > 0 else min(max(stop, -1), dim - 1)
    n = -(-(stop - start) // stride) if stride > 0 else -(-(start - stop) // -stride)
    return start, stop, max(0, n)


def _split(cx, x: int, axis: int, sizes: list[int], drop_axis: bool = False) -> list[Node]:
    """One strided_slice node per output: consecutive pieces of `sizes` along `axis` of input x."""
    shape = cx.in_shape(x)
    if len(sizes) != len(cx.op.outputs) or sum(sizes) != shape[axis] or min(sizes) < 0:
        cx.fail(f"{len(cx.op.outputs)} outputs of sizes {sizes} do not split dim {axis} of {list(shape)}")
    nodes, start = [], 0
    for k, n in enumerate(sizes):
        begin = [start if i == axis else 0 for i in range(len(shape))]
        size = [n if i == axis else d for i, d in enumerate(shape)]
        want = [d for i, d in enumerate(size) if not (drop_axis and i == axis)]
        if list(cx.out_shape(k)) != want:
            cx.fail(f"output {k} has shape {list(cx.out_shape(k))}, expected {want}")
        nodes.append(cx.node_for_output(k, "strided_slice", [cx.x(x)], begin=tuple(begin), size=tuple(size),
                                        strides=(1,) * len(shape)))
        start += n
    return nodes


def SPLIT(cx) -> list[Node]:
    rank = len(cx.in_shape(1))
    axis = norm_axis(cx, int(cx.param(0).reshape(-1)[0]), rank)
    n = cx.opts.get("NumSplits", len(cx.op.outputs)) or len(cx.op.outputs)
    d = cx.in_shape(1)[axis]
    if n < 1 or d % n:
        cx.fail(f"dim {axis} of size {d} does not split into {n} equal parts")
    return _split(cx, 1, axis, [d // n] * n)


def SPLIT_V(cx) -> list[Node]:
    rank = len(cx.in_shape(0))
    axis = norm_axis(cx, int(cx.param(2).reshape(-1)[0]), rank)
    sizes = [int(v) for v in cx.param(1).reshape(-1)]
    if sizes.count(-1) == 1:
        sizes[sizes.index(-1)] = cx.in_shape(0)[axis] - (sum(sizes) + 1)
    return _split(cx, 0, axis, sizes)


def UNPACK(cx) -> list[Node]:
    shape = cx.in_shape(0)
    axis = norm_axis(cx, cx.opts.get("Axis", 0), len(shape))
    return _split(cx, 0, axis, [1] * shape[axis], drop_axis=True)


def PAD(cx) -> Node:
    rank = len(cx.in_shape(0))
    pads = cx.param(1)
    if pads.shape != (rank, 2) or (pads < 0).any():
        cx.fail(f"paddings {pads.tolist()} are not non-negative (before, after) pairs for rank {rank}")
    value = cx.real_scalar(2) if cx.n_inputs() > 2 else 0.0
    return cx.node("pad", [cx.x(0)], pads=tuple((int(a), int(b)) for a, b in pads), value=value)


PADV2 = PAD


def RESHAPE(cx) -> Node:
    return cx.node("reshape", [cx.x(0)])


SQUEEZE = RESHAPE
EXPAND_DIMS = RESHAPE


def SHAPE(cx) -> Node:
    cx.fail("SHAPE whose result is not folded to a constant (it feeds more than shape arithmetic) is not "
            "supported")


def PACK(cx) -> Node:
    cx.fail("PACK of activations is not supported (PACK of constant shape values is folded)")


def CONCATENATION(cx) -> Node:
    if cx.opts.get("FusedActivationFunction", 0) != 0:
        cx.fail("a fused activation on CONCATENATION is not supported")
    axis = norm_axis(cx, cx.opts.get("Axis", 0), len(cx.out_shape(0)))
    return cx.node("concat", [cx.x(i) for i in range(cx.n_inputs())], axis=axis)


def TRANSPOSE(cx) -> Node:
    rank = len(cx.in_shape(0))
    perm = tuple(norm_axis(cx, int(p), rank) for p in cx.param(1).reshape(-1))
    if sorted(perm) != list(range(rank)):
        cx.fail(f"perm {list(perm)} is not a permutation of {rank} axes")
    return cx.node("transpose", [cx.x(0)], perm=perm)


def _resize(cx, op: str) -> Node:
    """RESIZE_NEAREST_NEIGHBOR / RESIZE_BILINEAR: a constant (height, width) and the two flags."""
    cx.need_rank(0, 4)
    size = tuple(int(s) for s in cx.param(1).reshape(-1))
    if len(size) != 2 or min(size) < 1:
        cx.fail(f"size {list(size)} is not a positive (height, width)")
    return cx.node(op, [cx.x(0)], size=size,
                   align_corners=bool(cx.opts.get("AlignCorners", False)),
                   half_pixel_centers=bool(cx.opts.get("HalfPixelCenters", False)))


def RESIZE_NEAREST_NEIGHBOR(cx) -> Node:
    return _resize(cx, "resize_nearest")


def RESIZE_BILINEAR(cx) -> Node:
    return _resize(cx, "resize_bilinear")


def GATHER(cx) -> Node:
    if cx.opts.get("BatchDims", 0) != 0:
        cx.fail(f"batch_dims {cx.opts.get('BatchDims')} is not supported (only 0)")
    if not cx.b.is_const(cx._index(1), cx.loc):
        cx.fail("input 1 (indices) is not a constant; tinyc supports constant indices only")
    axis = norm_axis(cx, cx.opts.get("Axis", 0), len(cx.in_shape(0)))
    ind = cx.param(1)
    return cx.node("gather", [cx.x(0)], axis=axis, indices=tuple(int(i) for i in ind.reshape(-1)),
                   indices_shape=tuple(ind.shape))


def TILE(cx) -> list[Node]:
    """TILE as one constant-index gather per tiled axis (indices 0..d-1 repeated m times): a pure copy, so
    quantization passes through. Keras' nearest UpSampling2D converts to EXPAND_DIMS, TILE, RESHAPE."""
    from tinyc.ir import Tensor
    shape = list(cx.in_shape(0))
    mult = [int(m) for m in cx.param(1).reshape(-1)]
    if len(mult) != len(shape) or min(mult, default=1) < 1:
        cx.fail(f"multiples {mult} are not positive counts for the {len(shape)} axes of {shape}")
    axes = [i for i, m in enumerate(mult) if m > 1]
    if not axes:
        return [cx.node("reshape", [cx.x(0)])]
    g, src, nodes = cx.b.g, cx.x(0), []
    for k, axis in enumerate(axes):
        ind = tuple(int(i) for i in np.tile(np.arange(shape[axis]), mult[axis]))
        shape[axis] *= mult[axis]
        attrs = dict(axis=axis, indices=ind, indices_shape=(len(ind),))
        if k == len(axes) - 1:
            nodes.append(cx.node("gather", [src], **attrs))
        else:
            t = g.tensors[src]
            mid = g.unique_name(f"{cx.node_name}_axis{axis}")
            g.add_tensor(Tensor(mid, tuple(shape), t.dtype, None, t.q))
            nodes.append(Node("gather", f"{cx.node_name}_{k}", [src], [mid], attrs))
            src = mid
    return nodes
