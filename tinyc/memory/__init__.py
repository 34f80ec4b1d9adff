"""Memory planning in three pure layers, none of which knows about the IR:

    liveness.lifetimes   schedule (Steps) + sizes -> Buffers (placement units; each member
                         tensor keeps its own size and [first, last] steps)
    placement.plan       Buffers -> offsets in one arena (several strategies, smallest kept)
    checker.check        independent proof that no two live tensors share a byte, except
                         the declared in-place pairs at their step

order.best_order optionally reorders a branching schedule to lower the peak first.
"""
from __future__ import annotations

from tinyc.memory.checker import check, declared_inplace
from tinyc.memory.liveness import Buffer, Step, lifetimes, live_bytes, lower_bound, rectangles
from tinyc.memory.order import best_order
from tinyc.memory.placement import STRATEGIES, Plan, plan

__all__ = ["Buffer", "Plan", "STRATEGIES", "Step", "best_order", "check", "check_schedule",
           "declared_inplace", "lifetimes", "live_bytes", "lower_bound", "plan", "plan_schedule",
           "rectangles", "tensor_offsets"]

INPLACE_MODES = ("all", "no_worse", "none")


def tensor_offsets(buffers, p: Plan) -> dict[str, int]:
    """Arena offset of every member tensor (and scratch) of every buffer in the plan."""
    return {m: p.offsets[b.name] for b in buffers for m in b.members}


def check_schedule(steps, graph_inputs, graph_outputs, buffers, p: Plan, align: int = 1) -> None:
    """check() on every member tensor's rectangle at its tensor offset, allowing only the
    in-place pairs the steps declare; raises AssertionError otherwise."""
    check(rectangles(buffers), tensor_offsets(buffers, p), p.arena_bytes, align=align,
          inplace=declared_inplace(steps, graph_inputs, graph_outputs))


def plan_schedule(steps, sizes, graph_inputs, graph_outputs, align: int = 4) -> tuple[list[Buffer], Plan]:
    """Lifetimes + plan for each in-place mode; returns the (buffers, plan) with the smallest
    arena (ties go to the earlier mode in INPLACE_MODES). The plan has passed check_schedule()."""
    best = None
    for mode in INPLACE_MODES:
        bs = lifetimes(steps, sizes, graph_inputs, graph_outputs, align, inplace=mode)
        p = plan(bs, align=align)
        if best is None or p.arena_bytes < best[1].arena_bytes:
            best = (bs, p)
    check_schedule(steps, graph_inputs, graph_outputs, *best, align=align)
    return best
