"""Token tiling (MCUFormer's token-wise execution): runs of row-wise ops become one token_stage node.

A transformer's token-wise ops (LayerNorm's mean/sub/mul/rsqrt/add, the MLP's
fully connected layers and GELU, residual adds) treat each token (row of the
last axis) on its own. A maximal run of consecutive such nodes over the same
number of rows R, holding at least one fully connected layer, becomes one
`token_stage` node that runs the whole run on T tokens at a time (T the
largest divisor of R up to `max_tile`). Attention is row-wise too: the score
matmul, its scaling, the softmax and the matmul with V treat each query row
of each head alone, reading K and V whole per head, so T query rows of one
head at a time give a T x N score tile and the N x N scores never exist: tensors made and used only inside the
run exist as T-row tiles in the stage's scratch, never whole, and one output
may overwrite an input token by token (see tinyc/ops/token_stage.py).

free function Graph -> Graph; afterwards every token_stage node's attrs hold
the full-size subgraph (`sub`, the semantics) and the tile-size subgraph
(`tile`, what is lowered), and the graph no longer holds the internal tensors.
"""
from __future__ import annotations

import numpy as np

from tinyc.ir import Graph, Node, Tensor

ELEMENTWISE = {"add", "sub", "mul"}
UNARY = {"rsqrt", "gelu", "tanh", "logistic", "hard_swish", "clamp", "leaky_relu"}


def rows_of(shape) -> tuple[int, int]:
    """(rows, last dim) of an activation shape."""
    shape = tuple(shape) or (1,)
    return int(np.prod(shape[:-1], dtype=np.int64)), int(shape[-1])


def _const_kind(t: Tensor, rows: int) -> str | None:
    """'bcast' for a constant that broadcasts over the rows, 'rows' for one with R rows, else None."""
    r, _ = rows_of(t.shape)
    if r == 1:
        return "bcast"
    return "rows" if r == rows else None


def row_wise(n: Node, g: Graph) -> int | None:
    """R when node n treats each of R rows independently, else None."""
    outs = [g.tensors[o] for o in n.outputs]
    if len(outs) != 1 or outs[0].dtype not in ("int8", "int16"):
        return None
    y = outs[0]
    r, c = rows_of(y.shape)
    ins = [g.tensors[x] for x in n.inputs if x]
    acts = [t for t in ins if not t.is_const]
    if n.op == "fully_connected":
        return r if acts and rows_of(acts[0].shape)[0] == r else None
    if n.op == "batch_matmul":  # rows of x (batch x M); w is read whole, one batch per M rows
        x, w = (g.tensors[v] for v in n.inputs[:2])
        ok = (not n.attrs.get("adj_x") and not w.is_const and tuple(x.shape[:-2]) == tuple(w.shape[:-2])
              and rows_of(x.shape)[0] == r)
        return r if ok else None
    if n.op in UNARY or n.op in ("softmax", "layer_norm") or (n.op == "quantize" and acts and acts[0].dtype != "float32"):
        return r if acts and tuple(acts[0].shape) == tuple(y.shape) else None
    if n.op == "reshape":
        return r if acts and rows_of(acts[0].shape) == (r, c) else None
    if n.op == "mean":
        x = acts[0]
        last = len(x.shape) - 1
        ok = tuple(n.attrs.get("axes", ())) in ((last,), (-1,)) and rows_of(x.shape)[0] == r and c == 1
        return r if ok and len(y.shape) == len(x.shape) else None
    if n.op in ELEMENTWISE:
        for t in ins:
            tr, tc = rows_of(t.shape)
            if tc not in (c, 1) or len(t.shape) > len(y.shape):
                return None
            if t.is_const and _const_kind(t, r) is None:
                return None
            if not t.is_const and tr != r:
                return None
            if t.is_const and tr == r and tuple(t.shape[-len(y.shape):]) != tuple(y.shape)[-len(t.shape):]:
                return None
        return r
    return None


