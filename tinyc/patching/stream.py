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
from tinyc.patching.receptive import Region, Stage, back_region, split_points


@dataclass
class NodeBand:
    """Stage node n on band t: input rows `need` (pads: the patch's own), output rows `new`
    (need None and new empty: nothing new, the node is skipped on this band). The output's
    per-patch buffer holds rows [y_start, new.y1) of the full tensor: `restore` cached rows
    first, then the new ones (at buffer row y_row = restore); afterwards save = (first buffer
    row, rows) goes to the cache for the next band. x_row: buffer row of X where need starts."""

    need: Region | None
    pads: tuple[int, int, int, int]
    new: Region
    y_start: int
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


def _rows(n: Node, g: Graph, c: int, target: int, avail: int) -> tuple[int, Region | None, tuple]:
    """The most rows [c, hi), hi <= target, node n can compute from its input's first `avail`
    rows: (hi, input rows needed or None, pads)."""
    w = g.tensors[n.outputs[0]].shape[2]
    for hi in range(target, c, -1):
        need, pads = back_region(n, g, Region(c, hi, 0, w))
        if need.y1 <= avail:
            return hi, need, pads
    return c, None, (0, 0, 0, 0)


def stream_bands(stage: Stage, nbands: int) -> tuple[list[Region], list[list[NodeBand]]]:
    """Per band, the input window it copies and, per stage node, its NodeBand. Band t moves
    every node forward to its share ceil(H * (t + 1) / nbands) of its output rows, or as far as
    the rows its input has so far allow (the last band finishes every tensor): a line buffer
    that lags each layer by its halo, so the per-band buffers stay near H / nbands rows."""
    check_stream(stage)
    g = stage.graph
    _, ih, iw, _ = g.tensors[stage.input].shape
    done: dict[str, int] = {stage.input: ih}
    raw, windows = [], []
    for t in range(nbands):
        row = []
        for n in stage.nodes:
            x, y = n.inputs[0], n.outputs[0]
            hy, wy = g.tensors[y].shape[1:3]
            target = hy if t == nbands - 1 else -(-hy * (t + 1) // nbands)
            c = done.get(y, 0)
            hi, need, pads = _rows(n, g, c, max(target, c), done[x])
            row.append([need, pads, Region(c, hi, 0, wy), None])
            done[y] = hi
        for i in range(len(row) - 1):  # what the consumer reads of each output this band
            row[i][3] = row[i + 1][0]
        row[-1][3] = row[-1][2] if row[-1][2].h else None
        first = row[0][0]
        windows.append(first if first is not None else Region(0, 1, 0, iw))
        raw.append(row)
    if any(done[n.outputs[0]] < g.tensors[n.outputs[0]].shape[1] for n in stage.nodes):
        raise AssertionError("streaming left rows uncomputed")
    # Buffer start of each output per band: its first new row, the first row its consumer reads,
    # and the first row the next band still needs (the cache), whichever is lowest.
    starts = [[0] * len(stage.nodes) for _ in raw]
    for t in range(len(raw) - 1, -1, -1):
        for i, (_, _, new, want) in enumerate(raw[t]):
            nxt = starts[t + 1][i] if t + 1 < len(raw) else new.y1
            starts[t][i] = min(new.y0, want.y0 if want is not None else new.y0, nxt)
    bands = []
    for t, row in enumerate(raw):
        out = []
        for i, (need, pads, new, _) in enumerate(row):
            s0 = starts[t][i]
            keep = new.y1 - starts[t + 1][i] if t + 1 < len(raw) else 0
            if need is None:
                x_row = 0
            elif i == 0:
                x_row = need.y0 - windows[t].y0
            else:
                x_row = need.y0 - starts[t][i - 1]
            out.append(NodeBand(need, pads, new, s0, new.y0 - s0, (new.y1 - s0 - keep, keep), x_row, new.y0 - s0))
        bands.append(out)
    return windows, bands


def buffer_rows(stage: Stage, bands: list[list[NodeBand]]) -> list[int]:
    """Per stage node, the most rows its output's per-patch buffer holds."""
    return [max(b[i].new.y1 - b[i].y_start for b in bands) for i in range(len(stage.nodes))]


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


def run_stage_stream(stage: Stage, x_full: np.ndarray, nbands: int, seed: int = 0, load=None,
                     post=None) -> np.ndarray:
    """The split tensor, band by band, exactly as the C loop runs it: per node a per-patch buffer
    (filled with junk first, so a row read before it was written shows), the cache rows restored
    on top, the new rows computed from the input buffer's rows at x_row, the next band's rows
    saved to the cache; the split node's new rows are stitched into the split tensor. load(x, r):
    the stage input's window r read from the model input x (an input interface, tinyc.patching.split).
    post(t, i, rows): what node i's new rows on band t are stored as (QuantMCU: tinyc/quantmcu/stream.py)."""
    g = stage.graph
    windows, bands = stream_bands(stage, nbands)
    rng = np.random.default_rng(seed)
    out_t = g.tensors[stage.output]
    y_full = np.zeros(out_t.shape, dtype=out_t.dtype)
    rows = buffer_rows(stage, bands)
    caches = {n.outputs[0]: np.zeros((1, max(rows[i], 1), *g.tensors[n.outputs[0]].shape[2:]),
                                     dtype=g.tensors[n.outputs[0]].dtype) for i, n in enumerate(stage.nodes)}
    for band, (win, row) in enumerate(zip(windows, bands)):
        xbuf = x_full[:, win.y0:win.y1, win.x0:win.x1, :] if load is None else load(x_full, win)
        for i, (n, nb) in enumerate(zip(stage.nodes, row)):
            y = n.outputs[0]
            t = g.tensors[y]
            ybuf = rng.integers(-128, 128, (1, max(rows[i], 1), *t.shape[2:])).astype(t.dtype)
            ybuf[:, :nb.restore] = caches[y][:, :nb.restore]
            if nb.need is not None:
                pg = node_graph(stage, n, nb)
                args = [xbuf[:, nb.x_row:nb.x_row + nb.need.h, nb.need.x0:nb.need.x1, :]]
                args += [g.tensors[c].data if c else None for c in n.inputs[1:]]
                res = np.asarray(op_module(n.op).ref(pg.nodes[0], pg, *args)[0]).reshape(pg.tensors[y].shape)
                if post is not None:
                    res = post(band, i, res.astype(t.dtype))
                ybuf[:, nb.y_row:nb.y_row + nb.new.h] = res
            first, keep = nb.save
            caches[y][:, :keep] = ybuf[:, first:first + keep]
            xbuf = ybuf
        last = row[-1]
        y_full[:, last.new.y0:last.new.y1] = xbuf[:, last.y_row:last.y_row + last.new.h]
    return y_full


def cache_name(y: str) -> str:
    return f"cache:{y}"


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


def stream_schedule(costs, split: int, nbands: int, copy_input: bool = True):
    """(steps, sizes, MACs, stage, input windows, bands) of the streaming plan: split after node `split`,
    nbands full-width row bands, halo rows cached. Steps as tinyc.patching.plan's loop (one
    iteration stands for all), never in place, plus one cache buffer per node output that keeps
    rows for the next band, live over the whole loop (written at patch.begin, read at stitch)."""
    from tinyc.backend.schedule import steps_of
    from tinyc.memory import Step
    g = costs.g
    from tinyc.patching.receptive import stage_of
    stage = stage_of(g, split)
    windows, bands = stream_bands(stage, nbands)
    sizes: dict[str, int] = {f"patch:{stage.input}": max(r.h * r.w for r in windows) * costs.pixel_bytes(stage.input)}
    for n, rows in zip(stage.nodes, buffer_rows(stage, bands)):
        y = n.outputs[0]
        sizes[f"patch:{y}"] = max(rows, 1) * g.tensors[y].shape[2] * costs.pixel_bytes(y)
    keep = cache_rows(stage, bands)
    caches = []
    for n, rows in zip(stage.nodes, keep):
        if rows:
            y = n.outputs[0]
            sizes[cache_name(y)] = rows * g.tensors[y].shape[2] * costs.pixel_bytes(y)
            caches.append(cache_name(y))
    steps = [Step("patch.begin", [], [stage.output, *caches])]
    if copy_input:
        steps.append(Step("patch.load", [stage.input], [f"patch:{stage.input}"]))
    macs = 0
    for i, n in enumerate(stage.nodes):
        calls = [c for c in band_calls(stage, bands, i) if c is not None]
        scratch = max((c.scratch for c in calls), default=0)
        x = n.inputs[0]
        reads = [x if x == stage.input and not copy_input else f"patch:{x}"]
        steps.append(Step(f"patch.{n.name}", reads, [f"patch:{n.outputs[0]}"], scratch, None))
    macs = sum(stream_macs(stage, bands))
    steps.append(Step("patch.stitch", [f"patch:{stage.output}", *caches], []))
    if not copy_input or stage.input not in costs.in_arena:
        sizes.pop(f"patch:{stage.input}", None)
    rest = steps_of(g, costs.calls[split + 1:], costs.in_arena)
    sizes.update({x: costs.bytes_of(x) for x in costs.in_arena})
    for x in {x for n in stage.nodes for x in n.outputs} - {stage.output}:
        sizes.pop(x, None)
    macs += sum(costs.node_macs[split + 1:])
    return steps + rest, sizes, macs, stage, windows, bands


def evaluate_stream(costs, split: int, nbands: int, copy_input: bool = True):
    """The planned arena and MACs of one streaming candidate (a PatchPlan with stream=True)."""
    from tinyc.patching.plan import _finish
    steps, sizes, macs, stage, windows, _ = stream_schedule(costs, split, nbands, copy_input)
    t = costs.g.tensors[stage.output]
    biggest = max(windows, key=lambda r: r.h * r.w)
    extra = dict(split_tensor=stage.output, split_shape=t.shape, max_patch_input=(biggest.h, biggest.w),
                 stream=True)
    return _finish(costs, steps, sizes, split, (nbands, 1), macs, extra)


# Band counts tried for a one-column (1-D) split tensor: its rows are time steps, thousands of them;
# every band adds its geometry to the loop's constant tables (about 100 B of flash per node) and a
# call per node, while the per-band buffers are already small at a few dozen bands.
ONE_COLUMN_BANDS = (8, 16, 32, 64)


def band_counts(split_rows: int, input_rows: int, one_column: bool = False) -> list[int]:
    """The band counts the search tries for a split tensor of split_rows rows: half, one, two
    and four bands per split row, within 2..input_rows // 2 (a fixed count: deterministic);
    a one-column split tensor (1-D maps): ONE_COLUMN_BANDS, at most one per split row."""
    if one_column:
        return [n for n in ONE_COLUMN_BANDS if n <= split_rows]
    want = {max(split_rows // 2, 2), split_rows, 2 * split_rows, 4 * split_rows}
    return sorted(n for n in want if 2 <= n <= max(input_rows // 2, 2))


def search_stream(costs, splits: list[int], budget: int | None = None, bound: float | None = None):
    """The streaming plan with the least work_bytes (ties: fewer bands) over chain stages ending at
    `splits` (with a budget: the least among those that fit), or None. Candidates whose work_bytes
    provably exceed `bound` (or the best so far) are not planned (their lower bound says so)."""
    from tinyc.patching.plan import work_lower_bound
    from tinyc.patching.receptive import stage_of
    from tinyc.patching.search import rest_floor
    g = costs.g
    best = None
    floor = rest_floor(costs)
    for s in splits:
        if best is not None and floor[s] > best.work_bytes:
            continue  # the layers after s alone need more than the best plan so far
        stage = stage_of(g, s)
        if not is_chain(stage):
            continue
        _, rows, cols, _ = g.tensors[stage.output].shape
        for nb in band_counts(rows, g.tensors[stage.input].shape[1], cols == 1):
            limit = min(x for x in (bound, budget, best.work_bytes if best else None, float("inf")) if x is not None)
            if limit < float("inf") and work_lower_bound(costs, *stream_schedule(costs, s, nb)[:2]) > limit:
                continue
            p = evaluate_stream(costs, s, nb)
            if budget is not None and p.work_bytes > budget:
                continue
            if best is None or (p.work_bytes, nb) < (best.work_bytes, best.grid[0]):
                best = p
    return best
