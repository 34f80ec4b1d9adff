"""The stderr note of `--patch auto` when its plan saves less than half the work memory.

MCUNetV2-style patching pays where the first, high-resolution layers hold the memory peak. When
the chosen plan still needs more than half of layer by layer's work_bytes, the note says where
the plan's own peak is (the step with the most live bytes in its checked memory plan) and, when
that lies after the stage, what the layers after the stage need at least (rest_floor), so the
reader sees why no split the loop can run does better.
"""
from __future__ import annotations

from tinyc.ir import Graph
from tinyc.memory import live_bytes
from tinyc.patching.plan import ModelCosts, PatchPlan, fit_scratch, patch_schedule
from tinyc.patching.search import rest_floor


def plan_peak(costs: ModelCosts, plan: PatchPlan) -> tuple[int, str]:
    """(live bytes, step name) at the peak of plan's work memory plan (split indexing costs.g)."""
    if plan.stream:
        from tinyc.patching.stream_search import stream_schedule
        steps, sizes = stream_schedule(costs, plan.split, plan.grid[0])[:2]
    else:
        steps, sizes = patch_schedule(costs, plan.split, *plan.grid, copy_input=True)[:2]
    steps, (bufs, _, policy) = fit_scratch(costs, steps, sizes)
    live = live_bytes(bufs, len(policy[0]))
    j = max(range(len(live)), key=lambda i: live[i])
    return live[j], policy[0][j].name


def short_of_half(g: Graph, plan: PatchPlan, base: PatchPlan, k: int = 0) -> str | None:
    """The note for a plan on g (the graph after k interface nodes; the label counts them too)
    whose work_bytes exceed half of base's, or None."""
    if plan.split is None or 2 * plan.work_bytes <= base.work_bytes:
        return None
    costs = ModelCosts(g)
    live, step = plan_peak(costs, plan)
    label = plan.label.replace(f"{plan.split}:", f"{plan.split + k}:", 1)
    where = "inside the patch stage (per-patch buffers)" if step.startswith("patch.") else \
        f"after the stage, at '{step}' (the layers after the stage alone need at least " \
        f"{rest_floor(costs)[plan.split]} B)"
    return (f"tinyc: note: --patch auto's plan {label} needs {plan.work_bytes} B of work memory, "
            f"{base.work_bytes / plan.work_bytes:.2f}x less than layer by layer's {base.work_bytes} B, short of 2x: "
            f"its peak, {live} B live, is {where}; every later split the C patch loop can run costs more "
            "(halo MACs over the allowance, or a larger work arena)")
