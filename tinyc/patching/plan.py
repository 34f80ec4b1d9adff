"""The cost of a patch plan: its real planned arena (tinyc.memory) and its MACs, halos included.

A plan (split S, grid nh x nw) runs as this schedule of Steps:

    patch.begin      allocates the full split tensor (live from the first patch to its last reader)
    patch.<node>...  one iteration of the patch loop: each stage node on per-patch buffers
    patch.stitch     copies the finished tile into the split tensor
    <node>...        the rest, layer by layer, exactly as the pipeline lowers it

One loop iteration stands for all of them: per-patch buffers are sized by the
largest patch, die inside the iteration, and are reused at the same offsets by
the next patch. Kernel scratch and in-place pairs come from each op's
lower(...) on the per-patch graph (in-place only if every patch allows it).
Every schedule (the layer-by-layer baseline too) is planned twice, with the
in-place pairs as lowered and with only the shrinking ones, and the smaller
arena is kept.
The model input is live until the loop ends; by default the first stage node
reads its patch straight from it (a view); copy_input=True adds a per-patch
input buffer instead. Crops of a per-patch tensor are views for add (residual branches), and a
copy of their own for any other node (tinyc.patching.crops: one more step and buffer).
The model input may live outside the arena (a camera or DMA buffer): work_bytes
is the planned arena without it, arena_bytes the arena holding it too. Since
the input is read until the loop ends, arena_bytes - input_bytes <= work_bytes
<= arena_bytes; work_bytes does not let the rest reuse the input's bytes.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from tinyc.backend.lower import lower_calls
from tinyc.backend.schedule import ALIGN, arena_tensors, steps_of
from tinyc.ir import Graph
from tinyc.memory import Step, lifetimes, live_bytes, lower_bound, plan_schedule
from tinyc.ops import op_module
from tinyc.patching.crops import copied_crops, crop_buffer, crop_step_name
from tinyc.patching.patch_graph import PatchGraph, build_patch_graph
from tinyc.patching.receptive import PatchRegions, Stage, stage_of, stage_tiles


@dataclass
class PatchPlan:
    """One scored candidate; split None means layer by layer."""

    split: int | None
    grid: tuple[int, int] | None
    work_bytes: int  # planned arena with the model input in its own buffer outside the arena
    arena_bytes: int  # planned arena holding the model input too
    input_bytes: int
    macs: int
    base_macs: int
    lower_bound: int  # of work_bytes
    strategy: str = ""
    split_tensor: str = ""
    split_shape: tuple = ()
    max_patch_input: tuple = ()  # (h, w) of the largest input patch
    stream: bool = False  # row bands with halo caching (tinyc.patching.stream): grid (nbands, 1)

    @property
    def mac_overhead(self) -> float:
        return self.macs / self.base_macs - 1.0 if self.base_macs else 0.0

    @property
    def label(self) -> str:
        if self.split is None:
            return "off"
        return f"{self.split}:{self.grid[0]}s" if self.stream else f"{self.split}:{self.grid[0]}x{self.grid[1]}"


class ModelCosts:
    """What every candidate of one graph shares: its lowered calls, MACs, and a cache of
    per-patch node costs keyed by (node, pads, input shapes, which inputs are views)."""

    def __init__(self, g: Graph):
        self.g = g
        self.calls = lower_calls(g)
        self.in_arena = arena_tensors(g)
        self.node_macs = [op_module(n.op).macs(n, g) for n in g.nodes]
        self.base_macs = sum(self.node_macs)
        self._cache: dict[tuple, tuple[int, int, bool]] = {}
        self._stages: dict[int, Stage] = {}

    def stage(self, split: int) -> Stage:
        """stage_of(g, split), once per split (its patch-region caches then serve every grid)."""
        if split not in self._stages:
            self._stages[split] = stage_of(self.g, split)
        return self._stages[split]

    def bytes_of(self, name: str) -> int:
        return self.g.tensors[name].nbytes if name in self.in_arena else 0

    def pixel_bytes(self, name: str) -> int:
        """Bytes of one pixel (all channels) of a rank-4 activation."""
        t = self.g.tensors[name]
        return t.shape[3] * np.dtype(t.dtype).itemsize

    def patch_node(self, stage: Stage, pr: PatchRegions, i: int, pg_of) -> tuple[int, int, bool]:
        """(MACs, scratch bytes, may run in place) of stage node i on patch pr; pg_of() builds
        the per-patch graph, only when this node's configuration was not seen before."""
        n = stage.nodes[i]
        ins = tuple((pr.reads[(n.name, j)].h, pr.reads[(n.name, j)].w, pr.reads[(n.name, j)] == pr.regions[x])
                    for j, x in enumerate(n.inputs) if (n.name, j) in pr.reads)
        key = (n.name, pr.pads[n.name], ins)
        if key not in self._cache:
            pg = pg_of()
            pn = pg.graph.nodes[i]
            call = op_module(pn.op).lower(pn, pg.graph)
            ok = call.inplace is not None and call.inplace[0] not in pg.crops and call.inplace[0] != pg.input
            self._cache[key] = (op_module(pn.op).macs(pn, pg.graph), call.scratch, ok)
        return self._cache[key]


