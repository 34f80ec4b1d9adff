"""Multi-pass patch stages: squeeze-excite means computed by pre-passes over the patches.

A stage with k global means (tinyc.patching.reduction) runs k + 1 passes over its
grid. Pass p < k is itself a patch stage (`pass_stage`): the spatial nodes that
reduction p's source tensor depends on, tiled nh x nw over that source (tiles never
overlap, so every source pixel is summed exactly once), each patch's tile summed per
channel into int32 `pre<p>:sum`. Then, once: the mean from the sums (tinyc.ops.mean.finish,
the layer-by-layer MEAN's arithmetic, or avg_pool2d.finish for a global average pool:
integer sums are associative, so the result is
bit-exact), and the rest of the branch (1x1 convs, sigmoid...) layer by layer. Its
outputs (the stage's `globals`) stay in the arena until the last pass that reads them
ends: every later pass's muls read them whole in every patch.

Schedule (tinyc.patching.plan.patch_schedule), per pre-pass p:

    pre<p>.begin       allocates pre<p>:sum (4 bytes per channel)
    pre<p>.<node>...   one loop iteration of pass p's nodes on per-patch buffers pre<p>:<tensor>
    pre<p>.sum         adds the patch's tile into pre<p>:sum (reads the globals the pass uses,
                       so that they stay live through the whole loop)
    <mean node>        the mean from pre<p>:sum
    <branch node>...   the rest of the branch, as layer by layer lowers it

then the main loop (whose patch.stitch reads every global for the same reason). MACs
count every pass's patches (halos included), the sums (one add per source element)
and the branch.

Store instead of recompute (`arrange`): when recomputing would put the plan over the
search's default MAC allowance, the costliest pre-passes stitch their source into a
whole tensor instead of summing it (pre<p>.begin allocates it, pre<p>.stitch fills it,
the mean's layer-by-layer call reads it); later passes stop at it (`Stage.stored`) and
each patch loads its window of it first (step '<pass>.load:<tensor>', C tc_copy_window).
"""
from __future__ import annotations

import numpy as np

from tinyc.backend.schedule import steps_of
from tinyc.errors import TinycError
from tinyc.memory import Step
from tinyc.ops import op_module
from tinyc.patching.patch_graph import build_patch_graph
from tinyc.patching.receptive import PatchRegions, Stage, stage_tiles
from tinyc.patching.reduction import ancestors, split_global


def spatial(stage: Stage) -> list:
    """Every spatial node of the stage (the arranged main stage may hold fewer: tinyc.patching.prepass.arrange)."""
    return split_global(stage.graph, stage.graph.nodes[:stage.split + 1])[0]


def _stored_before(stage: Stage, p: int) -> frozenset:
    return frozenset(r.source for r in stage.reductions[:p] if r.source in stage.stored)


def pass_stage(stage: Stage, p: int) -> Stage:
    """Pre-pass p as a stage: the spatial nodes reduction p's source depends on (not looking past
    earlier passes' stored sources), ending at that source; its globals are the earlier reductions'
    branch outputs it reads, its stored inputs the earlier stored sources it reads."""
    g, red = stage.graph, stage.reductions[p]
    stop = stage.globals | _stored_before(stage, p)
    nodes = ancestors(spatial(stage), red.source, stop)
    reads = {x for n in nodes for x in n.inputs if x}
    earlier = {y for r in stage.reductions[:p] for n in r.branch for y in n.outputs}
    assert stage.globals & reads <= earlier, (p, sorted(stage.globals & reads - earlier))
    split = next(i for i, n in enumerate(g.nodes) if red.source in n.outputs)
    return Stage(g, split, nodes, stage.input, red.source, (), stage.globals & reads, _stored_before(stage, p) & reads)


def with_stored(stage: Stage, stored: frozenset) -> Stage | None:
    """The main stage when the pre-passes of the reductions with these sources store them whole
    (the main pass and later passes read their windows instead of recomputing them); None when
    some pass would no longer read the model input (the loop's window loader needs it).
    Cached in the stage, so every grid of a split shares the stage and its patch-region caches."""
    key = ("with_stored", frozenset(stored))
    if key not in stage.memo:
        stage.memo[key] = _with_stored(stage, frozenset(stored))
    return stage.memo[key]


def _with_stored(stage: Stage, stored: frozenset) -> Stage | None:
    nodes = ancestors(spatial(stage), stage.output, stage.globals | stored)
    main = Stage(stage.graph, stage.split, nodes, stage.input, stage.output, stage.reductions, stage.globals,
                 stored)
    firsts = [pass_stage(main, p) for p in range(len(stage.reductions))] + [main]
    if any(stage.input not in {x for n in st.nodes for x in n.inputs} for st in firsts):
        return None
    return main


