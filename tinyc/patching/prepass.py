"""Multi-pass patch stages: squeeze-excite means computed by pre-passes over the patches.

A stage with k global means (tinyc.patching.reduction) runs k + 1 passes over its
grid. Pass p < k is itself a patch stage (`pass_stage`): the spatial nodes that
reduction p's source tensor depends on, tiled nh x nw over that source (tiles never
overlap, so every source pixel is summed exactly once), each patch's tile summed per
channel into int32 `pre<p>:sum`. Then, once: the mean from the sums (tinyc.ops.mean.finish,
the layer-by-layer MEAN's arithmetic: integer sums are associative, so the result is
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
"""
from __future__ import annotations

import numpy as np

from tinyc.backend.schedule import steps_of
from tinyc.errors import TinycError
from tinyc.memory import Step
from tinyc.ops import op_module
from tinyc.ops.mean import finish
from tinyc.patching.patch_graph import build_patch_graph
from tinyc.patching.receptive import PatchRegions, Stage, stage_tiles
from tinyc.patching.reduction import ancestors


def pass_stage(stage: Stage, p: int) -> Stage:
    """Pre-pass p as a stage: the spatial nodes reduction p's source depends on, ending at that
    source; its globals are the earlier reductions' branch outputs it reads."""
    g, red = stage.graph, stage.reductions[p]
    nodes = ancestors(stage.nodes, red.source, stage.globals)
    glob = frozenset(x for n in nodes for x in n.inputs if x in stage.globals)
    earlier = {y for r in stage.reductions[:p] for n in r.branch for y in n.outputs}
    assert glob <= earlier, (p, sorted(glob - earlier))
    split = next(i for i, n in enumerate(g.nodes) if red.source in n.outputs)
    return Stage(g, split, nodes, stage.input, red.source, (), glob)


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


def passes(stage: Stage, nh: int, nw: int) -> list[tuple[Stage, list[PatchRegions]]]:
    """(pass stage, its tiles) of every pre-pass, in order."""
    out = []
    for p in range(len(stage.reductions)):
        sub = pass_stage(stage, p)
        out.append((sub, pass_tiles(sub, nh, nw)))
    return out


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


def prepass_schedule(costs, stage: Stage, nh: int, nw: int, copy_input: bool, steps: list[Step],
                     sizes: dict[str, int], macs: int):
    """(steps, sizes, MACs) of the main loop's schedule (plan._stage_steps) with the pre-passes
    and branches before it (see the module docstring)."""
    from tinyc.patching.plan import _stage_steps
    g = costs.g
    index = {n.name: i for i, n in enumerate(g.nodes)}
    out: list[Step] = []
    sizes = dict(sizes)
    for p, (sub, tiles) in enumerate(passes(stage, nh, nw)):
        red = stage.reductions[p]
        ren, acc = _renamer(p), sum_name(p)
        loop, sz, m = _stage_steps(costs, sub, tiles, copy_input)
        for st in loop:
            if st.name == "patch.begin":
                out.append(Step(f"pre{p}.begin", [], [acc]))
            elif st.name == "patch.stitch":
                out.append(Step(f"pre{p}.sum", [*map(ren, st.reads), acc, *sorted(sub.globals)], []))
            else:
                out.append(Step(f"pre{p}.{st.name[len('patch.'):]}", [ren(x) for x in st.reads],
                                [ren(x) for x in st.writes], st.scratch,
                                (ren(st.inplace[0]), ren(st.inplace[1])) if st.inplace else None))
        sizes.update({ren(k): v for k, v in sz.items()})
        sizes[acc] = 4 * g.tensors[red.source].shape[3]
        out.append(Step(red.mean.name, [acc], [red.output]))
        out += steps_of(g, branch_calls(costs, red), costs.in_arena)
        macs += m + sum(costs.node_macs[index[n.name]] for n in red.branch)
    steps = [Step(st.name, [*st.reads, *sorted(stage.globals)], st.writes, st.scratch, st.inplace)
             if st.name == "patch.stitch" else st for st in steps]
    return out + steps, sizes, macs


def run_prepasses(stage: Stage, x_full: np.ndarray, nh: int, nw: int, load=None) -> dict[str, np.ndarray]:
    """The globals of the stage, computed pass by pass in numpy as the C loop does: every patch's
    tile summed per channel (int64: exact), the mean from the sums, the branch by each op's ref."""
    from tinyc.patching.execute import run_patch
    g = stage.graph
    env: dict[str, np.ndarray] = {}
    for (sub, tiles), red in zip(passes(stage, nh, nw), stage.reductions):
        acc = np.zeros((1, 1, 1, g.tensors[red.source].shape[3]), dtype=np.int64)
        for pr in tiles:
            tile = run_patch(build_patch_graph(sub, pr), x_full, load, {x: env[x] for x in sub.globals})
            acc += tile.astype(np.int64).sum(axis=(1, 2), keepdims=True)
        env[red.output] = finish(red.mean, g, acc)
        for n in red.branch[1:]:
            args = [None if not x else (g.tensors[x].data if g.tensors[x].is_const else env[x]) for x in n.inputs]
            for name, val in zip(n.outputs, op_module(n.op).ref(n, g, *args)):
                t = g.tensors[name]
                env[name] = np.asarray(val).astype(t.dtype).reshape(t.shape)
    return {x: env[x] for x in stage.globals}
