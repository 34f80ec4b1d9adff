"""Helpers shared by the ONNX op functions (onnx_ops.py and its sibling onnx_*.py modules)."""
from __future__ import annotations

import math

NO_ACT = (-math.inf, math.inf)


def ops_of(module) -> dict:
    """The op functions a module defines: its own callables whose names start upper-case."""
    return {name: fn for name, fn in vars(module).items()
            if callable(fn) and getattr(fn, "__module__", "") == module.__name__ and name[0].isupper()}


def _only_first_output(ctx, node):
    if any(y for y in node.output[1:]):
        raise ctx.error(node, "only the first output is supported")


def _axis(ctx, node, axis, rank):
    if not -rank <= axis < rank:
        raise ctx.error(node, f"axis {axis} out of range for rank {rank}")
    return axis % rank


def _require_weight(ctx, node, name, what):
    if not ctx.is_weight(name):
        raise ctx.error(node, f"{what} must be a constant (or a DequantizeLinear of one)")


def _axes(ctx, node, X, axes_in, axes, noop_with_empty_axes=0):
    """The sorted, non-negative reduction axes from the axes input or attribute; () for a no-op."""
    rank = len(ctx.shape(X))
    if axes_in:
        if ctx.const(axes_in) is None:
            raise ctx.error(node, "axes must be a constant")
        axes = ctx.const(axes_in).tolist()
    if not axes:
        if noop_with_empty_axes:
            return ()
        axes = range(rank)
    return tuple(sorted(_axis(ctx, node, a, rank) for a in axes))
