"""Row-band streaming with halo caching (StreamNet-style): patches are full-width row bands of
the split tensor, and every stage node computes only the rows no earlier band computed.

For band t, patch_regions gives each stage tensor Y the rows [a_t, b_t) its consumers need.
Rows [a_t, b_{t-1}) were computed by band t - 1: they are kept in a small cache buffer
(`cache:<Y>`, live over the whole loop) and copied back on top of Y's per-patch buffer, so the
producer computes only the new rows [c_t, b_t), c_t = max(a_t, b_{t-1}), from the input rows
back_region gives for them (with the real image border's pads only). Nothing is recomputed:
the stage's MACs equal layer by layer's.

Per band and node the C loop runs (templates/patch_ops.j2):
    restore  cache rows [a_t, c_t) of Y -> rows [0, c_t - a_t) of Y's per-patch buffer
    kernel   input rows `need` (at row need.y0 - a_t(X) of X's buffer) -> Y rows [c_t, b_t)
    save     rows [a_{t+1}, b_t) of Y (what band t + 1 needs again) -> the cache
Stages must be chains (each node reads the previous node's output) of window and elementwise
ops; per-patch buffers never run in place (the new rows sit below the cached ones).
The numpy executor run_stage_stream is the oracle of this arithmetic: it must equal layer
by layer byte for byte (tests/patching/test_stream.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ir import Graph, Node, Tensor
from tinyc.ops import op_module
from tinyc.patching.patch_graph import patch_attrs
from tinyc.patching.receptive import PatchRegions, Region, Stage, back_region, stage_tiles


@dataclass
class NodeBand:
    """Stage node n on band t: input rows `need` (pads: the patch's own), output rows `new`
    (need None and new empty: nothing new, the node is skipped on this band);
    restore: cached rows put on top of the output buffer; save: (first row in the buffer,
    rows) copied to the cache afterwards; x_row / y_row: buffer rows where need / new start."""

    need: Region
    pads: tuple[int, int, int, int]
    new: Region
    restore: int
    save: tuple[int, int]
    x_row: int
    y_row: int


def is_chain(stage: Stage) -> bool:
    """Every node reads exactly one activation: the previous node's output (the first: the input)."""
    g, prev = stage.graph, stage.input
    for n in stage.nodes:
        acts = [x for x in n.inputs if x and not g.tensors[x].is_const]
        if acts != [prev] or len(n.outputs) != 1:
            return False
        prev = n.outputs[0]
    return True


def check_stream(stage: Stage) -> None:
    """TinycError unless the stage can stream (a chain)."""
    if not is_chain(stage):
        n = stage.nodes[-1]
        raise TinycError("row-band streaming needs a chain stage (each node reading the previous node's "
                         "output); this stage has a branch", where(stage.graph.source, n.name, n.op))


def stream_bands(stage: Stage, nbands: int) -> tuple[list[PatchRegions], list[list[NodeBand]]]:
    """The nbands x 1 grid's regions and, per band, per stage node, its NodeBand."""
    check_stream(stage)
    g = stage.graph
    tiles = stage_tiles(stage, nbands, 1)
    done: dict[str, int] = {}  # tensor -> rows computed so far (b_{t-1})
    bands = []
    for t, pr in enumerate(tiles):
        nxt = tiles[t + 1] if t + 1 < len(tiles) else None
        row = []
        for n in stage.nodes:
            x, y = n.inputs[0], n.outputs[0]
            a, b = pr.regions[y].y0, pr.regions[y].y1
            c = max(a, done.get(y, 0))
            full = pr.regions[y]
            new = Region(c, b, full.x0, full.x1)
            if new.h < 1:  # earlier bands computed every row this one needs: the node is skipped
                keep = 0 if nxt is None else max(0, b - nxt.regions[y].y0)
                row.append(NodeBand(None, (0, 0, 0, 0), new, b - a, (b - a - keep, keep), 0, b - a))
                continue
            need, pads = back_region(n, g, new)
            if not pr.regions[x].contains(need):
                raise AssertionError(f"{n.name}: band {t} needs rows outside the input's region")
            keep = 0 if nxt is None else max(0, b - nxt.regions[y].y0)
            row.append(NodeBand(need, pads, new, c - a, (b - a - keep, keep),
                                need.y0 - pr.regions[x].y0, c - a))
            done[y] = b
        bands.append(row)
    return tiles, bands


def cache_rows(stage: Stage, bands: list[list[NodeBand]]) -> list[int]:
    """Per stage node, the most rows of its output any band keeps for the next."""
    return [max(b[i].save[1] for b in bands) for i in range(len(stage.nodes))]


def node_graph(stage: Stage, n: Node, nb: NodeBand) -> Graph:
    """Node n alone on one band: its input the rows `need`, its output the rows `new`."""
    g = stage.graph
    pg = Graph(f"{g.name}_band", source=g.source)
    for name, r in ((n.inputs[0], nb.need), (n.outputs[0], nb.new)):
        t = g.tensors[name]
        pg.add_tensor(Tensor(name, (1, r.h, r.w, t.shape[3]), t.dtype, None, t.q))
    for x in n.inputs[1:]:
        if x:
            pg.tensors[x] = g.tensors[x]
    pg.nodes.append(Node(n.op, n.name, list(n.inputs), list(n.outputs), patch_attrs(n, nb.pads)))
    pg.inputs, pg.outputs = [n.inputs[0]], [n.outputs[0]]
    return pg


def stream_macs(stage: Stage, bands: list[list[NodeBand]]) -> list[int]:
    """Per stage node, its MACs summed over the bands (layer by layer's, when nothing is recomputed)."""
    out = []
    for i, n in enumerate(stage.nodes):
        pgs = [node_graph(stage, n, b[i]) for b in bands if b[i].need is not None]
        out.append(sum(op_module(n.op).macs(pg.nodes[0], pg) for pg in pgs))
    return out


def run_stage_stream(stage: Stage, x_full: np.ndarray, nbands: int) -> np.ndarray:
    """The split tensor, band by band, each node computing only its new rows from the rows
    computed so far (a full-size store stands for per-patch buffer + cache: every row it reads
    must have been computed already, which is asserted)."""
    g = stage.graph
    _, bands = stream_bands(stage, nbands)
    store = {stage.input: x_full}
    done = {stage.input: x_full.shape[1]}
    for n in stage.nodes:
        t = g.tensors[n.outputs[0]]
        store[n.outputs[0]] = np.zeros(t.shape, dtype=t.dtype)
        done[n.outputs[0]] = 0
    for row in bands:
        for n, nb in zip(stage.nodes, row):
            x, y = n.inputs[0], n.outputs[0]
            if nb.need is None:
                continue
            assert nb.need.y1 <= done[x] and nb.new.y0 == done[y], (n.name, nb)
            pg = node_graph(stage, n, nb)
            args = [store[x][:, nb.need.y0:nb.need.y1, nb.need.x0:nb.need.x1, :]]
            args += [g.tensors[c].data if c else None for c in n.inputs[1:]]
            out = op_module(n.op).ref(pg.nodes[0], pg, *args)[0]
            store[y][:, nb.new.y0:nb.new.y1, nb.new.x0:nb.new.x1, :] = np.asarray(out).reshape(pg.tensors[y].shape)
            done[y] = nb.new.y1
    assert done[stage.output] == g.tensors[stage.output].shape[1]
    return store[stage.output]
