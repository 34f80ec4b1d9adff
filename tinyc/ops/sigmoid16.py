"""Shared parts of int16 LOGISTIC and TANH (TFLite 16x8): tinyc/quant/sigmoid16.py's arithmetic, kernels
tc_logistic_s16 / tc_tanh_s16 (in place)."""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call
from tinyc.quant import sigmoid16


def _params(node, g) -> tuple[int, int]:
    x, y = g.tensors[node.inputs[0]], g.tensors[node.outputs[0]]
    if (y.dtype != "int16" or x.q is None or y.q is None or x.q.zp() != 0 or y.q.zp() != 0
            or float(np.float32(y.q.s())) != 2.0 ** -15):
        raise TinycError(f"int16 {node.op} needs int16 input and output with zero points 0 and output scale 2^-15 "
                         "(TFLite 16x8)", where(g.source, node.name, node.op))
    return sigmoid16.params(x.q.s(), tanh=node.op == "tanh")


def ref16(node, g, x) -> list[np.ndarray]:
    mult, shift = _params(node, g)
    fn = sigmoid16.tanh_s16 if node.op == "tanh" else sigmoid16.logistic_s16
    return [fn(x, mult, shift)]


def lower16(node, g) -> Call:
    mult, shift = _params(node, g)
    x, y = node.inputs[0], node.outputs[0]
    return Call(template="sigmoid_s16.j2", node=node.name, inputs=[x], outputs=[y],
                params=dict(fn=node.op, multiplier=mult, shift=shift, size=g.tensors[x].size), inplace=(x, y))
