"""softmax over the last axis, int8 (and int16, see tinyc.quant.softmax16): TFLite SOFTMAX as LiteRT's
BUILTIN_REF computes it.

reference_ops::Softmax in gemmlowp fixed point: each row-max difference d is
scaled by beta * s_in into Q5.26 and exponentiated (exp_on_negative_values),
the exps are summed in Q12.19, the sum's reciprocal is taken in fixed point
and each exp is rescaled to the output (scale 1/256, zero point -128, which
TFLite requires). The exp only depends on d in [-255, 0], so tinyc computes
those 256 values at compile time (tinyc.quant.gemmlowp); tc_softmax_s8 does
the per-row part. LiteRT aborts when a row's exp sum reaches 512; tinyc
outputs -128 (probability 0) for such elements.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, output_of
from tinyc.ops import float_island
from tinyc.quant import softmax16
from tinyc.quant.gemmlowp import softmax_exp_table, softmax_rows_s8

MAX_DEPTH = 4095  # the Q12.19 sum of exps must fit in int32


def _check16(node, g):
    """int16 (16x8): ((M0, shift), rows, depth) after validating the node (tinyc.quant.softmax16)."""
    x, y = g.tensors[node.inputs[0]], output_of(node, g)
    loc = where(g.source, node.name, node.op)
    if x.q is None or y.q is None or x.q.zp() != 0 or y.q.zp() != 0 or abs(y.q.s() - 1 / 32768) > 1e-3 / 32768:
        raise TinycError(f"int16 softmax needs zero points 0 and output scale 1/32768 (TFLite), got {x.q!r} -> {y.q!r}",
                         loc)
    depth = x.shape[-1] if x.shape else 0
    if not 1 <= depth <= 65535:
        raise TinycError(f"softmax needs a last axis of 1..65535 elements, got shape {list(x.shape)}", loc)
    return softmax16.input_multiplier(x.q.s(), float(node.attrs.get("beta", 1.0))), x.size // depth, depth


def _is16(node, g) -> bool:
    return g.tensors[node.inputs[0]].dtype == "int16" and output_of(node, g).dtype == "int16"


def _check(node, g):
    """(exp table, rows, depth) after validating the node."""
    x, y = g.tensors[node.inputs[0]], output_of(node, g)
    loc = where(g.source, node.name, node.op)
    if x.dtype != "int8" or y.dtype != "int8" or x.q is None or y.q is None:
        raise TinycError(f"int8 softmax needs quantized int8 input and output, got {x.dtype} -> {y.dtype}", loc)
    if y.q.zp() != -128 or abs(y.q.s() - 1 / 256) > 0.001 / 256:
        raise TinycError(f"int8 softmax output must have scale 1/256 and zero point -128 (TFLite), got {y.q!r}", loc)
    if len(x.shape) < 1 or not 1 <= x.shape[-1] <= MAX_DEPTH:
        raise TinycError(f"softmax needs a last axis of 1..{MAX_DEPTH} elements, got shape {list(x.shape)}", loc)
    beta = float(node.attrs.get("beta", 1.0))
    if not np.isfinite(beta) or beta <= 0:
        raise TinycError(f"softmax beta must be finite and > 0, got {beta}", loc)
    try:
        table = softmax_exp_table(beta, x.q.s())
    except ValueError as e:
        raise TinycError(str(e), loc) from None
    depth = x.shape[-1]
    return table, x.size // depth, depth


def shape(node, g):
    return [tuple(g.tensors[node.inputs[0]].shape)]


def macs(node, g) -> int:
    return 0


def ref(node, g, x):
    if float_island.is_float(node, g):
        return [float_island.softmax_f32(x, float(node.attrs.get("beta", 1.0)))]
    if _is16(node, g):
        (m0, sh), rows, depth = _check16(node, g)
        y = softmax16.softmax_rows_s16(np.asarray(x).reshape(rows, depth), m0, sh, softmax16.exp_lut(),
                                       softmax16.recip_lut())
        return [y.reshape(np.shape(x))]
    table, rows, depth = _check(node, g)
    return [softmax_rows_s8(np.asarray(x).reshape(rows, depth), table).reshape(np.shape(x))]


def lower(node, g) -> Call:
    x, y = node.inputs[0], node.outputs[0]
    if float_island.is_float(node, g):
        return float_island.lower_call(node, g, "tc_softmax_f32", float(node.attrs.get("beta", 1.0)))
    if _is16(node, g):
        (m0, sh), rows, depth = _check16(node, g)
        return Call(template="softmax_s16.j2", node=node.name, inputs=[x], outputs=[y],
                    params=dict(rows=rows, depth=depth, input_multiplier=m0, input_shift=sh),
                    arrays=dict(exp_lut=softmax16.exp_lut(), recip_lut=softmax16.recip_lut()), inplace=(x, y))
    table, rows, depth = _check(node, g)
    return Call(template="softmax_s8.j2", node=node.name, inputs=[x], outputs=[y],
                params=dict(rows=rows, depth=depth), arrays=dict(exp_table=table), inplace=(x, y))
