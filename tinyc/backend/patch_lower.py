"""Lowering a patch plan: the patch stage as one looped call, the rest layer by layer.

The generated C runs, for every tile t of the grid (a static const table):

    tc_copy_window   the tile's input window of the model input -> the per-patch input buffer
    <stage node>...  each stage kernel on per-patch buffers, with tile t's dims and pads
    tc_copy_tile     the per-patch split tile -> its place in the full split tensor

then the remaining nodes as the pipeline lowers them. Every buffer (per-patch
ones, their kernel scratch, the split tensor, the rest) has the offset of the
plan tinyc.patching.plan makes for this schedule (copy_input=True, the model
input outside the arena: the kernels read the caller's buffer), which has
passed the memory checker. A residual branch that reads less than its source
patch (a crop) is a strided view for `add`; any other node reads a copy of the crop
(tc_copy_window into its own per-patch buffer, tinyc.backend.crop_lower).

An input interface (float -> int8 quantize, NCHW -> NHWC transpose or relabel,
tinyc.patching.split) runs per window inside the loop: tc_load_window_s8 /
tc_load_window_f32_s8 read the caller's buffer in its own layout and dtype in
place of tc_copy_window. The plan is made on the graph after the interface,
whose input (the stage input) never exists in full.
With QuantMCU hooks (--precision mixed, tinyc.quantmcu.lower.QuantMCULowering: its schedule,
node entries and finish), maps stored below 8 bits live in packed buffers read by bit-plane
kernels, and an outlier patch is re-run in int8 as sub-patches (tinyc/quantmcu/lower.py).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from tinyc.backend.lower import build_program
from tinyc.backend.schedule import MemoryPlan
from tinyc.backend.unrow import unrow
from tinyc.errors import TinycError, where
from tinyc.ir import Graph
from tinyc.memory import live_bytes, lower_bound, tensor_offsets
from tinyc.ops import op_module
from tinyc.ops.common import Call
from tinyc.ops.conv2d import scratch_general
from tinyc.backend.crop_lower import crop_copy_ref
from tinyc.backend.patch_choice import c_patchable, lower_patched_check
from tinyc.patching.crops import VIEW_OPS
from tinyc.patching.patch_graph import PatchGraph, build_patch_graph
from tinyc.patching.plan import (ModelCosts, PatchPlan, _plan, fit_scratch, layer_by_layer, patch_schedule,
                                 set_scratch)
from tinyc.patching.receptive import Stage
from tinyc.patching.split import split_graph, window_load

# The kernel templates the C patch loop's stage ops lower to (tinyc.backend.patch_choice.C_STAGE_OPS).
KINDS = ("conv2d_s8", "conv2d_1x1_s8", "depthwise_conv2d_s8", "add_s8", "max_pool2d_s8", "avg_pool2d_s8",
         "clamp_s8", "lut_s8", "mul_s8", "quantize", "pad_s8", "concat_s8", "strided_slice", "leaky_relu",
         "conv2d_s16", "depthwise_conv2d_s16", "clamp_s16")  # 16x8: add and pools name their int16 kernel
SIZED = ("clamp_s8", "lut_s8", "quantize", "clamp_s16", "leaky_relu")  # elementwise kernels taking an element count
CTYPES = {"int8": "int8_t", "int16": "int16_t"}


@dataclass
class PatchLowering:
    """calls: [the patch-stage call] + the rest's calls; memory: the checked plan of the
    schedule `steps` (step names 'patch.<node>' for stage nodes)."""

    calls: list[Call]
    memory: MemoryPlan
    plan: PatchPlan
    stage: Stage
    steps: list
    tile_macs: list[int]  # per stage node: MACs summed over all tiles
    base: PatchPlan | None = None  # layer by layer planned the same way (model input outside the arena)
    prefix: int = 0  # interface nodes of g, run per window by the stage's loader
    arena_bytes: int = 0  # the same schedule planned with the model input inside the arena


def lower_patched(g: Graph, plan: PatchPlan, extra=None) -> PatchLowering:
    """The plan's calls and checked memory plan (model input outside the arena); plan.split
    indexes g's nodes. extra(graph, stage, per-patch graphs) -> {stage node index:
    f(node entry, node arrays) -> (more template keys, more arrays)}
    adds a post-node step to the loop; with methods schedule / no_scratch / finish it also
    reshapes the planned steps and adds to the call (QuantMCU: tinyc.quantmcu.lower)."""
    k, sub = split_graph(g)
    split = plan.split - k
    if getattr(plan, "stream", False):
        return _lower_streamed(g, plan, k, sub, extra)
    if not c_patchable(sub, split):
        lower_patched_check(sub, split)
    costs = ModelCosts(sub)
    steps, sizes, _, stage, tiles = patch_schedule(costs, split, *plan.grid, copy_input=True)
    if hasattr(extra, "schedule"):  # QuantMCU: packed map buffers, the outlier re-run's steps
        steps, sizes = extra.schedule(costs, stage, tiles, steps, sizes)
    steps, (bufs, p, policy) = fit_scratch(costs, steps, sizes)
    set_scratch(costs.calls[split + 1:], steps)
    offsets = tensor_offsets(bufs, p)
    pgs = [build_patch_graph(stage, pr) for pr in tiles]
    if hasattr(extra, "finish"):
        extra.offsets = offsets
    call, tile_macs = stage_call(sub, stage, pgs, offsets, extra)
    if hasattr(extra, "finish"):
        extra.finish(call, sub, stage, offsets)
    pre = []
    if stage.reductions:  # squeeze-excite: pre-passes and branches before the loop
        from tinyc.backend.patch_prepass import prepass_calls, stage_macs, window_loads
        if extra is not None:
            from tinyc.backend.patch_prepass import refuse_mixed
            refuse_mixed(g, plan)
        pre, more = prepass_calls(sub, stage, plan.grid, offsets, costs, steps, stage_call)
        call.params["loads"] = window_loads(sub, stage, pgs, offsets)
        tile_macs = stage_macs(sub, stage, tile_macs, more)
    if k:  # the interface runs per window, inside the loader: the stage reads the caller's input
        for c in [c for c in pre if c.template == "patch_stage.j2"] + [call]:
            read_through_interface(g, k, c)
    mem = MemoryPlan(offsets, p.arena_bytes, p.strategy, dict(p.tried), lower_bound(bufs),
                     live_bytes(bufs, len(policy[0])), bufs)
    base = layer_by_layer(ModelCosts(g) if k else costs)  # same convention: input outside
    return PatchLowering(pre + [call] + costs.calls[split + 1:], mem, plan, stage, policy[0], tile_macs, base, k,
                         arena_with_input(g, k, costs, stage, steps, sizes))


def read_through_interface(g: Graph, k: int, call: Call) -> None:
    """The interface (k nodes) runs per window, inside the loader: the stage reads the caller's input."""
    load = window_load(g, k)
    call.inputs = [g.inputs[0]]
    call.params.update(nchw=int(load.nchw), load_f32=load.quantize is not None,
                       load_scale=load.quantize[0] if load.quantize else 0.0,
                       load_zp=load.quantize[1] if load.quantize else 0)


