"""Helpers shared by the ONNX op functions (onnx_ops.py, onnx_data_ops.py)."""
from __future__ import annotations


def _only_first_output(ctx, node):
    if any(y for y in node.output[1:]):
        raise ctx.error(node, "only the first output is supported")


def _axis(ctx, node, axis, rank):
    if not -rank <= axis < rank:
        raise ctx.error(node, f"axis {axis} out of range for rank {rank}")
    return axis % rank
