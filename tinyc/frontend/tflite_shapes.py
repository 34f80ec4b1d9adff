"""Shapes of a dynamic-batch TFLite model at batch 1, as LiteRT's Prepare computes them.

A Keras model converted with its batch dimension left open stores, for every tensor whose
shape depends on the batch, a shape signature with -1 and a placeholder shape with 1 there.
Most placeholders are right at batch 1, but not all: a Dense applied to a rank-4 tensor
(ConvNeXt's pointwise layers) reshapes [1, H, W, C] to [-1, C] and the file stores [1, C];
UpSampling2D's reshape stores [1, 1, 2H, C] for [1, 2H, 2W, C]. LiteRT resizes these tensors
when it prepares the graph. tinyc does the same while loading: the output of each operator
whose signature has a -1 gets the shape its IR op computes from the inputs (for RESHAPE, the
folded target shape with its -1 resolved), provided that shape agrees with every fixed
signature dimension. A -1 past the batch that nothing resolves stays an error.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError


def dynamic(t) -> bool:
    return any(s < 0 for s in t.signature)


def reshape_target(b, op, loc: str) -> tuple[int, ...] | None:
    """RESHAPE's output shape from its (constant or folded) shape input, -1 resolved; None without one."""
    if len(op.inputs) < 2 or op.inputs[1] < 0 or not b.is_const(op.inputs[1], loc):
        return None
    target = [int(d) for d in b.param_array(op.inputs[1], loc).reshape(-1)]
    size = int(np.prod(b.shape(op.inputs[0], loc), dtype=np.int64))
    if target.count(-1) > 1 or any(d < -1 for d in target):
        raise TinycError(f"reshape target {target} has more than one -1 or a negative size", loc)
    if -1 in target:
        rest = int(np.prod([d for d in target if d != -1], dtype=np.int64))
        if rest <= 0 or size % rest:
            raise TinycError(f"reshape of {size} elements to {target} does not divide", loc)
        target[target.index(-1)] = size // rest
    return tuple(target)


def fits(shape, signature) -> bool:
    return len(shape) == len(signature) and all(s < 0 or s == d for d, s in zip(shape, signature))


def resolve(b, op, nodes, loc: str) -> None:
    """Give each dynamic output of `nodes` (IR nodes converted from `op`) its batch-1 shape."""
    from tinyc.ops import OPS
    by_name = {name: i for i, name in b.names.items()}
    for node in nodes:
        for k, out in enumerate(node.outputs):
            idx = by_name.get(out)
            if idx is None or not dynamic(b.tensor(idx, loc)):
                continue
            t = b.tensor(idx, loc)
            shape = None
            if op.opname == "RESHAPE":
                shape = reshape_target(b, op, loc)
            elif node.op in OPS:
                try:
                    shape = tuple(int(d) for d in OPS[node.op].shape(node, b.g)[k])
                except (TinycError, KeyError, IndexError, ValueError, TypeError):
                    shape = None
            if shape is None or not fits(shape, t.signature):
                if any(s < 0 for s in t.signature[1:]):
                    raise TinycError(f"tensor '{t.name}' has a dynamic shape {list(t.signature)} that tinyc "
                                     "cannot resolve at batch 1", loc)
                continue
            b.shapes[idx] = shape
            b.g.tensors[out].shape = shape