def arena_with_input(g: Graph, k: int, costs: ModelCosts, stage: Stage, steps, sizes) -> int:
    """arena_bytes of the patch schedule: planned with the model input inside the arena. With an
    input interface (k nodes, run per window by the loader) the slot holds the model input itself."""
    if k:
        sizes = dict(sizes, **{stage.input: max(sizes[stage.input], g.tensors[g.inputs[0]].nbytes)})
    _, p, _ = _plan(costs, steps, sizes, with_input=True)
    return int(p.arena_bytes)


def _lower_streamed(g: Graph, plan: PatchPlan, k: int, sub: Graph, extra) -> PatchLowering:
    """lower_patched for a streaming plan (tinyc.backend.stream_lower), no QuantMCU; an input
    interface (k nodes) runs per band window inside the loader, as in the grid loop."""
    from tinyc.backend.stream_lower import lower_streamed
    if extra is not None:
        raise TinycError("streaming patch plans (S:Ns) do not support --precision mixed: use an S:NxM grid",
                         g.source)
    split = plan.split - k
    if not c_patchable(sub, split):
        lower_patched_check(sub, split)
    calls, mem, stage, steps, tile_macs, base = lower_streamed(sub, replace(plan, split=split))
    if k:
        read_through_interface(g, k, calls[0])
        base = layer_by_layer(ModelCosts(g))  # same convention: the model input outside
    # arena_bytes: the input placed beside the streamed schedule's buffers (a valid plan, not a tight one)
    return PatchLowering(calls, mem, plan, stage, steps, tile_macs, base, k,
                         mem.arena_bytes + g.tensors[g.inputs[0]].nbytes)



def _rect(r) -> list[int]:
    return [r.y0, r.x0, r.h, r.w]


