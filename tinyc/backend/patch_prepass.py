"""Lowering the pre-passes of a patch stage with squeeze-excite blocks (tinyc.patching.prepass).

Per reduction p, before the main patch loop:

    patch_stage.j2 (accumulate)  pass p's nodes patch by patch; instead of stitching its tile,
                                 tc_sum_channels_s8 adds it per channel into int32 pre<p>:sum
                                 (zeroed before the loop)
    mean_finish_s8.j2            tc_mean_finish_s8: the mean's int8 output from the sums, with the
                                 layer-by-layer tc_mean_s8 arithmetic
    <branch calls>               as layer by layer lowers them

The main loop's muls then read the branch outputs whole from the arena (input_ref).
Every buffer has the offset of the plan tinyc.patching.plan made for this schedule.
"""
from __future__ import annotations

from tinyc.errors import TinycError, where
from tinyc.ir import Graph, Node
from tinyc.ops import op_module
from tinyc.ops.common import Call
from tinyc.ops.mean import lower as mean_lower
from tinyc.patching.patch_graph import build_patch_graph
from tinyc.patching.plan import set_scratch
from tinyc.patching.prepass import branch_calls, passes, stored_reads, sum_name
from tinyc.patching.receptive import Stage
from tinyc.patching.reduction import split_global


def spatial_nodes(g: Graph, nodes: list[Node]) -> list[Node] | None:
    """The nodes the patch loops run (squeeze-excite branches left out), None if they cannot be split."""
    try:
        return split_global(g, nodes)[0]
    except TinycError:
        return None


def _pass_offsets(offsets: dict[str, int], p: int, sub: Stage, store: bool) -> dict[str, int]:
    """offsets as stage_call reads them for pre-pass p: 'patch:<x>' and 'patch.<node>.scratch'
    name pass p's own buffers; a summed source (never stored whole) maps to 0 (unused: no stitch)."""
    pre, out = f"pre{p}:", dict(offsets)
    for k, v in offsets.items():
        if k.startswith(pre):
            out[f"patch:{k[len(pre):]}"] = v
        elif k.startswith(f"pre{p}.") and k.endswith(".scratch"):
            out[f"patch.{k[len(f'pre{p}.'):]}"] = v
    if not store:
        out[sub.output] = 0
    return out


def window_loads(g: Graph, st: Stage, pgs, offsets: dict[str, int]) -> list[dict]:
    """The patch_stage.j2 `loads` of a loop: per stored tensor st reads, its dims, arena offset, the
    per-patch buffer (offsets as stage_call reads them) and each tile's window of it."""
    return [dict(name=x, dims=list(g.tensors[x].shape), src=offsets[x], dst=offsets[f"patch:{x}"],
                 windows=[[r.y0, r.x0, r.h, r.w] for r in (pg.regions.regions[x] for pg in pgs)])
            for x in stored_reads(st)]


def prepass_calls(g: Graph, stage: Stage, grid: tuple[int, int], offsets: dict[str, int], costs, steps,
                  stage_call) -> tuple[list[Call], dict[str, int]]:
    """(the calls before the main loop, MACs per stage node name added by the pre-passes and the
    branches). stage_call: tinyc.backend.patch_lower.stage_call (renders one patch loop)."""
    calls: list[Call] = []
    macs: dict[str, int] = {}
    index = {n.name: i for i, n in enumerate(g.nodes)}
    for p, (sub, tiles) in enumerate(passes(stage, *grid)):
        red = stage.reductions[p]
        store = red.source in stage.stored
        pgs = [build_patch_graph(sub, pr) for pr in tiles]
        offs = _pass_offsets(offsets, p, sub, store)
        call, tile_macs = stage_call(g, sub, pgs, offs)
        call.node = f"squeeze-excite pre-pass {p} ({red.mean.name})"
        call.params["loads"] = window_loads(g, sub, pgs, offs)
        if not store:
            call.outputs = []
            call.params.update(accumulate=dict(offset=offsets[sum_name(p)], channels=g.tensors[red.source].shape[3]),
                               split_offset=0, split_name=f"{red.source} (summed per channel)")
        calls.append(call)
        for n, m in zip(sub.nodes, tile_macs):
            macs[n.name] = macs.get(n.name, 0) + int(m)
        if store:
            mean = costs.calls[index[red.mean.name]]
            set_scratch([mean], steps)
            calls.append(mean)
        else:
            calls.append(finish_call(g, red.mean, offsets[sum_name(p)]))
        more = branch_calls(costs, red)
        set_scratch(more, steps)
        calls += more
        for n in red.branch:
            macs[n.name] = macs.get(n.name, 0) + int(op_module(n.op).macs(n, g))
    return calls, macs


def finish_call(g: Graph, mean: Node, sum_offset: int) -> Call:
    """tc_mean_finish_s8 (tc_avg_pool_finish_s8 for a global avg_pool2d): the mean's output from the
    per-channel int32 sums at sum_offset."""
    if mean.op == "avg_pool2d":
        p = op_module("avg_pool2d").lower(mean, g).params
        _, h, w, c = g.tensors[mean.inputs[0]].shape
        return Call("mean_finish_s8.j2", mean.name, [], list(mean.outputs),
                    dict(avg=True, sum_offset=sum_offset, reduce=h * w, channels=c,
                         act_min=p["act_min"], act_max=p["act_max"]))
    c = mean_lower(mean, g)
    p = c.params
    return Call("mean_finish_s8.j2", mean.name, [], list(mean.outputs),
                dict(sum_offset=sum_offset, reduce=p["reduce"], channels=p["inner"], input_offset=p["input_offset"],
                     output_offset=p["output_offset"], multiplier=p["multiplier"], shift=p["shift"],
                     act_min=p["act_min"], act_max=p["act_max"]))


def stage_macs(g: Graph, stage: Stage, tile_macs: list[int], more: dict[str, int]) -> list[int]:
    """MACs per node of g.nodes[0..split] (the report's staged layers): the main loop's (tile_macs,
    per stage node) plus what the pre-passes and branches add."""
    main = {n.name: m for n, m in zip(stage.nodes, tile_macs)}
    return [int(main.get(n.name, 0) + more.get(n.name, 0)) for n in g.nodes[:stage.split + 1]]


def refuse_mixed(g: Graph, plan) -> None:
    """TinycError when the plan's stage holds squeeze-excite blocks: QuantMCU (--precision mixed)
    runs one pass over the patches (tinyc.quantmcu), not the pre-passes these need."""
    from tinyc.patching.receptive import stage_of
    from tinyc.patching.split import split_graph
    k, sub = split_graph(g)
    stage = stage_of(sub, plan.split - k)
    if stage.reductions:
        n = stage.reductions[0].mean
        raise TinycError(f"--precision mixed (QuantMCU) cannot run a patch stage holding squeeze-excite blocks: "
                         f"choose a split before node {g.nodes.index(n) if n in g.nodes else '?'} "
                         f"(--patch S:N) or --precision int8", where(g.source, n.name, n.op))
