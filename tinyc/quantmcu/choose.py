"""`--patch auto --precision mixed`: the patch plan chosen with QuantMCU's packed buffers.

The int8 `--patch auto` choice (tinyc.patching.search) sizes every per-patch
buffer at int8. With QuantMCU the maps stored below 8 bits are planned at
their packed size (tinyc/quantmcu/lower.py), which can make a deeper split
the smallest plan: on MNIST the int8 plan's peak is the layer after the
stage, which no per-patch buffer can lower. So, within the same MAC
allowance as the int8 search:

1. every candidate (split at or after the int8 plan's, any grid) is planned
   with every map that can hold codes at 2 bits (an optimistic bound);
2. the int8 plan gets the real QuantMCU search, which here also weighs the
   planned work bytes its bits save (vdqs.search's memory term), and is
   planned with the bits it chose; the candidate with the smallest bound gets
   the same if its bound is below that;
3. the smaller planned work wins (ties: fewer MACs). A moved split is noted
   on stderr with both figures.
"""
from __future__ import annotations

import sys
from dataclasses import replace

from tinyc.patching.plan import ModelCosts, evaluate, fit_scratch, patch_schedule
from tinyc.patching.search import candidates
from tinyc.patching.split import split_graph
from tinyc.quantmcu.execute import Plan, feature_maps
from tinyc.quantmcu.lower import QuantMCULowering


def planned_work(costs: ModelCosts, split: int, grid: tuple[int, int], bits: dict[str, int]) -> int:
    """Planned work bytes (model input outside the arena) of the patch plan (split indexes costs.g)
    with the QuantMCU loop of these per-map bits (thresholds do not change sizes)."""
    steps, sizes, _, stage, tiles = patch_schedule(costs, split, *grid, copy_input=True)
    if any(b < 8 for b in bits.values()):
        steps, sizes = QuantMCULowering(Plan({k: 255 for k in bits}, dict(bits))).schedule(
            costs, stage, tiles, steps, sizes)
    return int(fit_scratch(costs, steps, sizes)[1][1].arena_bytes)


def choose_mixed(g, plan, samples, max_mac_overhead: float, quantmcu_plan):
    """(patch plan, QuantMCU result) for --patch auto --precision mixed; plan is the int8 auto choice
    (split indexing g), quantmcu_plan(g, split, grid, samples, memory) the search."""
    from tinyc.backend.patch_choice import _tiles_ok, c_patchable
    k, sub = split_graph(g)
    costs = ModelCosts(sub)
    max_macs = costs.base_macs * (1 + max_mac_overhead)
    cache: dict = {}

    def work(split: int, grid, bits: dict) -> int:
        key = (split, tuple(grid), tuple(sorted(bits.items())))
        if key not in cache:
            cache[key] = planned_work(costs, split, grid, bits)
        return cache[key]

    def optimistic(split: int, grid) -> int:
        stage = patch_schedule(costs, split, *grid, copy_input=True)[3]
        return work(split, grid, {m.name: 2 if m.codes else 8 for m in feature_maps(sub, stage)})

    s0 = plan.split - k
    best = None
    for c in candidates(sub):
        if c[0] < s0 or c == (s0, *plan.grid) or not c_patchable(sub, c[0]) or not _tiles_ok(sub, *c):
            continue
        if patch_schedule(costs, *c, copy_input=True)[2] > max_macs:
            continue
        w = optimistic(c[0], c[1:])
        if best is None or w < best[0]:
            best = (w, c)
    tried = [(s0, tuple(plan.grid))] + ([(best[1][0], best[1][1:])] if best else [])
    results = []
    for split, grid in tried:
        if results and best[0] >= results[0][0]:  # not even its bound beats the int8 plan with QuantMCU
            break
        qm = quantmcu_plan(g, split + k, grid, samples, memory=lambda b, s=split, gr=grid: work(s, gr, b))
        w = work(split, grid, {m["name"]: m["bits"] for m in qm["report"]["maps"]})
        macs = patch_schedule(costs, split, *grid, copy_input=True)[2]
        results.append((w, macs, split, grid, qm))
    w, _, split, grid, qm = min(results, key=lambda r: r[:2])
    if (split, grid) == tried[0]:
        return plan, qm
    print(f"tinyc: note: --patch auto --precision mixed chose plan {split + k}:{grid[0]}x{grid[1]} over the int8 "
          f"choice {plan.label}: {w} B of planned work memory with QuantMCU's packed buffers against "
          f"{results[0][0]} B", file=sys.stderr)
    return replace(evaluate(costs, split, *grid, copy_input=True), split=split + k), qm


def planned_work_stream(costs: ModelCosts, split: int, nbands: int, bits: dict[str, int]) -> int:
    """Planned work bytes of the streaming plan (split indexes costs.g, nbands row bands) with the
    streamed QuantMCU loop of these per-map bits (tinyc/quantmcu/stream_lower.py)."""
    from tinyc.patching.stream_search import stream_schedule
    from tinyc.quantmcu.stream_lower import StreamQuantMCU
    steps, sizes, _, stage, _, bands = stream_schedule(costs, split, nbands, copy_input=True)
    if any(b < 8 for b in bits.values()):
        steps, sizes = StreamQuantMCU(Plan({k: 255 for k in bits}, dict(bits))).schedule_stream(
            costs, stage, bands, steps, sizes)
    return int(fit_scratch(costs, steps, sizes)[1][1].arena_bytes)


def choose_mixed_stream(g, splan, gplan, samples, max_mac_overhead: float, quantmcu_plan):
    """(patch plan, QuantMCU result) for --patch auto --precision mixed when the int8 choice splan is a
    streaming plan (row bands, no recomputation): its QuantMCU search (weighing the work bytes its bits
    save, as choose_mixed does) against choose_mixed on the int8 grid choice gplan (split None: none).
    The smaller planned work wins, ties: fewer modelled stage instructions (the kernels' measured
    per-bit costs, vdqs.stage_cost); the loser is noted on stderr with both figures."""
    k, sub = split_graph(g)
    costs = ModelCosts(sub)
    cache: dict = {}

    def work(bits: dict) -> int:
        key = tuple(sorted(bits.items()))
        if key not in cache:
            cache[key] = planned_work_stream(costs, splan.split - k, splan.grid[0], bits)
        return cache[key]
    sqm = quantmcu_plan(g, splan.split, splan.grid, samples, memory=work, stream=True)
    rows = [(work({m["name"]: m["bits"] for m in sqm["report"]["maps"]}),
             sqm["report"].get("stage_instructions_modelled", 0.0), splan, sqm)]
    if gplan is not None and gplan.split is not None:
        gp, gqm = choose_mixed(g, gplan, samples, max_mac_overhead, quantmcu_plan)
        gw = planned_work(costs, gp.split - k, tuple(gp.grid), {m["name"]: m["bits"] for m in gqm["report"]["maps"]})
        rows.append((gw, gqm["report"].get("stage_instructions_modelled", 0.0), gp, gqm))
    best = min(rows, key=lambda r: r[:2])
    for r in rows:
        if r is not best:
            print(f"tinyc: note: --patch auto --precision mixed chose plan {best[2].label} ({best[0]} B of planned "
                  f"work, {best[1]:,.0f} modelled stage instructions) over {r[2].label} ({r[0]} B, {r[1]:,.0f})",
                  file=sys.stderr)
    return best[2], best[3]
