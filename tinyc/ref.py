"""The numpy integer reference executor: runs a quantized graph op by op.

Its outputs define tinyc's int8 semantics; the generated C must equal them
bit for bit.
"""
from __future__ import annotations

import numpy as np

from tinyc.ir import Graph
from tinyc.ops import op_module


def run_int(g: Graph, inputs: dict[str, np.ndarray], return_all: bool = False) -> dict[str, np.ndarray]:
    """Execute g on one sample. inputs maps graph input names to arrays of the input dtype."""
    env: dict[str, np.ndarray] = {}
    for name, t in g.tensors.items():
        if t.is_const:
            env[name] = t.data
    for name in g.inputs:
        t = g.tensors[name]
        env[name] = np.asarray(inputs[name]).astype(t.dtype).reshape(t.shape)
    for node in g.nodes:
        args = [env[x] if x else None for x in node.inputs]
        outs = op_module(node.op).ref(node, g, *args)
        for name, val in zip(node.outputs, outs):
            t = g.tensors[name]
            env[name] = np.asarray(val).astype(t.dtype).reshape(t.shape)
    if return_all:
        return env
    return {name: env[name] for name in g.outputs}