def _patch_name(x: str) -> str:
    return f"patch:{x}"


def _loop_costs(costs: ModelCosts, stage: Stage, tiles: list[PatchRegions]):
    """Per-patch tensor bytes (max over patches), per node (scratch, in place ok), total MACs;
    cached in the stage (the search's arrange and schedule both ask), returned as fresh copies."""
    key = ("loop", tuple(pr.tile for pr in tiles))
    if key not in stage.memo:
        stage.memo[key] = _loop_costs_of(costs, stage, tiles)
    sizes, per_node, macs = stage.memo[key]
    return dict(sizes), list(per_node), macs


def _loop_costs_of(costs: ModelCosts, stage: Stage, tiles: list[PatchRegions]):
    sizes: dict[str, int] = {}
    per_node = [(0, True)] * len(stage.nodes)
    macs = 0
    for pr in tiles:
        for name, r in pr.regions.items():
            b = r.h * r.w * costs.pixel_bytes(name)
            if b > sizes.get(name, 0):
                sizes[name] = b
        cache: list[PatchGraph] = []

        def pg_of(pr=pr, cache=cache):
            if not cache:
                cache.append(build_patch_graph(stage, pr, check=False))
            return cache[0]
        for i in range(len(stage.nodes)):
            m, scratch, ok = costs.patch_node(stage, pr, i, pg_of)
            macs += m
            per_node[i] = (max(per_node[i][0], scratch), per_node[i][1] and ok)
    return {_patch_name(k): v for k, v in sizes.items()}, per_node, macs


def _stage_steps(costs: ModelCosts, stage: Stage, tiles: list[PatchRegions], copy_input: bool):
    """Steps and sizes of one patch-loop iteration (sizes: max over patches), and the patch MACs."""
    sizes, per_node, macs = _loop_costs(costs, stage, tiles)
    steps = [Step("patch.begin", [], [stage.output])]
    if copy_input:
        steps.append(Step("patch.load", [stage.input], [_patch_name(stage.input)]))
    g = costs.g
    crops = copied_crops(stage, tiles, costs.pixel_bytes)  # crops a kernel reads from a copy of their own
    for n, (scratch, ok) in zip(stage.nodes, per_node):
        reads = []
        for j, x in enumerate(n.inputs):
            if not x or g.tensors[x].is_const:
                continue
            src = x if (x == stage.input and not copy_input) or x in stage.globals else _patch_name(x)
            if (n.name, j) in crops and x not in stage.globals:
                sizes[crop_buffer(x, n.name)] = crops[(n.name, j)]
                steps.append(Step(crop_step_name(n.name, j), [src], [crop_buffer(x, n.name)]))
                src = crop_buffer(x, n.name)
            reads.append(src)
        reads.sort(key=lambda x: x in stage.globals)  # a global (read whole, every patch) is never in place
        y = _patch_name(n.outputs[0])
        inplace = (reads[0], y) if ok and reads else None
        steps.append(Step(f"patch.{n.name}", reads, [y], scratch, inplace))
    steps.append(Step("patch.stitch", [_patch_name(stage.output)], []))
    if not copy_input or stage.input not in costs.in_arena:
        sizes.pop(_patch_name(stage.input), None)
    return steps, sizes, macs


