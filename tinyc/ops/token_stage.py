"""token_stage: a run of row-wise ops executed T tokens at a time (made by passes/token_tiling.py).

attrs: `sub` (Graph: the run at full size, its nodes in order), `rows` R,
`tile_rows` T (divides R), `internal` (tensors that exist only as T-row tiles
in the stage's scratch), `inplace` ((x, y) or None: y may overwrite x).

Semantics: exactly those of the nodes in `sub`, run one after another on the
whole tensors (ref). The C runs, for t in 0..R/T-1, every node's kernel on
rows [tT, (t+1)T): boundary tensors are read and written at a row offset,
internal ones live in scratch tiles placed first-fit by their lifetime within
the tile. Each kernel is the op's own lowering at the tile shape.
"""
from __future__ import annotations

import numpy as np

from tinyc.ir import Graph, Node, Tensor
from tinyc.ops.common import Call

ALIGN = 8


def shape(node, g):
    return [tuple(g.tensors[o].shape) for o in node.outputs]


def macs(node, g) -> int:
    from tinyc.ops import op_module
    sub = node.attrs["sub"]
    return sum(op_module(n.op).macs(n, sub) for n in sub.nodes)


def ref(node, g, *inputs):
    from tinyc.ops import op_module
    sub = node.attrs["sub"]
    env = dict(zip(node.inputs, inputs))
    for n in sub.nodes:
        args = [env[x] if x in env else (sub.tensors[x].data if x else None) for x in n.inputs]
        for name, val in zip(n.outputs, op_module(n.op).ref(n, sub, *args)):
            t = sub.tensors[name]
            env[name] = np.asarray(val).astype(t.dtype).reshape(t.shape)
    return [env[o] for o in node.outputs]


def _row_const(t: Tensor, rows: int) -> bool:
    return t.is_const and t.size > 1 and int(np.prod(t.shape[:-1], dtype=np.int64)) == rows


def tile_graph(node) -> tuple[Graph, dict]:
    """The run at tile shape (activations renamed '<stage>:<name>', shape (T, C)) and, per tile
    tensor, how it is addressed: ('scratch', name) | ('rows', name, bytes per tile) |
    ('const_rows', name, elements per tile)."""
    sub, rows, tr = node.attrs["sub"], node.attrs["rows"], node.attrs["tile_rows"]
    tg = Graph(f"{node.name}_tile", source=sub.source)
    where, names = {}, {}
    internal = set(node.attrs["internal"])
    whole = set(node.attrs.get("whole", ()))
    elementwise_inputs = {x for n in sub.nodes if n.op in ("add", "sub", "mul") for x in n.inputs}
    for name, t in sub.tensors.items():
        c = int(t.shape[-1]) if t.shape else 1
        if t.is_const and name in elementwise_inputs and _row_const(t, rows):
            new = f"{node.name}:{name}"
            tg.add_tensor(Tensor(new, (tr, c), t.dtype, t.data.reshape(rows, c)[:tr].copy(), t.q))
            where[new] = ("const_rows", name, tr * c)
        elif t.is_const:
            data = t.data.reshape(t.shape[-1:]) if name in elementwise_inputs and t.size > 1 else t.data
            tg.add_tensor(Tensor(name, data.shape, t.dtype, data, t.q))
            new = name
        elif name in whole:  # one batch's matrix, selected by the tile's batch index
            new = f"{node.name}:{name}"
            tg.add_tensor(Tensor(new, tuple(t.shape[-2:]), t.dtype, None, t.q))
            where[new] = ("batch", name, int(np.prod(t.shape[-2:])) * np.dtype(t.dtype).itemsize)
        else:
            new = f"{node.name}:{name}"
            tg.add_tensor(Tensor(new, (tr, c), t.dtype, None, t.q))
            where[new] = ("scratch", name) if name in internal else ("rows", name, tr * c * np.dtype(t.dtype).itemsize)
        names[name] = new
    for n in sub.nodes:
        if n.op == "batch_matmul":  # tiles never straddle a batch: M / T tiles per batch
            m = int(sub.tensors[n.inputs[0]].shape[-2])
            w = where[names[n.inputs[1]]]
            where[names[n.inputs[1]]] = ("batch", w[1], w[2], m // tr)
        attrs = dict(n.attrs)
        if n.op == "mean":
            attrs["axes"] = (1,)
        tg.nodes.append(Node(n.op, f"{node.name}:{n.name}", [names[x] if x else x for x in n.inputs],
                             [names[y] for y in n.outputs], attrs))
    return tg, where


def _place_internal(tg: Graph, where: dict, kernel_scratch: dict[int, int]) -> tuple[dict, int]:
    """First-fit offsets of the scratch tiles by their lifetime (node index) within one tile,
    and of each kernel's own scratch (key: node index, live at that node only)."""
    first, last, size_of = {}, {}, {}
    for i, nbytes in kernel_scratch.items():
        first[i], last[i], size_of[i] = i, i, nbytes
    for i, n in enumerate(tg.nodes):
        for x in n.inputs:
            if x in where and where[x][0] == "scratch":
                last[x] = i
        for y in n.outputs:
            if where.get(y, ("",))[0] == "scratch":
                first.setdefault(y, i)
                last.setdefault(y, i)
                size_of[y] = tg.tensors[y].nbytes
    offsets, live, total = {}, [], 0
    for y in sorted(first, key=lambda k: (first[k], str(k))):
        size = (size_of[y] + ALIGN - 1) // ALIGN * ALIGN
        busy = sorted((offsets[o], offsets[o] + (size_of[o] + ALIGN - 1) // ALIGN * ALIGN)
                      for o in live if last[o] >= first[y])
        off = 0
        for lo, hi in busy:
            if off + size <= lo:
                break
            off = max(off, hi)
        offsets[y] = off
        live.append(y)
        total = max(total, off + size)
    return offsets, total


def lower(node, g) -> Call:
    from tinyc.ops import op_module
    tg, where = tile_graph(node)
    subcalls = []
    for n in tg.nodes:
        c = op_module(n.op).lower(n, tg)
        c.params.pop("spec", None)  # specialised DSP kernels assume whole layers
        subcalls.append(c)
    offsets, scratch = _place_internal(tg, where, {i: c.scratch for i, c in enumerate(subcalls) if c.scratch})
    for i, c in enumerate(subcalls):
        if c.scratch:
            c.params["stage_scratch"] = offsets[i]
    tile_refs = {}
    for name, w in where.items():
        dtype = tg.tensors[name].dtype
        tile_refs[name] = ("scratch", offsets[name], dtype) if w[0] == "scratch" else (*w, dtype)
    inplace = node.attrs.get("inplace")
    return Call(template="token_stage.j2", node=node.name, inputs=list(node.inputs), outputs=list(node.outputs),
                params=dict(tiles=node.attrs["rows"] // node.attrs["tile_rows"], subcalls=subcalls,
                            tile_refs=tile_refs, stage_consts=[t for t in node.attrs['sub'].tensors.values() if t.is_const]),
                scratch=scratch, inplace=tuple(inplace) if inplace else None)