def stage_call(g: Graph, stage: Stage, pgs: list[PatchGraph], offsets: dict[str, int],
               extra=None) -> tuple[Call, list[int]]:
    """The one Call the patch_stage.j2 template renders, and per stage node its MACs over all tiles.
    extra (see lower_patched) gives some nodes more template keys (QuantMCU: "qm", "bp") and arrays."""
    x, y = g.tensors[stage.input], g.tensors[stage.output]
    arrays: dict[str, np.ndarray] = {}
    nodes, tile_macs = [], []
    post = extra(g, stage, pgs) if extra is not None else {}
    active = bool(post)
    for i in range(len(stage.nodes)):
        free = hasattr(extra, "no_scratch") and extra.no_scratch(stage, i)
        entry, node_arrays, m = node_entry(g, stage, i, pgs, offsets, scratch_free=free)
        if i in post:
            keys, more = post[i](entry, node_arrays)
            entry.update(keys)
            node_arrays = dict(node_arrays, **more)
            if entry.get("bp") and any(r.get("crop_copy") for r in entry["ins"]):
                n = stage.nodes[i]
                raise TinycError("QuantMCU bit-plane codes read through a crop copy are not supported: use "
                                 "--precision int8 or another split", where(g.source, n.name, n.op))
        entry["macs"] = int(m)
        nodes.append(entry)
        tile_macs.append(m)
        arrays.update({f"s{i}_{k}": v for k, v in node_arrays.items()})
    params = dict(
        ntiles=len(pgs), in_symbol=f"in{g.inputs.index(stage.input)}", elem_bytes=int(np.dtype(x.dtype).itemsize),
        in_dims=list(x.shape), split_dims=list(y.shape), split_name=stage.output,
        windows=[_rect(pg.regions.regions[stage.input]) for pg in pgs],
        tiles=[_rect(pg.regions.tile) for pg in pgs],
        in_buf=offsets[f"patch:{stage.input}"], out_buf=offsets[f"patch:{stage.output}"],
        split_offset=offsets[stage.output], nodes=nodes, quantmcu=active, nchw=0, load_f32=False)
    return Call("patch_stage.j2", "patch stage", [stage.input], [stage.output], params, arrays), tile_macs


def _lowered(i: int, pgs: list[PatchGraph]) -> list[Call]:
    """Stage node i lowered on every tile; a 1x1 conv that is general on some tile is general on all."""
    calls = []
    for pg in pgs:
        pn = pg.graph.nodes[i]
        calls.append(unrow(op_module(pn.op).lower(pn, pg.graph)))  # a 1-D model's bands: one-row geometry
    kinds = {c.template for c in calls}
    if kinds == {"conv2d_s8.j2", "conv2d_1x1_s8.j2"}:
        for c in calls:
            p = c.params
            c.template, c.inplace, c.scratch_min = "conv2d_s8.j2", None, 0
            c.scratch = scratch_general(p["kh"] * p["kw"] * p["cin"], p["cout"], 1)
    return calls


def node_entry(g: Graph, stage: Stage, i: int, pgs: list[PatchGraph], offsets: dict[str, int],
               scratch_free: bool = False):
    """(template data, constant arrays, MACs over tiles) of stage node i in the patch loop;
    scratch_free: the node runs a kernel without arena scratch (QuantMCU's bit-plane readers)."""
    n = stage.nodes[i]
    calls = _lowered(i, pgs)
    kind = calls[0].template[:-3]
    if kind not in KINDS or any(c.template != calls[0].template for c in calls):
        raise TinycError(f"no C patch kernel for this node ({kind})", where(g.source, n.name, n.op))
    scratch = 0 if scratch_free else max(c.scratch for c in calls)  # as the patch plan counted it
    ins = [input_ref(g, stage, n, j, pgs, offsets) for j in range(len(n.inputs))]
    tiles = [dict(c.params) for c in calls]
    if kind == "add_s8" and any(r["views"] for r in ins):
        for t, pg in enumerate(pgs):
            tiles[t].update(view_dims(g, n, i, pg))
    macs = sum(op_module(pg.graph.nodes[i].op).macs(pg.graph.nodes[i], pg.graph) for pg in pgs)
    in_dims, out_dims = entry_dims(kind, tiles)
    entry = dict(kind=kind, name=n.name, index=i, ins=ins, fixed=tiles[0], tiles=tiles,
                 ctype=CTYPES[g.tensors[n.outputs[0]].dtype],
                 in_dims=in_dims, out_dims=out_dims,
                 out=offsets[f"patch:{n.outputs[0]}"], scratch=scratch,
                 scratch_offset=offsets.get(f"patch.{n.name}.scratch", 0) if scratch else 0,
                 spec=spec_classes(kind, calls, scratch))
    if scratch and f"patch.{n.name}.scratch" not in offsets:
        raise AssertionError(f"{n.name}: the plan has no scratch buffer for the patch kernel")
    return entry, calls[0].arrays, macs


# Per-tile geometry a specialised kernel takes as literals (tc_conv_spec_dsp.h).
SPEC_GEOMETRY = ("h", "w", "oh", "ow", "pad_top", "pad_left")


