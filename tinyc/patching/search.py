"""Choosing a patch plan: enumerate split points and grids, score each by planned memory and MACs.

Candidates are every split S whose stage can run on patches (receptive.stage_of)
with a split tensor at least 2 rows and columns, times every grid nh x nw with
2 <= nh, nw <= 8 (rectangular included) that fits that tensor. The score of a
candidate is its real planned work_bytes (plan.evaluate) and its MACs.

    --patch off     layer by layer
    --patch S:N     split after node S, N x N grid ("S:NxM" for rectangles)
    --patch auto    no budget: the smallest work_bytes among plans with
                    MAC overhead <= max_mac_overhead (ties: fewer MACs);
                    with a budget: the fewest MACs among plans (layer by layer
                    included) whose work_bytes fit; none fits -> TinycError
                    naming the smallest work_bytes any candidate reaches.
"""
from __future__ import annotations

import re

from tinyc.errors import TinycError
from tinyc.ir import Graph
from tinyc.backend.schedule import steps_of
from tinyc.patching.plan import ModelCosts, PatchPlan, evaluate, layer_by_layer, patch_schedule, work_lower_bound
from tinyc.patching.receptive import stage_of

GRID_SIZES = tuple(range(2, 9))
MAX_MAC_OVERHEAD = 0.30
STOP_AFTER = 3  # consecutive splits with no grid within the MAC allowance end the search


def parse_patch(spec: str) -> str | tuple[int, int, int]:
    """'off' | 'auto' | 'S:N' | 'S:NxM' -> 'off', 'auto' or (S, nh, nw); TinycError otherwise."""
    s = str(spec).strip().lower()
    if s in ("off", "auto"):
        return s
    m = re.fullmatch(r"(\d+):(\d+)(?:x(\d+))?", s)
    if not m:
        raise TinycError(f"--patch must be off, auto or S:N (split after node S, N x N grid), got '{spec}'",
                         "--patch")
    nh = int(m.group(2))
    nw = int(m.group(3)) if m.group(3) else nh
    if nh < 1 or nw < 1:
        raise TinycError(f"patch grid must be at least 1x1, got {nh}x{nw}", "--patch")
    return int(m.group(1)), nh, nw


def valid_splits(g: Graph) -> list[int]:
    """Node indices after which the graph can be split (stage runs on patches, split >= 2x2)."""
    out = []
    for s in range(len(g.nodes) - 1):
        try:
            stage = stage_of(g, s)
        except TinycError:
            continue
        _, h, w, _ = g.tensors[stage.output].shape
        if h >= 2 and w >= 2:
            out.append(s)
    return out


def candidates(g: Graph, sizes=GRID_SIZES, square_only: bool = False) -> list[tuple[int, int, int]]:
    """(S, nh, nw) for every valid split and every grid that fits its split tensor."""
    out = []
    for s in valid_splits(g):
        _, h, w, _ = g.tensors[g.nodes[s].outputs[0]].shape
        for nh in sizes:
            for nw in sizes:
                if nh <= h and nw <= w and (nh == nw or not square_only):
                    out.append((s, nh, nw))
    return out


def pareto(plans: list[PatchPlan]) -> list[PatchPlan]:
    """Plans no other plan beats on both work_bytes and MACs, by increasing work_bytes."""
    front: list[PatchPlan] = []
    for p in sorted(plans, key=lambda p: (p.work_bytes, p.macs)):
        if not front or p.macs < front[-1].macs:
            front.append(p)
    return front


def evaluate_all(costs: ModelCosts, cands, copy_input: bool = False) -> list[PatchPlan]:
    """Every candidate scored (the layer-by-layer baseline first)."""
    out = [layer_by_layer(costs)]
    for s, nh, nw in cands:
        out.append(evaluate(costs, s, nh, nw, copy_input))
    return out


class _Scored:
    """A candidate with its MACs; its lower bound on work_bytes is computed on first use."""

    def __init__(self, costs: ModelCosts, cand, copy_input: bool):
        self.cand = cand
        self.steps, self.sizes, self.macs, _, _ = patch_schedule(costs, *cand, copy_input)
        self._costs, self._lb = costs, None

    @property
    def lb(self) -> int:
        if self._lb is None:
            self._lb = work_lower_bound(self._costs, self.steps, self.sizes)
        return self._lb


def _smallest(costs, scored, base: PatchPlan, max_macs: float, copy_input) -> PatchPlan:
    """The least work_bytes (ties: fewer MACs) among scored candidates with MACs <= max_macs;
    a candidate is planned only if its lower bound could still win."""
    best = base
    for x in sorted((x for x in scored if x.macs <= max_macs), key=lambda x: (x.lb, x.macs)):
        if x.lb > best.work_bytes:
            break
        p = evaluate(costs, *x.cand, copy_input)
        if (p.work_bytes, p.macs) < (best.work_bytes, best.macs):
            best = p
    return best


