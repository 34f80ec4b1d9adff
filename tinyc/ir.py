"""tinyc's graph IR: a Graph of Nodes over named Tensors.

One IR serves every stage. The frontends produce it (float or already
quantized), the passes rewrite it, the quantizer turns float tensors into
int8 ones with QParams, and lowering reads it. Activations of rank 4 are NHWC
after the layout pass. The op vocabulary and each op's attributes are listed
in docs/ops.md; `verify` checks the structural invariants between stages.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

DTYPES = ("float32", "int8", "int16", "int32", "int64", "uint8")


@dataclass
class QParams:
    """real = scale * (q - zero_point). Per-tensor when axis is None."""

    scale: np.ndarray  # float32, shape () or (C,)
    zero_point: np.ndarray  # int64, same shape as scale
    axis: int | None = None

    def __post_init__(self):
        self.scale = np.asarray(self.scale, dtype=np.float32)
        self.zero_point = np.asarray(self.zero_point, dtype=np.int64)

    @property
    def per_channel(self) -> bool:
        return self.axis is not None

    def s(self) -> float:
        """The per-tensor scale as a Python float (float32 value, widened)."""
        return float(self.scale.reshape(-1)[0])

    def zp(self) -> int:
        return int(self.zero_point.reshape(-1)[0])

    def __repr__(self) -> str:
        if self.per_channel:
            return f"Q(axis={self.axis}, {self.scale.size} scales)"
        return f"Q(s={self.s():.6g}, zp={self.zp()})"


@dataclass
class Tensor:
    name: str
    shape: tuple[int, ...]
    dtype: str = "float32"
    data: np.ndarray | None = None  # set for constants
    q: QParams | None = None

    def __post_init__(self):
        self.shape = tuple(int(d) for d in self.shape)
        if self.dtype not in DTYPES:
            raise ValueError(f"unknown dtype {self.dtype}")

    @property
    def is_const(self) -> bool:
        return self.data is not None

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def nbytes(self) -> int:
        return self.size * np.dtype(self.dtype).itemsize

    def __repr__(self) -> str:
        c = " const" if self.is_const else ""
        q = f" {self.q!r}" if self.q is not None else ""
        return f"{self.name}: {self.dtype}{list(self.shape)}{c}{q}"


@dataclass
class Node:
    op: str
    name: str
    inputs: list[str]
    outputs: list[str]
    attrs: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        a = ", ".join(f"{k}={v}" for k, v in sorted(self.attrs.items()))
        return f"{self.name} = {self.op}({', '.join(self.inputs)}){' [' + a + ']' if a else ''} -> {', '.join(self.outputs)}"


@dataclass
class Graph:
    name: str
    tensors: dict[str, Tensor] = field(default_factory=dict)
    nodes: list[Node] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    source: str = ""  # the file it came from, for error messages
    meta: dict = field(default_factory=dict)  # stage results that travel with the graph (e.g. "mixed_precision")

    # -- construction helpers -------------------------------------------------
    def add_tensor(self, t: Tensor) -> Tensor:
        self.tensors[t.name] = t
        return t

    def const(self, name: str, data: np.ndarray, q: QParams | None = None) -> Tensor:
        data = np.asarray(data)
        return self.add_tensor(Tensor(name, data.shape, str(data.dtype), data, q))

    def unique_name(self, base: str) -> str:
        if base not in self.tensors:
            return base
        i = 1
        while f"{base}_{i}" in self.tensors:
            i += 1
        return f"{base}_{i}"

    def t(self, name: str) -> Tensor:
        return self.tensors[name]

    # -- queries --------------------------------------------------------------
    def producer(self, tensor: str) -> Node | None:
        for n in self.nodes:
            if tensor in n.outputs:
                return n
        return None

    def consumers(self, tensor: str) -> list[Node]:
        return [n for n in self.nodes if tensor in n.inputs]

    def activations(self) -> list[Tensor]:
        """Non-constant tensors that some node uses or produces."""
        used = {x for n in self.nodes for x in (*n.inputs, *n.outputs)}
        used |= set(self.inputs) | set(self.outputs)
        return [t for name, t in self.tensors.items() if name in used and not t.is_const]

    def prune(self) -> None:
        """Drop tensors no node or graph interface references."""
        used = {x for n in self.nodes for x in (*n.inputs, *n.outputs) if x}
        used |= set(self.inputs) | set(self.outputs)
        self.tensors = {k: v for k, v in self.tensors.items() if k in used}

    def copy(self) -> Graph:
        return copy.deepcopy(self)

    def __str__(self) -> str:
        lines = [f"graph {self.name} ({self.source})"]
        for i in self.inputs:
            lines.append(f"  in  {self.tensors[i]!r}")
        for n in self.nodes:
            lines.append(f"  {n!r}")
            for o in n.outputs:
                lines.append(f"      {self.tensors[o]!r}")
        for o in self.outputs:
            lines.append(f"  out {self.tensors[o]!r}")
        return "\n".join(lines)


class IRError(AssertionError):
    """The IR broke an invariant: a compiler bug, not a user error."""


def verify(g: Graph) -> Graph:
    """Check that g is well formed: every name defined once, before use, in topological order."""
    defined = set(g.inputs) | {k for k, t in g.tensors.items() if t.is_const}
    for name in g.inputs:
        if name not in g.tensors:
            raise IRError(f"graph input {name} has no tensor")
    for n in g.nodes:
        for x in n.inputs:
            if x == "":
                continue  # optional input left out
            if x not in g.tensors:
                raise IRError(f"{n.name}: input {x} has no tensor")
            if x not in defined:
                raise IRError(f"{n.name}: input {x} used before it is produced")
        for y in n.outputs:
            if y not in g.tensors:
                raise IRError(f"{n.name}: output {y} has no tensor")
            if y in defined:
                raise IRError(f"{n.name}: output {y} produced twice")
            defined.add(y)
    for name in g.outputs:
        if name not in defined:
            raise IRError(f"graph output {name} is never produced")
    return g