def spec_classes(kind: str, calls: list[Call], scratch: int) -> dict | None:
    """How the DSP build runs stage node `kind` on every tile with the layer-by-layer specialised
    kernels (templates/ops/*_spec.j2), or None for the generic kernel:
    a 1x1 conv takes tc_convolve_1x1_s8_spec with each tile's pixel count (px);
    a general or 3x3 depthwise conv switches on the tile's geometry class (cls: per tile; classes:
    the literal geometry of each class, border tiles having their own)."""
    if not all(c.params.get("spec") for c in calls):
        return None
    ps = [c.params for c in calls]
    if kind == "conv2d_1x1_s8":
        return dict(px=[p["oh"] * p["ow"] for p in ps]) if scratch >= calls[0].scratch else None
    if kind == "depthwise_conv2d_s8" and scratch and scratch < max(4 * p["oh"] * p["ow"] for p in ps):
        return None
    if kind == "conv2d_s8" and scratch < calls[0].scratch:
        return None
    if kind not in ("conv2d_s8", "depthwise_conv2d_s8"):
        return None
    keys = [tuple(p[k] for k in SPEC_GEOMETRY) for p in ps]
    classes = sorted(set(keys))
    return dict(cls=[classes.index(k) for k in keys], classes=[dict(zip(SPEC_GEOMETRY, k)) for k in classes])


def entry_dims(kind: str, tiles: list[dict]) -> tuple[list, list]:
    """The per-tile dims tables (input, output) the loop passes to stage node `kind` ([]: none)."""
    if kind == "mul_s8":  # broadcast dims and strides as the per-tile lowering computed them
        return [], [list(p["dims"]) for p in tiles]
    if kind in SIZED + ("pad_s8", "concat_s8", "strided_slice"):
        return [], []
    return tile_dims(kind, tiles)


def tile_dims(kind: str, tiles: list[dict]) -> tuple[list, list]:
    """Per tile the kernel's input dims ([] for add) and output dims, NHWC."""
    if kind == "add_s8":
        return [], [list(p["dims"]) for p in tiles]
    if kind in ("max_pool2d_s8", "avg_pool2d_s8"):
        return ([[p["n"], p["h"], p["w"], p["c"]] for p in tiles], [[p["n"], p["oh"], p["ow"], p["c"]] for p in tiles])
    return ([[1, p["h"], p["w"], p["cin"]] for p in tiles], [[1, p["oh"], p["ow"], p["cout"]] for p in tiles])


def input_ref(g: Graph, stage: Stage, n, j: int, pgs: list[PatchGraph], offsets) -> dict:
    """Where input j of stage node n lives: a constant, or a per-patch buffer (+ per-tile byte
    offsets when the node reads a crop of it)."""
    x = n.inputs[j]
    if not x or g.tensors[x].is_const:
        return dict(kind="const", name=x, views=None)
    if x in stage.globals:  # a squeeze-excite scale: whole, in the arena
        return dict(kind="arena", offset=offsets[x], views=None)
    views = []
    for pg in pgs:
        pn_in = pg.graph.nodes[stage.nodes.index(n)].inputs[j]
        if pn_in in pg.crops:
            src, dy, dx = pg.crops[pn_in]
            src_w = pg.graph.tensors[src].shape[2]
            views.append((dy * src_w + dx) * g.tensors[src].shape[3] * np.dtype(g.tensors[src].dtype).itemsize)
        else:
            views.append(0)
    cropped = any(pg.graph.nodes[stage.nodes.index(n)].inputs[j] in pg.crops for pg in pgs)
    if cropped and n.op not in VIEW_OPS:  # the loop copies the crop first (tinyc.patching.crops)
        return crop_copy_ref(g, stage, n, j, pgs, offsets)
    return dict(kind="arena", offset=offsets[f"patch:{x}"], views=views if cropped else None)


def view_dims(g: Graph, n, i: int, pg: PatchGraph) -> dict:
    """dims and element strides (n, h, w, c) of add node n (stage node i) on one patch, each
    input read as a view of its source patch buffer (a crop, or the whole buffer)."""
    pn = pg.graph.nodes[i]
    out = pg.graph.tensors[pn.outputs[0]].shape
    strides = []
    for x in pn.inputs[:2]:
        t = pg.graph.tensors[x]
        if t.is_const or t.shape != out:
            raise TinycError("a broadcast add on a crop cannot run in the C patch loop",
                             where(g.source, n.name, n.op))
        _, sh, sw, c = pg.graph.tensors[pg.crops[x][0] if x in pg.crops else x].shape
        strides.append([sh * sw * c, sw * c, c, 1])
    return dict(dims=list(out), a_strides=strides[0], b_strides=strides[1])



def program_of(g: Graph, pl: PatchLowering):
    """The Program of a patch lowering: the model input is the caller's buffer (never in the arena;
    an input interface runs inside the patch loop's window loader)."""
    x = g.inputs[0]
    prog = build_program(g, pl.calls, dict(pl.memory.offsets, **{x: 0}), pl.memory.arena_bytes, pl.memory)
    ref = prog.refs[x]
    ref.kind, ref.offset, ref.symbol = "extern", 0, f"in{g.inputs.index(x)}"
    return prog