def _stage_macs(costs, stage: Stage, nh: int, nw: int) -> tuple[int, list[int]]:
    """(MACs of every pass of the stage and its branches, each pre-pass's own MACs)."""
    from tinyc.patching.plan import _loop_costs
    index = {n.name: i for i, n in enumerate(costs.g.nodes)}
    total = _loop_costs(costs, stage, stage_tiles(stage, nh, nw))[2]
    own = []
    for (sub, tiles), red in zip(passes(stage, nh, nw, costs), stage.reductions):
        own.append(_pass_loop(costs, sub, tiles, True)[2])
        total += own[-1] + sum(costs.node_macs[index[n.name]] for n in red.branch)
    return total, own


def arrange(costs, stage: Stage, nh: int, nw: int) -> Stage:
    """The stage as plan, lowering and numpy executor run it: every pre-pass sums and recomputes
    (least memory), unless the plan's MACs would then exceed the search's default allowance
    (search.MAX_MAC_OVERHEAD over layer by layer); then the pre-passes costing the most store their
    source whole instead, one at a time while that lowers the MACs, until the plan fits."""
    from tinyc.patching.search import MAX_MAC_OVERHEAD
    rest = sum(costs.node_macs[stage.split + 1:])
    allowed = costs.base_macs * (1 + MAX_MAC_OVERHEAD) - rest
    macs, own = _stage_macs(costs, stage, nh, nw)
    stored: frozenset = frozenset()
    for p in sorted(range(len(own)), key=lambda p: (-own[p], p)):
        if macs <= allowed:
            break
        cand = with_stored(stage, stored | {stage.reductions[p].source})
        if cand is None:
            continue
        m = _stage_macs(costs, cand, nh, nw)[0]
        if m < macs:
            stage, macs, stored = cand, m, stored | {stage.reductions[p].source}
    return stage


def pass_tiles(sub: Stage, nh: int, nw: int) -> list[PatchRegions]:
    """The tiles of pre-pass stage `sub`: the nh x nw grid over its source (capped at its size), or
    the largest smaller square-step grid whose every patch reads real input (1 x 1 always does)."""
    _, h, w, _ = sub.graph.tensors[sub.output].shape
    nh, nw = min(nh, h), min(nw, w)
    while True:
        try:
            return stage_tiles(sub, nh, nw)
        except TinycError:
            if nh == nw == 1:
                raise
            nh, nw = max(nh - 1, 1), max(nw - 1, 1)


def passes(stage: Stage, nh: int, nw: int, costs=None) -> list[tuple[Stage, list[PatchRegions]]]:
    """(pass stage, its tiles) of every pre-pass, in order. With costs (plan.ModelCosts), cached
    there: a pass depends only on its reduction, the sources stored before it and the grid, not on
    where the stage ends, so the search's candidates share it."""
    cache = None if costs is None else costs.__dict__.setdefault("_prepasses", {})
    out = []
    for p in range(len(stage.reductions)):
        key = (stage.reductions[p].source, _stored_before(stage, p), nh, nw)
        if cache is None or key not in cache:
            sub = pass_stage(stage, p)
            hit = (sub, pass_tiles(sub, nh, nw))
            if cache is None:
                out.append(hit)
                continue
            cache[key] = hit
        out.append(cache[key])
    return out


def _pass_loop(costs, sub: Stage, tiles, copy_input: bool):
    """plan._stage_steps of a pass, cached in costs by the pass's identity (see passes)."""
    from tinyc.patching.plan import _stage_steps
    cache = costs.__dict__.setdefault("_prepass_loops", {})
    key = (sub.output, sub.stored, tuple(pr.tile for pr in tiles), copy_input)
    if key not in cache:
        cache[key] = _stage_steps(costs, sub, tiles, copy_input)
    return cache[key]


def stored_reads(st: Stage) -> list[str]:
    """The stored tensors the stage's nodes read (each patch loads its window of them), sorted."""
    return sorted(st.stored & {x for n in st.nodes for x in n.inputs if x})


def sum_name(p: int) -> str:
    return f"pre{p}:sum"


def _renamer(p: int):
    def ren(x: str) -> str:
        return f"pre{p}:{x[len('patch:'):]}" if x.startswith("patch:") else x
    return ren


def branch_calls(costs, red) -> list:
    """The layer-by-layer calls of reduction red's branch after its mean (costs: plan.ModelCosts)."""
    index = {n.name: i for i, n in enumerate(costs.g.nodes)}
    return [costs.calls[index[n.name]] for n in red.branch[1:]]


