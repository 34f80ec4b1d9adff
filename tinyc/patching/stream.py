"""Row-band streaming with halo caching (StreamNet-style): patches are full-width row bands of
the split tensor, and every stage node computes only the rows no earlier band computed.

A stage may be any DAG the grid loop runs without a global reduction: a tensor read by several
nodes (a residual or an Inception block's branches), add / mul / concat over several activations,
branches with different halos, channel slices, elementwise ops. Every buffer is full width, so a
node reading fewer rows of X than X's buffer holds (a short branch) reads at a row offset into
it: a pointer offset, never a copy. Horizontally every band is exactly the layer-by-layer node
(the layer's own left/right pads); vertically it has the band's own rows and border pads.

Band t moves every node forward, in the stage's order, to its share ceil(H (t + 1) / nbands) of
its output rows, or as far as the rows its inputs have so far allow (the last band finishes
every tensor): a line buffer that lags each node by its halo. For each stage tensor Y:
    new      rows [c_t, b_t) computed by band t (c_t = b_{t-1}): nothing is ever recomputed, so
             the stage's MACs equal layer by layer's
    buffer   rows [s_t, b_t) in Y's per-band buffer, s_t the lowest of c_t, the first row any
             reader of Y reads in band t, and s_{t+1} (what the next band restores)
    cache    rows [s_{t+1}, b_t) of Y kept in a small cache buffer (`cache:<Y>`, live over the
             whole loop) and restored on top of Y's buffer in band t + 1
A reader of Y reads its rows `need` at buffer row need.y0 - s_t. The stage input is not cached:
each band loads the rows of the model input its readers need (the window).

Per band and node the C loop runs (templates/patch_ops.j2):
    restore  cache rows [s_t, c_t) of Y -> rows [0, c_t - s_t) of Y's buffer
    kernel   each input X's rows `need` (at row need.y0 - s_t(X) of X's buffer) -> Y rows [c_t, b_t)
    save     rows [s_{t+1}, b_t) of Y (what band t + 1 needs again) -> the cache
Per-band buffers never run in place (the new rows sit below the restored ones). Squeeze-excite
(a global mean) cannot stream: every band would need the whole tensor first.
The numpy executor run_stage_stream is the oracle of this arithmetic: it must equal layer by
layer byte for byte (tests/patching/test_stream.py); the generated C must equal it.
The memory cost and the search over split points and band counts are tinyc.patching.stream_search.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ir import Graph, Node, Tensor
from tinyc.ops import op_module
from tinyc.patching.patch_graph import patch_attrs
from tinyc.patching.receptive import WINDOW_OPS, Region, Stage, back_region, window


@dataclass
class NodeBand:
    """Stage node n on band t: rows `need` of every activation input, full width (pads: top and
    bottom the band's own, left and right the layer's), output rows `new` (need None and new
    empty: nothing new, the node is skipped on this band). The output's per-band buffer holds rows
    [y_start, new.y1) of the full tensor: `restore` cached rows first, then the new ones (at
    buffer row y_row = restore); afterwards save = (first buffer row, rows) goes to the cache for
    the next band. x_rows: per input of n, the buffer row of that input where need starts
    (None for a constant)."""

    need: Region | None
    pads: tuple[int, int, int, int]
    new: Region
    y_start: int
    restore: int
    save: tuple[int, int]
    x_rows: tuple
    y_row: int

    @property
    def x_row(self) -> int:
        """The buffer row of the first activation input where need starts."""
        return next((r for r in self.x_rows if r is not None), 0)


def activations(g: Graph, n: Node) -> list[tuple[int, str]]:
    """(input index, tensor) of every activation input of n."""
    return [(j, x) for j, x in enumerate(n.inputs) if x and not g.tensors[x].is_const]


def stream_problem(stage: Stage) -> str | None:
    """Why the stage cannot stream, or None: it must have no global reduction (squeeze-excite),
    one output per node, every tensor but the split read by a later stage node, one activation
    input per window op, and the same rows and columns on every input and output of the others."""
    g = stage.graph
    if stage.reductions or stage.globals:
        return "a squeeze-excite branch (a global mean) needs the whole tensor before any band"
    read = {x for n in stage.nodes for _, x in activations(g, n)}
    for n in stage.nodes:
        acts = activations(g, n)
        if len(n.outputs) != 1 or not acts:
            return f"node '{n.name}' must have one output and an activation input"
        if n.outputs[0] != stage.output and n.outputs[0] not in read:
            return f"node '{n.name}' does not feed the split tensor"
        if n.op in WINDOW_OPS or n.op == "pad":
            if len(acts) != 1:
                return f"window node '{n.name}' reads {len(acts)} activations"
            continue
        hw = g.tensors[n.outputs[0]].shape[1:3]
        if any(g.tensors[x].shape[1:3] != hw for _, x in acts):
            return f"node '{n.name}' broadcasts an activation over rows or columns"
    return None


def check_stream(stage: Stage) -> None:
    """TinycError unless the stage can stream (stream_problem)."""
    why = stream_problem(stage)
    if why is not None:
        n = stage.nodes[-1]
        raise TinycError(f"row-band streaming cannot run this stage: {why}", where(stage.graph.source, n.name, n.op))


def band_need(n: Node, g: Graph, out: Region) -> tuple[Region, tuple[int, int, int, int]]:
    """The full-width input rows node n needs for output rows `out`, and its pads (top, left,
    bottom, right): the rows' own border pads, the layer's left and right pads."""
    x = next(x for _, x in activations(g, n))
    w = g.tensors[x].shape[2]
    need, pads = back_region(n, g, out)
    if n.op in WINDOW_OPS or n.op == "pad":
        full = window(n, g)[2]
        pads = (pads[0], full[1], pads[2], full[3])
    return Region(need.y0, need.y1, 0, w), pads


def _rows(n: Node, g: Graph, c: int, target: int, avail: int) -> tuple[int, Region | None, tuple]:
    """The most rows [c, hi), hi <= target, node n can compute from its inputs' first `avail`
    rows: (hi, input rows needed or None, pads). The rows needed grow with hi: a bisection."""
    w = g.tensors[n.outputs[0]].shape[2]
    lo, hi, found = c, target, None
    while lo < hi:  # the largest h in (lo, hi] whose need fits, if any
        mid = (lo + hi + 1) // 2
        need, pads = band_need(n, g, Region(c, mid, 0, w))
        if need.y1 <= avail:
            lo, found = mid, (need, pads)
        else:
            hi = mid - 1
    if found is None:
        return c, None, (0, 0, 0, 0)
    return lo, *found


def _advance(stage: Stage, nbands: int) -> list[list[tuple]]:
    """Per band, per stage node (need, pads, new rows): each node moves to its share of its
    rows, or as far as its inputs allow; the last band finishes every tensor."""
    g = stage.graph
    done: dict[str, int] = {stage.input: g.tensors[stage.input].shape[1]}
    raw = []
    for t in range(nbands):
        row = []
        for n in stage.nodes:
            y = n.outputs[0]
            hy, wy = g.tensors[y].shape[1:3]
            target = hy if t == nbands - 1 else -(-hy * (t + 1) // nbands)
            c = done.get(y, 0)
            avail = min(done[x] for _, x in activations(g, n))
            hi, need, pads = _rows(n, g, c, max(target, c), avail)
            row.append((need, pads, Region(c, hi, 0, wy)))
            done[y] = hi
        raw.append(row)
    if any(done[n.outputs[0]] < g.tensors[n.outputs[0]].shape[1] for n in stage.nodes):
        raise AssertionError("streaming left rows uncomputed")
    return raw


def stream_bands(stage: Stage, nbands: int) -> tuple[list[Region], list[list[NodeBand]]]:
    """Per band, the input window it loads (full width) and, per stage node, its NodeBand."""
    check_stream(stage)
    g = stage.graph
    iw = g.tensors[stage.input].shape[2]
    raw = _advance(stage, nbands)
    producer = {n.outputs[0]: i for i, n in enumerate(stage.nodes)}
    reads = []  # per band: tensor -> (first row, end row) its readers read
    for row in raw:
        r: dict[str, tuple[int, int]] = {}
        for n, (need, _, _) in zip(stage.nodes, row):
            if need is not None:
                for _, x in activations(g, n):
                    a, b = r.get(x, (need.y0, need.y1))
                    r[x] = (min(a, need.y0), max(b, need.y1))
        reads.append(r)
    windows = [Region(*r[stage.input], 0, iw) if stage.input in r else Region(0, 1, 0, iw) for r in reads]
    # Buffer start of each output per band: its first new row, the first row a reader reads, and
    # the first row the next band restores (the cache), whichever is lowest.
    starts = [[0] * len(stage.nodes) for _ in raw]
    for t in range(len(raw) - 1, -1, -1):
        for i, (n, (_, _, new)) in enumerate(zip(stage.nodes, raw[t])):
            nxt = starts[t + 1][i] if t + 1 < len(raw) else new.y1
            starts[t][i] = min(new.y0, reads[t].get(n.outputs[0], (new.y0,))[0], nxt)
    bands = []
    for t, row in enumerate(raw):
        out = []
        for i, (n, (need, pads, new)) in enumerate(zip(stage.nodes, row)):
            s0 = starts[t][i]
            keep = new.y1 - starts[t + 1][i] if t + 1 < len(raw) else 0
            x_rows = []
            for x in n.inputs:
                if not x or g.tensors[x].is_const:
                    x_rows.append(None)
                elif need is None:
                    x_rows.append(0)
                else:
                    x_rows.append(need.y0 - (windows[t].y0 if x == stage.input else starts[t][producer[x]]))
            out.append(NodeBand(need, pads, new, s0, new.y0 - s0, (new.y1 - s0 - keep, keep), tuple(x_rows),
                                new.y0 - s0))
        bands.append(out)
    return windows, bands


def buffer_rows(stage: Stage, bands: list[list[NodeBand]]) -> list[int]:
    """Per stage node, the most rows its output's per-band buffer holds."""
    return [max(b[i].new.y1 - b[i].y_start for b in bands) for i in range(len(stage.nodes))]


