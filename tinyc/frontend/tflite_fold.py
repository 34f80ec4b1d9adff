"""Shape arithmetic the TFLite converter leaves in the graph, folded to constants while loading.

Keras models with a dynamic batch dimension compute the target shape of a Flatten / Reshape at run
time: SHAPE(x) -> STRIDED_SLICE (the batch) -> PACK([batch, -1]) -> RESHAPE(x, that). tinyc fixes the
batch to 1, so every such tensor is known when loading: `fold` evaluates an operator whose outputs are
INT32/INT64 and whose inputs are all constant (or, for SHAPE, of a fixed shape) and records the value;
the operator then emits no IR node. RESHAPE reads its target shape from the output tensor, so the
folded value is only needed where a converter asks for a parameter (cx.param).
"""
from __future__ import annotations

import numpy as np
from tflite.TensorType import TensorType

from tinyc.errors import TinycError, where

_INT = {TensorType.INT32: np.int32, TensorType.INT64: np.int64}
_FOLDABLE = {"SHAPE", "PACK", "STRIDED_SLICE", "CONCATENATION", "GATHER", "RESHAPE", "SQUEEZE", "EXPAND_DIMS",
             "ADD", "SUB", "MUL", "CAST", "REDUCE_PROD"}


def fold(b, op) -> bool:
    """Evaluate `op` into b.folded when it is shape arithmetic on known values; True when folded."""
    if op.opname not in _FOLDABLE or not op.outputs or len(op.outputs) != 1 or op.outputs[0] < 0:
        return False
    loc = where(b.file, node=f"{op.opname.lower()}_{op.index}", op=op.opname)
    out = b.tensor(op.outputs[0], loc)
    if out.type not in _INT:
        return False
    ins = [i for i in op.inputs if i >= 0]
    if op.opname == "SHAPE":
        if len(ins) != 1:
            return False
        value = np.asarray(b.shape(ins[0], loc))
    else:
        if not ins or not all(b.is_const(i, loc) for i in ins):
            return False
        args = [_value(b, i, loc) for i in ins]
        value = _evaluate(op, args, b, loc)
    shape = b.shape(op.outputs[0], loc)
    value = np.asarray(value)
    if value.size != int(np.prod(shape, dtype=np.int64)):
        raise TinycError(f"folded shape arithmetic gives {value.size} values for output "
                         f"'{out.name}' of shape {list(shape)}", loc)
    b.folded[op.outputs[0]] = value.astype(_INT[out.type]).reshape(shape)
    return True


def _value(b, index: int, loc: str) -> np.ndarray:
    t = b.tensor(index, loc)
    if t.type not in _INT:
        raise TinycError(f"shape arithmetic on {t.name}, which is not INT32/INT64", loc)
    return b.param_array(index, loc)


def _evaluate(op, args: list[np.ndarray], b, loc: str) -> np.ndarray:
    from tinyc.frontend.tflite_data_ops import slice_axis
    name, opts = op.opname, op.opts or {}
    if name == "PACK":
        return np.stack(args, axis=int(opts.get("Axis", 0)))
    if name == "CONCATENATION":
        return np.concatenate([a.reshape(-1) if a.ndim == 0 else a for a in args], axis=int(opts.get("Axis", 0)))
    if name == "GATHER":
        return np.take(args[0], args[1], axis=int(opts.get("Axis", 0)))
    if name in ("RESHAPE", "SQUEEZE", "EXPAND_DIMS", "CAST"):
        return args[0]
    if name == "REDUCE_PROD":  # the element count of a shape slice (Keras' Dense on a rank-4 input)
        axes = tuple(int(a) % max(1, args[0].ndim) for a in args[1].reshape(-1)) if args[0].ndim else ()
        keep = bool(opts.get("KeepDims", False))
        return np.prod(args[0], axis=axes, keepdims=keep, dtype=np.int64) if axes else args[0]
    if name in ("ADD", "SUB", "MUL"):
        return {"ADD": np.add, "SUB": np.subtract, "MUL": np.multiply}[name](args[0], args[1])
    # STRIDED_SLICE
    x, begin, end, strides = args[0], *(a.reshape(-1) for a in args[1:4])
    if opts.get("EllipsisMask", 0) or opts.get("NewAxisMask", 0) or len(begin) != x.ndim:
        raise TinycError("strided slice of a shape with ellipsis/new-axis masks is not supported", loc)
    if opts.get("Offset", False):
        end = begin + end
    for i, d in enumerate(x.shape[::-1]):  # last axis first, so that shrinking keeps the axis numbers valid
        i = x.ndim - 1 - i
        m = lambda k: bool(opts.get(k, 0) >> i & 1)  # noqa: E731
        start, _, n = slice_axis(d, int(begin[i]), int(end[i]), int(strides[i]), m("BeginMask"), m("EndMask"),
                                 m("ShrinkAxisMask"))
        x = np.take(x, start + int(strides[i]) * np.arange(n), axis=i)
        if m("ShrinkAxisMask"):
            x = x.reshape(x.shape[:i] + x.shape[i + 1:])
    return x
