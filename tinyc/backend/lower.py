"""Lowering: a quantized Graph + a memory plan -> a Program (pure data for the templates).

After `lower`, every number the C needs is computed: kernel parameters,
multipliers, arena offsets and constant arrays. The templates only format it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from tinyc.ir import Graph
from tinyc.ops import op_module
from tinyc.ops.common import Call

CTYPES = {"int8": "int8_t", "uint8": "uint8_t", "int16": "int16_t", "uint16": "uint16_t", "int32": "int32_t",
          "int64": "int64_t", "float32": "float", "float64": "double"}


@dataclass
class Ref:
    """Where a tensor lives, for a template: a const array, an arena slot, or the caller's buffer."""

    kind: str  # "const" | "arena" | "extern"
    ctype: str
    symbol: str = ""
    offset: int = 0
    shape: tuple = ()


@dataclass
class ConstArray:
    symbol: str
    ctype: str
    values: list
    comment: str = ""

    @property
    def nbytes(self) -> int:
        return len(self.values) * np.dtype(_np_of(self.ctype)).itemsize


@dataclass
class Port:
    """A model input or output as the C API sees it."""

    name: str
    ctype: str
    size: int  # elements
    shape: tuple
    ref: Ref  # arena slot (copied in/out) or extern (read/written in place)
    nbytes: int = 0


@dataclass
class Program:
    name: str
    calls: list[Call]
    refs: dict[str, Ref]
    consts: list[ConstArray]
    inputs: list[Port]
    outputs: list[Port]
    arena_bytes: int
    plan: object = None  # tinyc.memory Plan, for reports
    extra: dict = field(default_factory=dict)


def _np_of(ctype: str) -> str:
    return {v: k for k, v in CTYPES.items()}[ctype]


def c_ident(s: str) -> str:
    """A C identifier from a model or tensor name."""
    s = re.sub(r"[^0-9A-Za-z_]", "_", s)
    return s if s and not s[0].isdigit() else "m_" + s


def is_extern(g: Graph, name: str) -> bool:
    """Float outputs never live in the arena: the last kernel writes the caller's buffer.

    Float inputs do live in the arena, so the quantize that reads them can run in
    place (int8 written over the float bytes already read) instead of needing a
    second full-size buffer."""
    return name in g.outputs and name not in g.inputs and g.tensors[name].dtype == "float32"


def lower_calls(g: Graph) -> list[Call]:
    return [op_module(n.op).lower(n, g) for n in g.nodes]


def build_program(g: Graph, calls: list[Call], offsets: dict[str, int], arena_bytes: int, plan=None) -> Program:
    """Attach storage to every tensor the calls touch and collect the constant arrays
    (int4 weights packed two per byte, as the s4 kernels read them)."""
    from tinyc.quant.int16 import packed_view
    g = packed_view(g)
    model = c_ident(g.name)
    refs: dict[str, Ref] = {}
    consts: list[ConstArray] = []
    for i, (name, t) in enumerate(g.tensors.items()):
        ctype = CTYPES[t.dtype]
        if t.is_const:
            sym = f"{model}_t{i}"
            refs[name] = Ref("const", ctype, symbol=sym, shape=t.shape)
            consts.append(ConstArray(sym, ctype, _values(t.data), comment=_comment(name)))
        elif is_extern(g, name):
            sym = f"in{g.inputs.index(name)}" if name in g.inputs else f"out{g.outputs.index(name)}"
            refs[name] = Ref("extern", ctype, symbol=sym, shape=t.shape)
        elif name in offsets:
            refs[name] = Ref("arena", ctype, offset=offsets[name], shape=t.shape)
    shared: dict = {}  # (ctype, bytes) -> symbol: equal kernel tables (softmax16, sigmoid16...) stored once
    for k, call in enumerate(calls):
        call.params.setdefault("index", k)
        for key, arr in sorted(call.arrays.items()):
            call.params[f"{key}_sym"] = _table(consts, shared, np.asarray(arr), f"{model}_n{k}_{key}", call.node)
        if call.scratch:
            call.params["scratch_offset"] = offsets[f"{call.node}.scratch"]
        if "subcalls" in call.params:
            _attach_subcalls(call, k, model, offsets, refs, consts, shared)
    ports_in = [_port(g, n, refs) for n in g.inputs]
    ports_out = [_port(g, n, refs) for n in g.outputs]
    return Program(model, calls, refs, consts, ports_in, ports_out, arena_bytes, plan)


def _table(consts: list, shared: dict, arr: np.ndarray, sym: str, node: str) -> str:
    """The symbol of a call's constant array: a new one, or an equal array's already emitted."""
    key = (CTYPES[str(arr.dtype)], arr.tobytes())
    if key not in shared:
        consts.append(ConstArray(sym, key[0], _values(arr), comment=_comment(node)))
        shared[key] = sym
    return shared[key]


def _attach_subcalls(call: Call, k: int, model: str, offsets, refs: dict, consts: list, shared: dict) -> None:
    """Storage for a token stage's kernels: its constants, and its tile tensors as arena
    offsets that move with the tile index `t` (boundary rows) or sit in its scratch."""
    for i, t in enumerate(call.params["stage_consts"]):
        if t.name not in refs:
            sym = f"{model}_n{k}_c{i}"
            refs[t.name] = Ref("const", CTYPES[t.dtype], symbol=sym, shape=t.shape)
            consts.append(ConstArray(sym, CTYPES[t.dtype], _values(t.data), comment=_comment(t.name)))
    for name, w in call.params["tile_refs"].items():
        if w[0] == "scratch":
            off = call.params["scratch_offset"] + w[1]
            refs[name] = Ref("arena", CTYPES[w[2]], offset=off)
        elif w[0] == "rows":
            base = refs[w[1]]
            refs[name] = Ref("arena", base.ctype, offset=f"{base.offset} + t * {w[2]}")
        elif w[0] == "batch":
            base = refs[w[1]]
            refs[name] = Ref("arena", base.ctype, offset=f"{base.offset} + (t / {w[3]}) * {w[2]}")
        else:
            base = refs[w[1]]
            refs[name] = Ref("const", base.ctype, symbol=f"({base.symbol} + t * {w[2]})")
    for j, sc in enumerate(call.params["subcalls"]):
        sc.params.setdefault("index", f"{k}_{j}")
        if sc.scratch:
            sc.params["scratch_offset"] = call.params["scratch_offset"] + sc.params["stage_scratch"]
        for key, arr in sorted(sc.arrays.items()):
            sc.params[f"{key}_sym"] = _table(consts, shared, np.asarray(arr), f"{model}_n{k}_{j}_{key}", sc.node)


def _port(g: Graph, name: str, refs: dict[str, Ref]) -> Port:
    t = g.tensors[name]
    return Port(name, CTYPES[t.dtype], t.size, t.shape, refs[name], t.nbytes)


def _values(a: np.ndarray) -> list:
    a = np.asarray(a).reshape(-1)
    if a.dtype.kind == "f":  # float32 (and narrower) values are exact as Python floats
        return a.astype(np.float64).tolist()
    if a.dtype.kind in "iu":
        return a.tolist()
    return [int(v) for v in a.tolist()]


def _comment(name: str) -> str:
    return name.replace("*/", "*_/")