def _with_loads(loop: list[Step], st: Stage, prefix: str, keep: list[str]) -> list[Step]:
    """A loop iteration's steps with a window load of every stored tensor st reads after its begin step
    ('<prefix>:<x>' per-patch copies), and `keep` (read whole, every patch) read by its last step."""
    out = []
    for i, step in enumerate(loop):
        if i == len(loop) - 1:
            step = Step(step.name, [*step.reads, *keep], step.writes, step.scratch, step.inplace)
        out.append(step)
        if i == 0:
            out += [Step(f"{prefix}.load:{x}", [x], [f"{prefix}:{x}"]) for x in stored_reads(st)]
    return out


def prepass_schedule(costs, stage: Stage, nh: int, nw: int, copy_input: bool, steps: list[Step],
                     sizes: dict[str, int], macs: int):
    """(steps, sizes, MACs) of the main loop's schedule (plan._stage_steps) with the pre-passes
    and branches before it (see the module docstring)."""
    g = costs.g
    index = {n.name: i for i, n in enumerate(g.nodes)}
    out: list[Step] = []
    sizes = dict(sizes)
    for p, (sub, tiles) in enumerate(passes(stage, nh, nw, costs)):
        red = stage.reductions[p]
        ren, acc = _renamer(p), sum_name(p)
        store = red.source in stage.stored
        loop, sz, m = _pass_loop(costs, sub, tiles, copy_input)
        steps_p = []
        for st in loop:
            if st.name == "patch.begin":
                steps_p.append(Step(f"pre{p}.begin", [], [red.source if store else acc]))
            elif st.name == "patch.stitch":
                steps_p.append(Step(f"pre{p}.{'stitch' if store else 'sum'}",
                                    [*map(ren, st.reads), *([] if store else [acc])], []))
            else:
                steps_p.append(Step(f"pre{p}.{st.name[len('patch.'):]}", [ren(x) for x in st.reads],
                                    [ren(x) for x in st.writes], st.scratch,
                                    (ren(st.inplace[0]), ren(st.inplace[1])) if st.inplace else None))
        out += _with_loads(steps_p, sub, f"pre{p}", sorted(sub.globals) + stored_reads(sub))
        sizes.update({ren(k): v for k, v in sz.items()})
        if store:  # the mean runs layer by layer on the stored source
            out += steps_of(g, [costs.calls[index[red.mean.name]]], costs.in_arena)
        else:
            sizes[acc] = 4 * g.tensors[red.source].shape[3]
            out.append(Step(red.mean.name, [acc], [red.output]))
        out += steps_of(g, branch_calls(costs, red), costs.in_arena)
        macs += m + sum(costs.node_macs[index[n.name]] for n in red.branch)
    return out + _with_loads(steps, stage, "patch", sorted(stage.globals) + stored_reads(stage)), sizes, macs


def run_prepasses(stage: Stage, x_full: np.ndarray, nh: int, nw: int, load=None) -> dict[str, np.ndarray]:
    """The globals and stored tensors of the stage, computed pass by pass in numpy as the C loop does:
    every patch's tile summed per channel (int64: exact) and the mean from the sums, or the tiles
    stitched into the stored source and the mean's ref on it; the branch by each op's ref."""
    from tinyc.patching.execute import run_patch
    g = stage.graph
    env: dict[str, np.ndarray] = {}
    for (sub, tiles), red in zip(passes(stage, nh, nw), stage.reductions):
        t = g.tensors[red.source]
        acc = np.zeros((1, 1, 1, t.shape[3]), dtype=np.int64)
        full = np.zeros(t.shape, dtype=t.dtype)
        for pr in tiles:
            tile = run_patch(build_patch_graph(sub, pr), x_full, load,
                             {x: env[x] for x in (*sub.globals, *stored_reads(sub))})
            acc += tile.astype(np.int64).sum(axis=(1, 2), keepdims=True)
            full[:, pr.tile.y0:pr.tile.y1, pr.tile.x0:pr.tile.x1, :] = tile
        if red.source in stage.stored:
            env[red.source] = full
            env[red.output] = np.asarray(op_module(red.mean.op).ref(red.mean, g, full)[0]).astype(
                g.tensors[red.output].dtype).reshape(g.tensors[red.output].shape)
        else:
            env[red.output] = op_module(red.mean.op).finish(red.mean, g, acc)
        for n in red.branch[1:]:
            args = [None if not x else (g.tensors[x].data if g.tensors[x].is_const else env[x]) for x in n.inputs]
            for name, val in zip(n.outputs, op_module(n.op).ref(n, g, *args)):
                t = g.tensors[name]
                env[name] = np.asarray(val).astype(t.dtype).reshape(t.shape)
    return {x: env[x] for x in (*stage.globals, *stored_reads(stage))}
