"""reshape: same bytes, new shape (TFLite RESHAPE / SQUEEZE, ONNX Flatten). An alias in memory.

The output shape is the output tensor's own shape. The memory planner
normally places input and output at the same offset (inplace); the template
copies only when they end up in different places (graph inputs, constants).
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, inputs_of, output_of


def _check(node, g):
    x = inputs_of(node, g)[0]
    y = output_of(node, g)
    if x.size != y.size or x.dtype != y.dtype:
        raise TinycError(f"cannot reshape {x.dtype}{list(x.shape)} to {y.dtype}{list(y.shape)}",
                         where(g.source, node.name, node.op))
    return x, y


def shape(node, g):
    return [_check(node, g)[1].shape]


def macs(node, g) -> int:
    return 0


def ref(node, g, x, *_):
    y = _check(node, g)[1]
    return [np.asarray(x).reshape(y.shape)]


def lower(node, g) -> Call:
    x, y = _check(node, g)
    return Call(
        template="reshape.j2", node=node.name,
        inputs=[node.inputs[0]], outputs=list(node.outputs),
        params=dict(nbytes=y.nbytes),
        inplace=(node.inputs[0], node.outputs[0]),
    )