def cache_rows(stage: Stage, bands: list[list[NodeBand]]) -> list[int]:
    """Per stage node, the most rows of its output any band keeps for the next."""
    return [max(b[i].save[1] for b in bands) for i in range(len(stage.nodes))]


def node_graph(stage: Stage, n: Node, nb: NodeBand) -> Graph:
    """Node n alone on one band: each activation input the rows `need`, its output the rows
    `new`, all full width; constants shared with the stage's graph."""
    g = stage.graph
    pg = Graph(f"{g.name}_band", source=g.source)
    acts = [x for _, x in activations(g, n)]
    for name, r in [(x, nb.need) for x in dict.fromkeys(acts)] + [(n.outputs[0], nb.new)]:
        t = g.tensors[name]
        pg.add_tensor(Tensor(name, (1, r.h, t.shape[2], t.shape[3]), t.dtype, None, t.q))
    for x in n.inputs:
        if x and x not in pg.tensors:
            pg.tensors[x] = g.tensors[x]
    attrs = patch_attrs(n, nb.pads)
    if n.op == "strided_slice":  # a channel slice: the band's rows, every column
        attrs["size"] = (1, nb.new.h, *tuple(n.attrs["size"])[2:])
    pg.nodes.append(Node(n.op, n.name, list(n.inputs), list(n.outputs), attrs))
    pg.inputs, pg.outputs = list(dict.fromkeys(acts)), [n.outputs[0]]
    return pg


