"""softmax over the last axis, int8: TFLite SOFTMAX as LiteRT's BUILTIN_REF computes it.

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
from tinyc.quant.gemmlowp import softmax_exp_table, softmax_rows_s8

MAX_DEPTH = 4095  # the Q12.19 sum of exps must fit in int32


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
    table, rows, depth = _check(node, g)
    return [softmax_rows_s8(np.asarray(x).reshape(rows, depth), table).reshape(np.shape(x))]


def lower(node, g) -> Call:
    table, rows, depth = _check(node, g)
    x, y = node.inputs[0], node.outputs[0]
    return Call(template="softmax_s8.j2", node=node.name, inputs=[x], outputs=[y],
                params=dict(rows=rows, depth=depth), arrays=dict(exp_table=table), inplace=(x, y))
