"""Float32 numpy executor of the tinyc IR: one function per op.

Spatial ops follow NHWC semantics (docs/ops.md); ops still carrying
`layout="NCHW"` (before the to_nhwc pass) are run by transposing around the
NHWC kernel. Integer tensors with QParams are read as `scale * (q - zp)` by
arithmetic ops; layout-only ops and `dequantize` see the stored integers, and
`quantize` produces integers, as does any arithmetic op writing an integer
tensor with QParams (quantize on store). The pre-canonical ops of the ONNX frontend
(batch_norm, sub, div, flatten, ...) run too, so every pass prefix can be
executed.

The op functions live in spatial.py (convolutions, fully connected, pooling, resize) and
elementwise.py (arithmetic, activations, softmax, recurrent, gather); layout ops and
quantize / dequantize are here, beside the executor.
"""
from __future__ import annotations

import sys

import numpy as np

from tinyc import ir
from tinyc.float_ref import elementwise, spatial
from tinyc.quant.fixedpoint import round_half_away

RAW_OPS = {"reshape", "flatten", "squeeze", "unsqueeze", "transpose", "identity", "dropout", "dequantize",
           "concat", "pad", "strided_slice"}


def run_float(g: ir.Graph, inputs: dict[str, np.ndarray], return_all: bool = False) -> dict[str, np.ndarray]:
    """Run g on `inputs` (by graph input name); returns the graph outputs (or every tensor)."""
    env = {}
    for name in g.inputs:
        t = g.t(name)
        env[name] = np.asarray(inputs[name]).astype(t.dtype).reshape(t.shape)
    for n in g.nodes:
        fn = OPS.get(n.op) or _module_float_ref(n.op)
        if fn is None:
            raise ir.IRError(f"float_ref: no implementation for op '{n.op}' ({n.name})")
        raw = n.op in RAW_OPS
        args = [None if x == "" else _value(g, env, x, raw) for x in n.inputs]
        res = fn(g, n, *args)
        for name, y in zip(n.outputs, res if isinstance(res, tuple) else (res,)):
            out_t, y = g.t(name), np.asarray(y)
            if not raw and n.op != "quantize" and out_t.dtype != "float32" and out_t.q is not None:
                y = quantize(g, n, y)  # an op writing an int tensor with QParams stores quantized values
            env[name] = y.astype(out_t.dtype, copy=False).reshape(out_t.shape)
    if return_all:
        for name, t in g.tensors.items():
            if t.is_const:
                env.setdefault(name, _value(g, env, name, False))
        return env
    return {name: env[name] for name in g.outputs}


def _module_float_ref(op: str):
    """The `float_ref(node, x)` of an op module that defines one (tinyc.ops.float_lut ops)."""
    from tinyc.ops import OPS as INT_OPS
    f = getattr(INT_OPS.get(op), "float_ref", None)
    return None if f is None else (lambda g, node, *xs: f(node, *xs))


def _value(g, env, name, raw: bool) -> np.ndarray:
    t = g.t(name)
    v = t.data if t.is_const else env[name]
    if raw or t.q is None or t.dtype == "float32":
        return v
    return dequant(v, t.q)


def dequant(q: np.ndarray, qp: ir.QParams) -> np.ndarray:
    """scale * (q - zp) in float32, per tensor or along qp.axis."""
    s, zp = qp.scale, qp.zero_point
    if qp.axis is not None and s.size > 1:
        shape = [1] * q.ndim
        shape[qp.axis] = -1
        s, zp = s.reshape(shape), zp.reshape(shape)
    return (s * (q.astype(np.int64) - zp).astype(np.float32)).astype(np.float32)


# -- layout ------------------------------------------------------------------------------
def reshape(g, node, x):
    return x.reshape(g.t(node.outputs[0]).shape)


flatten = squeeze = unsqueeze = reshape


def identity(g, node, x):
    return x


dropout = identity


def transpose(g, node, x):
    return x.transpose(node.attrs["perm"])


def concat(g, node, *xs):
    return np.concatenate(xs, axis=node.attrs["axis"])


def strided_slice(g, node, x):
    a = node.attrs
    idx = tuple(np.arange(n, dtype=np.int64) * s + b for b, n, s in zip(a["begin"], a["size"], a["strides"]))
    return x[np.ix_(*idx)].reshape(g.t(node.outputs[0]).shape)


def pad(g, node, x):
    value = node.attrs.get("value", 0.0)
    return np.pad(x, node.attrs["pads"], constant_values=value)


# -- quantization --------------------------------------------------------------------------
def quantize(g, node, x):
    out = g.t(node.outputs[0])
    qp = out.q
    info = np.iinfo(out.dtype)
    s, zp = qp.scale, qp.zero_point
    if qp.axis is not None and s.size > 1:
        shape = [1] * x.ndim
        shape[qp.axis] = -1
        s, zp = s.reshape(shape), zp.reshape(shape)
    q = round_half_away(x.astype(np.float32) / s) + zp
    return np.clip(q, info.min, info.max).astype(out.dtype)


def dequantize(g, node, x):
    return dequant(x, g.t(node.inputs[0]).q)


def _ops_of(module) -> dict:
    return {name: fn for name, fn in vars(module).items()
            if callable(fn) and not name.startswith("_") and name not in ("run_float", "dequant")
            and getattr(fn, "__module__", "") == module.__name__}


OPS = {**_ops_of(spatial), **_ops_of(elementwise), **_ops_of(sys.modules[__name__])}