def shrinking_only(steps, sizes) -> list[Step]:
    """The steps with in-place pairs kept only where the output is no larger than the input.
    A growing pair makes the merged buffer large for the input's whole (often long) life."""
    return [replace(st, inplace=None) if st.inplace and sizes.get(st.inplace[1], 0) > sizes.get(st.inplace[0], 0)
            else st for st in steps]


def _policies(costs, steps, sizes, with_input: bool):
    """(steps, sizes, graph inputs, graph outputs) for each in-place policy: as lowered, shrinking only."""
    g = costs.g
    ins = [x for x in g.inputs if x in costs.in_arena]
    outs = [x for x in g.outputs if x in costs.in_arena]
    if not with_input:
        sizes = {k: v for k, v in sizes.items() if k not in ins}
        ins = []
    return [(steps, sizes, ins, outs), (shrinking_only(steps, sizes), sizes, ins, outs)]


def _plan(costs, steps, sizes, with_input: bool):
    """(buffers, plan, (steps, sizes, inputs, outputs) planned) with the smaller arena over the
    in-place policies (and plan_schedule's modes); the plan has passed the memory checker."""
    best = None
    for policy in _policies(costs, steps, sizes, with_input):
        bufs, p = plan_schedule(*policy, align=ALIGN)
        if best is None or p.arena_bytes < best[1].arena_bytes:
            best = (bufs, p, policy)
    return best


def fit_scratch(costs, steps, sizes, planned=None):
    """(steps, their work plan as _plan returns it) with kernel scratch chosen as patch plans need
    it: each layer-by-layer call of the rest keeps its preferred scratch, except at the steps whose
    live bytes (in the preferred plan) exceed the peak left once every such call takes the least
    size it accepts (Call.scratch_min: a slower path, the same bytes out); those take that size,
    if the planned work arena then drops (any saving counts: patch plans exist to save memory;
    tinyc.backend.schedule.plan_memory's layer by layer needs 2%). One more plan at most, and
    none unless such a call runs at the live peak. planned: _plan(costs, steps, sizes, False) if known."""
    pref = planned or _plan(costs, steps, sizes, with_input=False)
    least = {c.node: c.scratch_min for c in costs.calls if 0 < c.scratch_min < c.scratch}
    cut = {i: st.scratch - least[st.name] for i, st in enumerate(steps)
           if st.name in least and st.scratch > least[st.name]}
    if not cut:
        return steps, pref
    live = live_bytes(pref[0], len(steps))
    target = max(v - cut.get(i, 0) for i, v in enumerate(live))
    if target >= max(live):  # a step keeping its scratch is at the peak: nothing to gain
        return steps, pref
    fitted = [replace(st, scratch=least[st.name]) if i in cut and live[i] > target else st
              for i, st in enumerate(steps)]
    plan = _plan(costs, fitted, sizes, with_input=False)
    return (fitted, plan) if plan[1].arena_bytes < pref[1].arena_bytes else (steps, pref)


def set_scratch(calls, steps) -> None:
    """Afterwards every call with a step of its name has that step's (fit_scratch-chosen) scratch."""
    by_name = {st.name: st.scratch for st in steps}
    for c in calls:
        if c.node in by_name:
            c.scratch = by_name[c.node]


def least_steps(costs, steps) -> list[Step]:
    """The steps with every layer-by-layer call's scratch at the least its kernel accepts."""
    least = {c.node: c.least_scratch for c in costs.calls}
    return [replace(st, scratch=min(st.scratch, least[st.name])) if st.name in least else st for st in steps]


