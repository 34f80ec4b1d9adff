"""batch_matmul: y[..., M, N] = x[..., M, K] . w[..., K, N] of two activations (TFLite BATCH_MATMUL).

attrs adj_x / adj_y transpose the last two dims of x / w first. Batch dims
(at most 3 after padding at the front) broadcast as in numpy. int8: int32 sums
of (x - zp_x)(w - zp_w), MultiplyByQuantizedMultiplier (double rounding) with
M = s_x s_w / s_y (the product in float32, as LiteRT), + zp_y, saturated. int16 (16x8, zero points 0): int64
sums and the int64 MBQM (16-bit reduced multiplier), as LiteRT's
reference_ops::BatchMatMul<int16_t, int64_t>. Kernels tc_batch_matmul_s8/_s16.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, act_range, output_of
from tinyc.quant.fixedpoint import mbqm_double, quantize_multiplier
from tinyc.quant.int16 import S16_MAX, S16_MIN, act_range_s16, mbqm_int64

MAX_BATCH_DIMS = 3


def _io(node, g):
    x, w = (g.tensors[n] for n in node.inputs[:2])
    y = output_of(node, g)
    loc = where(g.source, node.name, node.op)
    if len(x.shape) < 2 or len(w.shape) < 2:
        raise TinycError(f"batch_matmul needs rank >= 2 inputs, got {list(x.shape)} and {list(w.shape)}", loc)
    if len({x.dtype, w.dtype, y.dtype}) != 1 or x.dtype not in ("int8", "int16"):
        raise TinycError(f"batch_matmul needs int8 or int16 inputs and output of one dtype, got "
                         f"{x.dtype}, {w.dtype} -> {y.dtype}", loc)
    return x, w, y, loc


def _mkn(node, g):
    """(batch shape, M, K, N) after adj_x / adj_y; TinycError when the shapes do not fit."""
    x, w, _, loc = _io(node, g)
    m, k = x.shape[-2:][::-1] if node.attrs.get("adj_x") else x.shape[-2:]
    k2, n = w.shape[-2:][::-1] if node.attrs.get("adj_y") else w.shape[-2:]
    if k != k2:
        raise TinycError(f"batch_matmul inner dims differ: {list(x.shape)} x {list(w.shape)}", loc)
    try:
        batch = tuple(int(d) for d in np.broadcast_shapes(x.shape[:-2], w.shape[:-2]))
    except ValueError:
        raise TinycError(f"batch dims of {list(x.shape)} and {list(w.shape)} do not broadcast", loc) from None
    if len(batch) > MAX_BATCH_DIMS:
        raise TinycError(f"batch_matmul supports at most {MAX_BATCH_DIMS} batch dims, got {len(batch)}", loc)
    return batch, int(m), int(k), int(n)


def _quant(node, g):
    x, w, y, _ = _io(node, g)
    # LiteRT's Prepare multiplies the two float32 scales in float32, then divides in double: a double
    # product differs in ~1 of 45,000 int8 outputs (tests/vit/test_vit_ops.py sweep)
    prod = np.float32(np.float32(x.q.s()) * np.float32(w.q.s()))
    m0, sh = quantize_multiplier(float(prod) / float(np.float32(y.q.s())))
    if y.dtype == "int16":
        lo, hi = act_range_s16(node, y)
    else:
        lo, hi = act_range(node, y)
    return x.q.zp(), w.q.zp(), y.q.zp(), m0, sh, lo, hi


def shape(node, g):
    batch, m, _, n = _mkn(node, g)
    return [(*batch, m, n)]


def macs(node, g) -> int:
    batch, m, k, n = _mkn(node, g)
    return int(np.prod(batch, dtype=np.int64)) * m * k * n


def ref(node, g, x, w):
    x_zp, w_zp, y_zp, m0, sh, lo, hi = _quant(node, g)
    a = x.astype(np.int64) - x_zp
    b = w.astype(np.int64) - w_zp
    if node.attrs.get("adj_x"):
        a = np.swapaxes(a, -1, -2)
    if node.attrs.get("adj_y"):
        b = np.swapaxes(b, -1, -2)
    acc = np.matmul(a, b)
    if x.dtype == np.int16:
        y = mbqm_int64(acc, m0, sh)
        return [np.clip(y, max(lo, S16_MIN), min(hi, S16_MAX)).astype(np.int16)]
    y = mbqm_double(acc, m0, sh) + y_zp
    return [np.clip(y, lo, hi).astype(np.int8)]


def _batch_strides(shape, batch) -> list[int]:
    """Element strides of each of the 3 (front-padded) batch dims of `shape`; 0 where broadcast."""
    mat = int(shape[-1]) * int(shape[-2])
    dims = (1,) * (MAX_BATCH_DIMS - (len(shape) - 2)) + tuple(shape[:-2])
    full = (1,) * (MAX_BATCH_DIMS - len(batch)) + tuple(batch)
    strides, s = [0] * MAX_BATCH_DIMS, mat
    for i in reversed(range(MAX_BATCH_DIMS)):
        strides[i] = s if dims[i] == full[i] and full[i] > 1 else 0
        s *= dims[i]
    return strides


def lower(node, g) -> Call:
    x, w, y, _ = _io(node, g)
    batch, m, k, n = _mkn(node, g)
    x_zp, w_zp, y_zp, m0, sh, lo, hi = _quant(node, g)
    adj_x, adj_y = bool(node.attrs.get("adj_x")), bool(node.attrs.get("adj_y"))
    full = (1,) * (MAX_BATCH_DIMS - len(batch)) + batch
    params = dict(
        lhs_offset=-x_zp, rhs_offset=-w_zp, output_offset=y_zp, multiplier=m0, shift=sh, act_min=lo, act_max=hi,
        batch=list(full), lhs_bstride=_batch_strides(x.shape, batch), rhs_bstride=_batch_strides(w.shape, batch),
        rows=m, cols=n, depth=k,
        lhs_rstride=1 if adj_x else k, lhs_kstride=m if adj_x else 1,
        rhs_kstride=1 if adj_y else n, rhs_cstride=k if adj_y else 1,
        dtype="s16" if y.dtype == "int16" else "s8")
    return Call(template="batch_matmul.j2", node=node.name, inputs=list(node.inputs[:2]),
                outputs=list(node.outputs), params=params)