def stream_macs(stage: Stage, bands: list[list[NodeBand]]) -> list[int]:
    """Per stage node, its MACs summed over the bands (layer by layer's: nothing is recomputed)."""
    out = []
    for i, n in enumerate(stage.nodes):
        pgs = [node_graph(stage, n, b[i]) for b in bands if b[i].need is not None]
        out.append(sum(op_module(n.op).macs(pg.nodes[0], pg) for pg in pgs))
    return out


def band_calls(stage: Stage, bands: list[list[NodeBand]], i: int) -> list:
    """Stage node i lowered on every band that computes rows (None where it is skipped)."""
    n = stage.nodes[i]
    out = []
    for b in bands:
        if b[i].need is None:
            out.append(None)
            continue
        pg = node_graph(stage, n, b[i])
        out.append(op_module(n.op).lower(pg.nodes[0], pg))
    return out


def cache_name(y: str) -> str:
    return f"cache:{y}"


def run_stage_stream(stage: Stage, x_full: np.ndarray, nbands: int, seed: int = 0, load=None) -> np.ndarray:
    """The split tensor, band by band, exactly as the C loop runs it: per node a per-band buffer
    (filled with junk first, so a row read before it was written shows), the cache rows restored
    on top, the new rows computed from each input buffer's rows at its x_row, the next band's rows
    saved to the cache; the split node's new rows are stitched into the split tensor. load(x, r):
    the stage input's window r read from the model input x (an input interface, tinyc.patching.split)."""
    g = stage.graph
    windows, bands = stream_bands(stage, nbands)
    rng = np.random.default_rng(seed)
    out_t = g.tensors[stage.output]
    y_full = np.zeros(out_t.shape, dtype=out_t.dtype)
    rows = buffer_rows(stage, bands)
    caches = {n.outputs[0]: np.zeros((1, max(rows[i], 1), *g.tensors[n.outputs[0]].shape[2:]),
                                     dtype=g.tensors[n.outputs[0]].dtype) for i, n in enumerate(stage.nodes)}
    for win, row in zip(windows, bands):
        bufs = {stage.input: x_full[:, win.y0:win.y1, win.x0:win.x1, :] if load is None else load(x_full, win)}
        for i, (n, nb) in enumerate(zip(stage.nodes, row)):
            y = n.outputs[0]
            t = g.tensors[y]
            ybuf = rng.integers(-128, 128, (1, max(rows[i], 1), *t.shape[2:])).astype(t.dtype)
            ybuf[:, :nb.restore] = caches[y][:, :nb.restore]
            if nb.need is not None:
                pg = node_graph(stage, n, nb)
                args = [None if not x else g.tensors[x].data if r is None else bufs[x][:, r:r + nb.need.h]
                        for x, r in zip(n.inputs, nb.x_rows)]
                assert all(a.shape[1] == nb.need.h for a, r in zip(args, nb.x_rows) if r is not None), n.name
                res = np.asarray(op_module(n.op).ref(pg.nodes[0], pg, *args)[0]).reshape(pg.tensors[y].shape)
                ybuf[:, nb.y_row:nb.y_row + nb.new.h] = res
            first, keep = nb.save
            caches[y][:, :keep] = ybuf[:, first:first + keep]
            bufs[y] = ybuf
        last = row[-1]
        y_full[:, last.new.y0:last.new.y1] = bufs[stage.output][:, last.y_row:last.y_row + last.new.h]
    return y_full
