"""Schedule -> memory plan: turn the kernel calls into Steps and place every buffer.

Afterwards every activation tensor held in the arena and every kernel scratch
buffer has an offset, and the plan has passed the independent checker.
"""
from __future__ import annotations

from dataclasses import dataclass

from tinyc.ir import Graph
from tinyc.backend.lower import is_extern
from tinyc.memory import (Step, best_order, check_schedule, live_bytes, lower_bound, plan_schedule,
                          tensor_offsets)
from tinyc.ops.common import Call

ALIGN = 4
# Smaller kernel scratch is taken only when it saves more than this fraction of the arena:
# on KWS, one-plane depthwise scratch would save 8 of 8,500 bytes and double the instructions.
SCRATCH_SAVING = 0.02


@dataclass
class MemoryPlan:
    offsets: dict[str, int]  # tensor (and "<node>.scratch") -> arena offset
    arena_bytes: int
    strategy: str
    tried: dict[str, int]
    lower_bound: int
    live: list[int]  # bytes live at each step
    buffers: list  # tinyc.memory Buffers, for reports and plots


def arena_tensors(g: Graph) -> set[str]:
    """Tensors that live in the arena: non-constant and not a float interface tensor."""
    return {t.name for t in g.activations() if not is_extern(g, t.name)}


def steps_of(g: Graph, calls: list[Call], in_arena: set[str]) -> list[Step]:
    steps = []
    for c in calls:
        reads = [x for x in c.inputs if x in in_arena]
        writes = [y for y in c.outputs if y in in_arena]
        inplace = c.inplace if c.inplace and set(c.inplace) <= in_arena else None
        steps.append(Step(c.node, reads, writes, c.scratch, inplace))
    return steps


def reorder(g: Graph, calls: list[Call]) -> list[Call]:
    """Pick the operator order with the lowest peak (branches only); g.nodes follows the calls."""
    in_arena = arena_tensors(g)
    steps = steps_of(g, calls, in_arena)
    sizes = {n: g.tensors[n].nbytes for n in in_arena}
    order = best_order(steps, sizes, [n for n in g.inputs if n in in_arena], [n for n in g.outputs if n in in_arena])
    index = {c.node: i for i, c in enumerate(calls)}
    perm = [index[st.name] for st in order]
    if perm != list(range(len(calls))):
        g.nodes = [g.nodes[i] for i in perm]
        calls = [calls[i] for i in perm]
    return calls


def plan_memory(g: Graph, calls: list[Call]) -> MemoryPlan:
    """Plan with each kernel's preferred scratch, except where that raises the arena by more
    than SCRATCH_SAVING: there the call falls back to its smaller accepted scratch
    (Call.scratch_min), which the kernel runs more slowly (e.g. depthwise one channel at a
    time instead of four). Afterwards every call's `scratch` is the size planned."""
    mem = _plan(g, calls)
    shrinkable = [(i, c) for i, c in enumerate(calls) if 0 < c.scratch_min < c.scratch]
    if not shrinkable:
        return mem
    preferred = {c.node: c.scratch for _, c in shrinkable}
    for _, c in shrinkable:
        c.scratch = c.scratch_min
    small = _plan(g, calls)
    if small.arena_bytes >= mem.arena_bytes * (1 - SCRATCH_SAVING):  # preferred scratch is (nearly) free
        for _, c in shrinkable:
            c.scratch = preferred[c.node]
        return mem
    # give the preferred size back wherever that step stays under the small arena
    for i, c in shrinkable:
        if small.live[i] - c.scratch_min + preferred[c.node] <= small.arena_bytes:
            c.scratch = preferred[c.node]
    mixed = _plan(g, calls)
    if mixed.arena_bytes <= small.arena_bytes:
        return mixed
    for _, c in shrinkable:
        c.scratch = c.scratch_min
    return small


def work_plan(g: Graph, calls: list[Call]) -> MemoryPlan:
    """The same calls (same order and scratch) planned with the model inputs outside the arena,
    in the caller's buffers: its arena is the report's work_bytes (memory vocabulary in
    ../shared/design.md). A real, checked plan, not the arena minus the input bytes."""
    return _plan(g, calls, outside=set(g.inputs))


def _plan(g: Graph, calls: list[Call], outside: set[str] = frozenset()) -> MemoryPlan:
    """Lifetimes, in-place merging and placement for calls in their given order
    (tensors in `outside` live in caller's buffers, not in the arena)."""
    in_arena = arena_tensors(g) - set(outside)
    steps = steps_of(g, calls, in_arena)
    sizes = {n: g.tensors[n].nbytes for n in in_arena}
    # The arena slot of a model input is a copy (invoke copies the caller's data in,
    # or the caller fills the slot knowing inference overwrites it), so kernels may
    # run in place over it: it is not passed as a protected graph input.
    ins: list[str] = []
    outs = [n for n in g.outputs if n in in_arena]
    bufs, p = plan_schedule(steps, sizes, ins, outs, align=ALIGN)
    check_schedule(steps, ins, outs, bufs, p, align=ALIGN)
    offsets = tensor_offsets(bufs, p)
    return MemoryPlan(offsets, p.arena_bytes, p.strategy, dict(p.tried), lower_bound(bufs),
                      live_bytes(bufs, len(steps)), bufs)
