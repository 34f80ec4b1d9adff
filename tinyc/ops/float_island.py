"""Float islands of pre-quantized (TFLite) models: float32 ops after a DEQUANTIZE or before a QUANTIZE.

tinyc runs a few float ops there with float C kernels that follow LiteRT's float reference kernels
(max-subtracted exp, one float32 sum per row), matching its output to 1e-5: softmax and
log_softmax over the last axis; data movement (reshape, strided slice: the converter's float SPLIT
of an unrolled Keras GRU) copies float32 values as they are. The numpy reference computes in float32 with the same order of
operations; libm's expf / logf may differ from numpy's in the last bit, which the 1e-5 contract
allows (the C equals the reference within 1e-6 in tests). Any other float op in a quantized model
is refused by `check` with one line naming it.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call

FLOAT_OPS = ("softmax", "log_softmax", "strided_slice", "dequantize", "quantize", "reshape")


def is_float(node, g) -> bool:
    return g.tensors[node.inputs[0]].dtype == "float32" and g.tensors[node.outputs[0]].dtype == "float32"


def check(g) -> None:
    """TinycError naming the first op that computes in float32 inside a quantized model without a float kernel."""
    for n in g.nodes:
        outs = [g.tensors[o] for o in n.outputs]
        if any(t.dtype == "float32" for t in outs) and n.op not in FLOAT_OPS:
            raise TinycError(f"float32 {n.op} in a quantized model (a float island after DEQUANTIZE or before "
                             f"QUANTIZE) has no float kernel; float islands support {', '.join(FLOAT_OPS[:3])} "
                             "(quantize the op in the model instead)", where(g.source, n.name, n.op))


def _rows(x):
    depth = x.shape[-1] if x.shape else 1
    return x.reshape(-1, depth).astype(np.float32), depth


def softmax_f32(x, beta: float) -> np.ndarray:
    """reference_ops::Softmax (float): exp((x - max) * beta) / sum, in float32."""
    r, _ = _rows(np.asarray(x))
    e = np.exp(((r - r.max(axis=1, keepdims=True)).astype(np.float32) * np.float32(beta)).astype(np.float32))
    s = np.zeros((r.shape[0], 1), dtype=np.float32)
    for c in range(r.shape[1]):  # float32 sum in element order, as the C
        s = (s + e[:, c:c + 1]).astype(np.float32)
    return (e / s).astype(np.float32).reshape(np.shape(x))


def log_softmax_f32(x) -> np.ndarray:
    """reference_ops::LogSoftmax (float): x - max - log(sum exp(x - max)), in float32."""
    r, _ = _rows(np.asarray(x))
    d = (r - r.max(axis=1, keepdims=True)).astype(np.float32)
    e = np.exp(d).astype(np.float32)
    s = np.zeros((r.shape[0], 1), dtype=np.float32)
    for c in range(r.shape[1]):
        s = (s + e[:, c:c + 1]).astype(np.float32)
    return (d - np.log(s).astype(np.float32)).astype(np.float32).reshape(np.shape(x))


def lower_call(node, g, kernel: str, beta: float | None = None) -> Call:
    x = g.tensors[node.inputs[0]]
    depth = x.shape[-1] if x.shape else 1
    if depth < 1:
        raise TinycError("softmax needs a non-empty last axis", where(g.source, node.name, node.op))
    params = dict(kernel=kernel, rows=x.size // depth, depth=depth)
    if beta is not None:
        params["beta"] = float(np.float32(beta))
    return Call(template="float_softmax.j2", node=node.name, inputs=[x.name], outputs=list(node.outputs),
                params=params, inplace=(x.name, node.outputs[0]))
