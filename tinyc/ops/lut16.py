"""Shared parts of int16 unary ops computed through interpolated tables: gelu and rsqrt in 16x8
through LiteRT's 513-entry table (LUTPopulate<int16_t> / LUTLookup, kernel tc_lut_interp_s16), and
tanh and logistic in 16x8 through the 256-entry sigmoid table (tinyc.quant.sigmoid16, kernels
tc_tanh_s16 / tc_logistic_s16). All run in place."""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call
from tinyc.quant import sigmoid16
from tinyc.quant.softmax16 import lut_lookup


def s16_io(node, g):
    """(input, output): int16 with zero points 0 (TFLite 16x8), or a TinycError naming the node."""
    x, y = g.tensors[node.inputs[0]], g.tensors[node.outputs[0]]
    if y.dtype != "int16" or x.q is None or y.q is None or x.q.zp() != 0 or y.q.zp() != 0:
        raise TinycError(f"int16 {node.op} needs int16 input and output with zero points 0",
                         where(g.source, node.name, node.op))
    return x, y


def lut16_ref(table: np.ndarray, x: np.ndarray) -> list[np.ndarray]:
    return [lut_lookup(np.asarray(x, dtype=np.int64), table).astype(np.int16)]


def lut16_call(node, g, table: np.ndarray) -> Call:
    x, y = node.inputs[0], node.outputs[0]
    return Call(template="lut_interp_s16.j2", node=node.name, inputs=[x], outputs=[y],
                params=dict(size=g.tensors[x].size), arrays=dict(table=np.asarray(table, dtype=np.int16)),
                inplace=(x, y))


def sigmoid16_params(node, g, op: str) -> tuple[int, int]:
    """(multiplier, shift) for int16 TANH / LOGISTIC (tinyc.quant.sigmoid16), after checking the
    output scale as LiteRT's Prepare does: TANH 2^-15 up to CheckedLog2's tolerance, LOGISTIC exactly."""
    x, y = s16_io(node, g)
    s_out = float(np.float32(y.q.s()))
    ok = s_out == 1.0 / 32768 if op == "logistic" else sigmoid16.output_scale_ok(s_out)
    if not ok:
        raise TinycError(f"int16 {node.op} needs output scale 1/32768 (TFLite), got {s_out!r}",
                         where(g.source, node.name, node.op))
    m, sh = sigmoid16.input_params(x.q.s(), op)
    if not 0 < m <= 65535:  # x * m must fit int32 as in LiteRT's kernel
        raise TinycError(f"int16 {node.op}: input scale {x.q.s()!r} is too large (multiplier {m})",
                         where(g.source, node.name, node.op))
    return m, sh


def sigmoid16_ref(node, g, x, op: str) -> list[np.ndarray]:
    m, sh = sigmoid16_params(node, g, op)
    fn = sigmoid16.tanh_s16 if op == "tanh" else sigmoid16.logistic_s16
    return [fn(x, m, sh, sigmoid16.sigmoid_table())]


def sigmoid16_call(node, g, op: str) -> Call:
    m, sh = sigmoid16_params(node, g, op)
    x, y = node.inputs[0], node.outputs[0]
    return Call(template="sigmoid_s16.j2", node=node.name, inputs=[x], outputs=[y],
                params=dict(kernel=f"tc_{op}_s16", multiplier=m, shift=sh, size=g.tensors[x].size),
                arrays=dict(table=sigmoid16.sigmoid_table()), inplace=(x, y))