def work_lower_bound(costs, steps, sizes) -> int:
    """No plan _plan(..., with_input=False) can find has a smaller arena (lb(none) >= lb(no_worse)),
    whatever scratch fit_scratch gives (bounded with the least each kernel accepts)."""
    steps = least_steps(costs, steps)
    return min(lower_bound(lifetimes(st, sz, ins, outs, ALIGN, mode))
               for st, sz, ins, outs in _policies(costs, steps, sizes, False) for mode in ("all", "no_worse"))


def _finish(costs, steps, sizes, split, grid, macs, extra, with_arena: bool = True, fit: bool = True) -> PatchPlan:
    """Plan twice: work_bytes with the model input outside the arena, arena_bytes with it inside
    (with_arena False: only the first, arena_bytes = work_bytes + input bytes, an upper bound).
    Kernel scratch as fit_scratch chooses it for the work plan, in both (fit False: preferred)."""
    if fit:
        steps, (bufs, p, _) = fit_scratch(costs, steps, sizes)
    else:
        bufs, p, _ = _plan(costs, steps, sizes, with_input=False)
    p_in = _plan(costs, steps, sizes, with_input=True)[1] if with_arena else None
    input_bytes = sum(costs.bytes_of(x) for x in costs.g.inputs)
    arena = p_in.arena_bytes if p_in is not None else p.arena_bytes + input_bytes
    return PatchPlan(split, grid, p.arena_bytes, arena, input_bytes, macs, costs.base_macs,
                     lower_bound(bufs), p.strategy, **extra)


def layer_by_layer(costs: ModelCosts) -> PatchPlan:
    """The pipeline's schedule planned the same way as the patch plans (the baseline)."""
    steps = steps_of(costs.g, costs.calls, costs.in_arena)
    sizes = {x: costs.bytes_of(x) for x in costs.in_arena}
    return _finish(costs, steps, sizes, None, None, costs.base_macs, {}, fit=False)


def patch_schedule(costs: ModelCosts, split: int, nh: int, nw: int, copy_input: bool = False):
    """(steps, sizes, MACs, stage, tiles' PatchRegions) of the plan: split after node `split`, nh x nw grid."""
    g = costs.g
    stage = costs.stage(split)
    if stage.reductions:  # squeeze-excite: which pre-passes store their source (tinyc.patching.prepass)
        from tinyc.patching.prepass import arrange
        stage = arrange(costs, stage, nh, nw)
    tiles = stage_tiles(stage, nh, nw)
    steps, sizes, macs = _stage_steps(costs, stage, tiles, copy_input)
    if stage.reductions:  # squeeze-excite: the passes before the loop (tinyc.patching.prepass)
        from tinyc.patching.prepass import prepass_schedule
        steps, sizes, macs = prepass_schedule(costs, stage, nh, nw, copy_input, steps, sizes, macs)
    rest = steps_of(g, costs.calls[split + 1:], costs.in_arena)
    sizes.update({x: costs.bytes_of(x) for x in costs.in_arena})
    for x in {x for n in stage.nodes for x in n.outputs} - {stage.output}:
        sizes.pop(x, None)  # full-size stage tensors never exist: only their patches do
    macs += sum(costs.node_macs[split + 1:])
    return steps + rest, sizes, macs, stage, tiles


def evaluate(costs: ModelCosts, split: int, nh: int, nw: int, copy_input: bool = False,
             with_arena: bool = True) -> PatchPlan:
    """The planned arena and MACs of one candidate (the plan has passed tinyc.memory.check)."""
    steps, sizes, macs, stage, tiles = patch_schedule(costs, split, nh, nw, copy_input)
    t = costs.g.tensors[stage.output]
    biggest = max((pr.regions[stage.input] for pr in tiles), key=lambda r: r.h * r.w)
    extra = dict(split_tensor=stage.output, split_shape=t.shape, max_patch_input=(biggest.h, biggest.w))
    return _finish(costs, steps, sizes, split, (nh, nw), macs, extra, with_arena)
