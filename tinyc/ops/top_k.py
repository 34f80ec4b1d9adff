"""top_k: the k largest (or smallest) int8 values along the last axis and their int32 indices (ONNX TopK).

attrs k, largest=True. Outputs: values (int8, the input's QParams) and
indices (int32; ONNX says int64), both [..., k], sorted: largest first (smallest
first with largest=False), equal values by lower index first, as ONNX
specifies. Values are compared as stored int8 codes. Kernel tc_top_k_s8, a
k-pass selection (meant for small k).
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call


def _geometry(node, g):
    x = g.tensors[node.inputs[0]]
    k = int(node.attrs["k"])
    n = x.shape[-1] if x.shape else 0
    vals, idx = (g.tensors[y] for y in node.outputs)
    if x.dtype != "int8" or vals.dtype != "int8" or idx.dtype != "int32" or not 1 <= k <= n:
        raise TinycError(f"top_k needs int8 input/values, int32 indices and 1 <= k <= {n}, got k={k}",
                         where(g.source, node.name, node.op))
    return int(np.prod(x.shape[:-1], dtype=np.int64)), n, k


def shape(node, g):
    x = g.tensors[node.inputs[0]]
    k = int(node.attrs["k"])
    return [tuple(x.shape[:-1]) + (k,)] * 2


def macs(node, g) -> int:
    return 0


def ref(node, g, x):
    outer, n, k = _geometry(node, g)
    v = x.astype(np.int64).reshape(outer, n)
    key = -v if node.attrs.get("largest", True) else v
    idx = np.argsort(key, axis=1, kind="stable")[:, :k]
    vals = np.take_along_axis(v, idx, axis=1)
    shp = g.tensors[node.outputs[0]].shape
    return [vals.astype(np.int8).reshape(shp), idx.astype(np.int32).reshape(shp)]


def lower(node, g) -> Call:
    outer, n, k = _geometry(node, g)
    return Call(template="top_k_s8.j2", node=node.name, inputs=[node.inputs[0]], outputs=list(node.outputs),
                params=dict(outer=outer, n=n, k=k, largest=int(bool(node.attrs.get("largest", True)))))
