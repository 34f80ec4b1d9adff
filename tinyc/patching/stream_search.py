"""The cost of a streaming plan (row bands with halo caching, tinyc.patching.stream) and the search
over its split points and band counts.

A streaming plan runs as the schedule of tinyc.patching.plan's patch loop (one iteration stands
for all bands; per-band buffers sized by the largest band, never in place), plus one cache buffer
per stage tensor that keeps rows for the next band, live over the whole loop (written at
patch.begin, read at patch.stitch). Its MACs are layer by layer's: nothing is recomputed.
"""
from __future__ import annotations

from tinyc.memory import Step
from tinyc.ops import op_module
from tinyc.patching.receptive import stage_of
from tinyc.patching.stream import (activations, buffer_rows, cache_name, cache_rows, node_graph,
                                   stream_bands, stream_problem)


def _band_costs(costs, stage, bands, i: int) -> tuple[int, int]:
    """(largest kernel scratch, MACs summed) of stage node i over the bands; one lowering per
    distinct band geometry (input rows, output rows, pads), kept on costs."""
    memo = costs.__dict__.setdefault("_stream_memo", {})
    n = stage.nodes[i]
    scratch = macs = 0
    for b in bands:
        nb = b[i]
        if nb.need is None:
            continue
        key = (n.name, nb.need.h, nb.new.h, nb.pads)
        if key not in memo:
            pg = node_graph(stage, n, nb)
            memo[key] = (op_module(n.op).lower(pg.nodes[0], pg).scratch, op_module(n.op).macs(pg.nodes[0], pg))
        scratch, macs = max(scratch, memo[key][0]), macs + memo[key][1]
    return scratch, macs


def stream_schedule(costs, split: int, nbands: int, copy_input: bool = True):
    """(steps, sizes, MACs, stage, input windows, bands) of the streaming plan: split after node
    `split`, nbands full-width row bands, halo rows cached (see the module docstring)."""
    from tinyc.backend.schedule import steps_of
    g = costs.g
    stage = stage_of(g, split)
    windows, bands = stream_bands(stage, nbands)
    sizes: dict[str, int] = {f"patch:{stage.input}": max(r.h * r.w for r in windows) * costs.pixel_bytes(stage.input)}
    for n, rows in zip(stage.nodes, buffer_rows(stage, bands)):
        y = n.outputs[0]
        sizes[f"patch:{y}"] = max(rows, 1) * g.tensors[y].shape[2] * costs.pixel_bytes(y)
    caches = []
    for n, rows in zip(stage.nodes, cache_rows(stage, bands)):
        if rows:
            y = n.outputs[0]
            sizes[cache_name(y)] = rows * g.tensors[y].shape[2] * costs.pixel_bytes(y)
            caches.append(cache_name(y))
    steps = [Step("patch.begin", [], [stage.output, *caches])]
    if copy_input:
        steps.append(Step("patch.load", [stage.input], [f"patch:{stage.input}"]))
    macs = 0
    for i, n in enumerate(stage.nodes):
        scratch, m = _band_costs(costs, stage, bands, i)
        macs += m
        reads = [x if x == stage.input and not copy_input else f"patch:{x}" for _, x in activations(g, n)]
        steps.append(Step(f"patch.{n.name}", list(dict.fromkeys(reads)), [f"patch:{n.outputs[0]}"], scratch, None))
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
    """The streaming plan with the least work_bytes (ties: fewer bands) over the stages ending at
    `splits` that can stream (stream_problem), with a budget the least among those that fit, or
    None. Candidates whose work_bytes provably exceed `bound` (or the best so far) are not planned
    (their lower bound says so)."""
    from tinyc.patching.plan import work_lower_bound
    from tinyc.patching.search import rest_floor
    g = costs.g
    best = None
    floor = rest_floor(costs)
    for s in splits:
        if best is not None and floor[s] > best.work_bytes:
            continue  # the layers after s alone need more than the best plan so far
        stage = stage_of(g, s)
        if stream_problem(stage) is not None:
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
