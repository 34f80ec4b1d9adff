"""The int8 op registry: one module per op (shape, ref, macs, lower; optional scratch, inplace).

Each module is the Python side of one op: `ref` is the numpy integer
reference that defines tinyc's semantics, and `lower` turns a node into a
kernel Call for templates/ops/. Register new ops here, explicitly.
"""
from __future__ import annotations

from types import ModuleType

from tinyc.ops import fully_connected

OPS: dict[str, ModuleType] = {
    "fully_connected": fully_connected,
}


def op_module(op: str) -> ModuleType:
    return OPS[op]
