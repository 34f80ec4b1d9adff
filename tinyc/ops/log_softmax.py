"""log_softmax over the last axis, int8: TFLite LOG_SOFTMAX as LiteRT's BUILTIN_REF computes it.

reference_integer_ops::LogSoftmax in gemmlowp fixed point: each row-max
difference d is scaled by beta * s_in into Q5.26 and exponentiated, the exps
are summed in Q12.19, ln of the sum is taken in Q5.26
(log_x_for_x_greater_than_or_equal_to_1) and subtracted from the scaled d; the
result goes to the output (scale 16/256, zero point 127, which TFLite
requires). Differences too far below the max (d <= max(diff_min - 1, the
range the Q5.26 subtraction can hold)) give -128. The scaled d and its exp
only depend on d in [-255, 0], so tinyc computes both 256-entry tables at
compile time (tinyc.quant.gemmlowp); tc_log_softmax_s8 does the per-row part.
TFLite fixes beta = 1; tinyc accepts any beta > 0 and folds it into the scale.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops import float_island
from tinyc.ops.common import Call, output_of
from tinyc.quant.gemmlowp import log_softmax_params, log_softmax_rows_s8, log_softmax_tables

MAX_DEPTH = 4095  # the Q12.19 sum of exps must fit in int32
OUT_SCALE, OUT_ZP = 16 / 256, 127


def _check(node, g):
    """(params, (diff_q5, exp_q12) tables, rows, depth) after validating the node."""
    x, y = g.tensors[node.inputs[0]], output_of(node, g)
    loc = where(g.source, node.name, node.op)
    if x.dtype != "int8" or y.dtype != "int8" or x.q is None or y.q is None:
        raise TinycError(f"int8 log_softmax needs quantized int8 input and output, got {x.dtype} -> {y.dtype}", loc)
    if y.q.zp() != OUT_ZP or abs(y.q.s() - OUT_SCALE) > 0.001 * OUT_SCALE:
        raise TinycError(f"int8 log_softmax output must have scale 16/256 and zero point 127 (TFLite), got {y.q!r}",
                         loc)
    if len(x.shape) < 1 or not 1 <= x.shape[-1] <= MAX_DEPTH:
        raise TinycError(f"log_softmax needs a last axis of 1..{MAX_DEPTH} elements, got shape {list(x.shape)}", loc)
    beta = float(node.attrs.get("beta", 1.0))
    if not np.isfinite(beta) or beta <= 0:
        raise TinycError(f"log_softmax beta must be finite and > 0, got {beta}", loc)
    try:
        params = log_softmax_params(beta, x.q.s())
    except ValueError as e:
        raise TinycError(str(e), loc) from None
    depth = x.shape[-1]
    return params, log_softmax_tables(params), x.size // depth, depth


def shape(node, g):
    return [tuple(g.tensors[node.inputs[0]].shape)]


def macs(node, g) -> int:
    return 0


def ref(node, g, x):
    if float_island.is_float(node, g):
        return [float_island.log_softmax_f32(x)]
    params, tables, rows, depth = _check(node, g)
    return [log_softmax_rows_s8(np.asarray(x).reshape(rows, depth), params, *tables).reshape(np.shape(x))]


def lower(node, g) -> Call:
    if float_island.is_float(node, g):
        return float_island.lower_call(node, g, "tc_log_softmax_f32")
    params, (diff_q5, exp_q12), rows, depth = _check(node, g)
    x, y = node.inputs[0], node.outputs[0]
    scalars = {k: params[k] for k in ("reverse_mult", "reverse_shift", "diff_min")}
    return Call(template="log_softmax_s8.j2", node=node.name, inputs=[x], outputs=[y],
                params=dict(rows=rows, depth=depth, **scalars),
                arrays=dict(diff_q5=diff_q5, exp_q12=exp_q12), inplace=(x, y))