def rest_floor(costs: ModelCosts) -> list[int]:
    """floor[s]: no plan splitting after node s has a smaller work arena. The rest runs layer by
    layer exactly as in the baseline, so at each later step j the buffers live across j (written
    before, read after, untouched at j) plus the largest one j touches, plus the least scratch j's
    kernel accepts (plan.fit_scratch may give it that), must fit.
    Holds for any in-place choice (only buffers j touches can share bytes)."""
    g = costs.g
    steps = steps_of(g, costs.calls, costs.in_arena)
    size = {x: costs.bytes_of(x) for x in costs.in_arena if x not in g.inputs}
    first, last = {}, {}
    for j, st in enumerate(steps):
        for x in (*st.reads, *st.writes):
            if x in size:
                first.setdefault(x, j)
                last[x] = j
    for x in g.outputs:
        if x in size:
            last[x] = len(steps)
    at = []
    for j, st in enumerate(steps):
        touched = {x for x in (*st.reads, *st.writes) if x in size}
        across = sum(size[x] for x in size if x in first and first[x] < j < last[x] and x not in touched)
        at.append(across + max((size[x] for x in touched), default=0) + costs.calls[j].least_scratch)
    floor = [0] * len(steps)
    run = 0
    for j in range(len(steps) - 1, -1, -1):
        floor[j] = run  # steps after j
        run = max(run, at[j])
    return floor


def _least_work(costs, cands, base: PatchPlan, max_macs: float, copy_input) -> PatchPlan:
    """The least work_bytes (ties: fewer MACs) among cands with MACs <= max_macs, or base. Splits are
    visited in order; a split whose rest_floor cannot beat the best so far is skipped, a candidate is
    planned only if its lower bound can, and the walk stops after STOP_AFTER consecutive splits where
    no grid fits the MAC allowance (stages only grow)."""
    floor = rest_floor(costs)
    by_split: dict[int, list] = {}
    for c in cands:
        by_split.setdefault(c[0], []).append(c)
    best, misses = base, 0
    for s in sorted(by_split):
        if floor[s] > best.work_bytes:
            continue
        fits = False
        for c in by_split[s]:
            x = _Scored(costs, c, copy_input)
            if x.macs > max_macs:
                continue
            fits = True
            if (x.lb, x.macs) >= (best.work_bytes, best.macs):  # cannot beat best (evaluate keeps x.macs)
                continue
            p = evaluate(costs, *c, copy_input, with_arena=False)
            if (p.work_bytes, p.macs) < (best.work_bytes, best.macs):
                best = p
        misses = 0 if fits else misses + 1
        if misses >= STOP_AFTER:
            break
    return best if best is base else evaluate(costs, best.split, *best.grid, copy_input)


def search(g: Graph, budget: int | None = None, max_mac_overhead: float = MAX_MAC_OVERHEAD,
           cands=None, copy_input: bool = False, base: PatchPlan | None = None) -> PatchPlan:
    """The `--patch auto` choice (see the module docstring); candidates default to candidates(g).
    base: the layer-by-layer plan to beat (default: g's own; a graph whose input interface runs per
    patch window passes the full graph's, planned with the model input outside the arena too)."""
    costs = ModelCosts(g)
    cands = candidates(g) if cands is None else cands
    base = layer_by_layer(costs) if base is None else base
    if budget is None:
        return _least_work(costs, cands, base, base.macs * (1 + max_mac_overhead), copy_input)
    scored = [_Scored(costs, c, copy_input) for c in cands]
    if base.work_bytes <= budget:
        return base
    for x in sorted(scored, key=lambda x: x.macs):
        if x.lb <= budget:
            p = evaluate(costs, *x.cand, copy_input)
            if p.work_bytes <= budget:
                return p
    least = _smallest(costs, scored, base, float("inf"), copy_input)
    raise TinycError(f"no patch plan fits the SRAM budget of {budget} bytes: the smallest planned work "
                     f"memory is {least.work_bytes} bytes (plan {least.label}, model input excluded)", g.source)


def choose(g: Graph, patch: str = "off", budget: int | None = None,
           max_mac_overhead: float = MAX_MAC_OVERHEAD, copy_input: bool = False) -> PatchPlan:
    """The plan for a --patch value: off, auto (search) or a forced S:N (checked against the budget)."""
    spec = parse_patch(patch)
    if spec == "auto":
        return search(g, budget, max_mac_overhead, copy_input=copy_input)
    costs = ModelCosts(g)
    p = layer_by_layer(costs) if spec == "off" else evaluate(costs, *spec, copy_input)
    if budget is not None and p.work_bytes > budget:
        raise TinycError(f"plan {p.label} needs {p.work_bytes} bytes of work memory, over the SRAM budget "
                         f"of {budget} bytes", g.source)
    return p