def tile_tokens(g: Graph, max_tile: int = 8) -> Graph:
    """Group runs of row-wise nodes into token_stage nodes (see the module docstring).

    A node that is not row-wise and reads nothing the open run made is set aside
    instead of ending the run (e.g. the V projection between the softmax and the
    matmul with V): it runs before the stage if it came before the run's last node,
    after it otherwise. Dependencies are kept: the stage reads what it reads."""
    g = g.copy()
    pos = {n.name: i for i, n in enumerate(g.nodes)}
    nodes, run, aside, run_rows = [], [], [], None

    def close():
        nonlocal run, aside
        if run:
            made = _make_stage(g, run, run_rows, max_tile, len(nodes))
            end = pos[run[-1].name]
            if made is run:
                nodes.extend(sorted(run + aside, key=lambda n: pos[n.name]))
            else:
                nodes.extend([n for n in aside if pos[n.name] < end] + made + [n for n in aside if pos[n.name] > end])
        else:
            nodes.extend(aside)
        run, aside = [], []

    for n in g.nodes:
        r = row_wise(n, g)
        r = r if r is not None and r >= 2 else None
        if r is None or (run and r != run_rows):
            made = {o for m in run for o in m.outputs}
            if run and not (set(n.inputs) & made):
                aside.append(n)
                continue
            close()
            if r is None:
                nodes.append(n)
                continue
        run.append(n)
        run_rows = r
    close()
    g.nodes = nodes
    g.prune()
    return g


def _make_stage(g: Graph, run: list[Node], rows: int, max_tile: int, index: int) -> list[Node]:
    """[token_stage node] for a run worth tiling, else the run's nodes unchanged."""
    if not any(n.op in ("fully_connected", "batch_matmul") for n in run):
        return run
    inside = {n.name for n in run}
    produced = {o for n in run for o in n.outputs}
    outside_reads = {x for n in g.nodes if n.name not in inside for x in n.inputs}
    outputs = [o for n in run for o in n.outputs if o in outside_reads or o in g.outputs]
    internal = [o for n in run for o in n.outputs if o not in outputs]
    if not internal:
        return run
    inputs = []
    for n in run:
        for x in n.inputs:
            if x and x not in produced and not g.tensors[x].is_const and x not in inputs:
                inputs.append(x)
    whole = {n.inputs[1] for n in run if n.op == "batch_matmul"}
    if whole & produced:
        return run
    per_batch = [int(g.tensors[n.inputs[0]].shape[-2]) for n in run if n.op == "batch_matmul"]
    tile = max(d for d in range(1, max_tile + 1) if rows % d == 0 and all(m % d == 0 for m in per_batch))
    name = f"token_stage_{index}"
    sub = Graph(name, source=g.source)
    for n in run:
        for x in (*n.inputs, *n.outputs):
            if x:
                sub.add_tensor(g.tensors[x])
    sub.nodes = list(run)
    sub.inputs, sub.outputs = list(inputs), list(outputs)
    node = Node("token_stage", name, inputs, outputs,
                dict(sub=sub, rows=rows, tile_rows=tile, internal=internal,
                     whole=sorted(whole), inplace=_inplace_pair(g, run, [x for x in inputs if x not in whole],
                                                                outputs)))
    return [node]


def _inplace_pair(g: Graph, run: list[Node], inputs: list[str], outputs: list[str]) -> tuple[str, str] | None:
    """(x, y): output y may overwrite input x token by token. Every reader of x runs before y's
    producer, or is y's producer reading x element for element; y's rows are no wider than x's."""
    best = None
    for y in outputs:
        ty = g.tensors[y]
        k = next(i for i, n in enumerate(run) if y in n.outputs)
        prod = run[k]
        for x in inputs:
            tx = g.tensors[x]
            if x in g.inputs or x in g.outputs or tx.dtype != ty.dtype:
                continue
            if rows_of(ty.shape)[1] > rows_of(tx.shape)[1]:
                continue
            if any(x in n.inputs for n in run[k + 1:]):
                continue
            if x in prod.inputs and not (prod.op in ELEMENTWISE | UNARY and tuple(tx.shape) == tuple(ty.shape)):
                continue
            if best is None or ty.nbytes > g.tensors[best[1]].nbytes:
                best = (x, y)
    return best
