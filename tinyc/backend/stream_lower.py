"""Lowering a streaming patch plan (row bands with halo caching, tinyc.patching.stream) to the
patch loop of patch_stage.j2.

Per band t the loop copies the band's input window, then per stage node (in the stage's order,
any DAG: tinyc.patching.stream): restores the cached rows on top of its output's per-band buffer,
runs the kernel on the new rows only, each activation input read at its band's row offset into
that input's full-width buffer (a short branch reads fewer rows at a later offset: no copy) and
the output written below the restored rows, with each band's own dims and border pads; then saves
the rows the next band needs to the node's cache buffer. The split node's new rows are stitched
into the split tensor. Buffers, caches and scratch have the offsets of the checked plan of
stream_schedule (never in place). The DSP build runs the same specialised kernels as layer
by layer (patch_lower.spec_classes).
"""
from __future__ import annotations

import numpy as np

from tinyc.backend.schedule import MemoryPlan
from tinyc.backend.unrow import unrow
from tinyc.ir import Graph
from tinyc.memory import live_bytes, lower_bound, tensor_offsets
from tinyc.ops.common import Call
from tinyc.patching.plan import ModelCosts, PatchPlan, fit_scratch, layer_by_layer, set_scratch
from tinyc.patching.stream import band_calls, cache_name, stream_macs
from tinyc.patching.stream_search import stream_schedule


def _row_bytes(g: Graph, name: str) -> int:
    _, _, w, c = g.tensors[name].shape
    return w * c * int(np.dtype(g.tensors[name].dtype).itemsize)


def _input_refs(g: Graph, stage, bands, i: int, offsets: dict[str, int], row_bytes=None) -> list[dict]:
    """Where each input of stage node i lives: a constant, or a per-band buffer read at the band's
    row offset (bytes, per band: the input's x_row rows of that buffer). row_bytes(g, x): a row's
    bytes in x's buffer (default: int8/int16 rows; QuantMCU: packed rows)."""
    row_bytes = row_bytes or _row_bytes
    n = stage.nodes[i]
    out = []
    for j, x in enumerate(n.inputs):
        if not x or g.tensors[x].is_const:
            out.append(dict(kind="const", name=x, views=None))
        else:
            out.append(dict(kind="arena", offset=offsets[f"patch:{x}"],
                            views=[b[i].x_rows[j] * row_bytes(g, x) for b in bands]))
    return out


def _kind(g: Graph, n, real: list[Call]) -> str:
    """The patch-loop kernel every band of node n runs (one template on all bands)."""
    from tinyc.backend.patch_lower import KINDS
    from tinyc.errors import TinycError, where
    kind = real[0].template[:-3]
    if kind not in KINDS or any(c.template != real[0].template for c in real):
        raise TinycError(f"no C streaming kernel for this node ({kind})", where(g.source, n.name, n.op))
    return kind


def lower_streamed(g: Graph, plan: PatchPlan, extra=None):
    """(the loop's Call + the rest's calls, checked MemoryPlan, stage, steps, per-node MACs, base)
    of a streaming plan on a graph without an input interface. extra: QuantMCU's hooks
    (tinyc.quantmcu.stream_lower.StreamQuantMCU: packed maps, bit-plane readers, the re-run)."""
    from tinyc.backend.patch_lower import CTYPES, entry_dims, spec_classes
    costs = ModelCosts(g)
    steps, sizes, _, stage, windows, bands = stream_schedule(costs, plan.split, plan.grid[0], copy_input=True)
    if extra is not None:
        steps, sizes = extra.schedule_stream(costs, stage, bands, steps, sizes)
    row_bytes = extra.row_bytes if extra is not None else _row_bytes
    steps, (bufs, p, policy) = fit_scratch(costs, steps, sizes)
    set_scratch(costs.calls[plan.split + 1:], steps)
    offsets = tensor_offsets(bufs, p)
    nodes, arrays = [], {}
    for i, n in enumerate(stage.nodes):
        calls = [c if c is None else unrow(c) for c in band_calls(stage, bands, i)]  # 1-D: one-row geometry
        real = [c for c in calls if c is not None]
        kind = _kind(g, n, real)
        filled = [c if c is not None else real[0] for c in calls]
        scratch = 0 if extra is not None and extra.no_scratch(stage, i) else max(c.scratch for c in real)
        tiles = [dict(c.params) for c in filled]
        y = n.outputs[0]
        yb = row_bytes(g, y)
        in_dims, out_dims = entry_dims(kind, tiles)
        cache = offsets.get(cache_name(y))
        skip = [int(b[i].need is None) for b in bands]
        nodes.append(dict(
            kind=kind, name=n.name, index=i, ins=_input_refs(g, stage, bands, i, offsets, row_bytes), fixed=tiles[0],
            tiles=tiles, in_dims=in_dims, out_dims=out_dims, out=offsets[f"patch:{y}"], ctype=CTYPES[g.tensors[y].dtype],
            out_views=[b[i].y_row * yb for b in bands], scratch=scratch,
            scratch_offset=offsets.get(f"patch.{n.name}.scratch", 0) if scratch else 0,
            spec=spec_classes(kind, filled, scratch), skip=skip if any(skip) else None,
            cache=None if cache is None else dict(
                offset=cache, restore=[b[i].restore * yb for b in bands],
                save_from=[b[i].save[0] * yb for b in bands], save=[b[i].save[1] * yb for b in bands])))
        arrays.update({f"s{i}_{k}": v for k, v in real[0].arrays.items()})  # multipliers, shifts, LUTs
        if extra is not None:
            arrays.update({f"s{i}_{k}": v for k, v in extra.stream_entry(g, stage, i, nodes[-1], real[0].arrays,
                                                                         offsets).items()})
    tile_macs = stream_macs(stage, bands)
    xin, yout = g.tensors[stage.input], g.tensors[stage.output]
    last = [b[-1].new for b in bands]
    params = dict(
        ntiles=len(bands), in_symbol=f"in{g.inputs.index(stage.input)}",
        elem_bytes=int(np.dtype(xin.dtype).itemsize),
        in_dims=list(xin.shape), split_dims=list(yout.shape), split_name=stage.output,
        windows=[[r.y0, r.x0, r.h, r.w] for r in windows],
        tiles=[[r.y0, r.x0, r.h, r.w] for r in last],
        in_buf=offsets[f"patch:{stage.input}"], out_buf=offsets[f"patch:{stage.output}"],
        split_offset=offsets[stage.output], nodes=nodes, in_offset=None, quantmcu=False, stream=True)
    call = Call("patch_stage.j2", "patch stage", [stage.input], [stage.output], params, arrays)
    if extra is not None and extra.low:
        params["quantmcu"] = True
        extra.finish(call, g, stage, offsets)
    mem = MemoryPlan(offsets, p.arena_bytes, p.strategy, dict(p.tried), lower_bound(bufs),
                     live_bytes(bufs, len(policy[0])), bufs)
    return [call] + costs.calls[plan.split + 1:], mem, stage, policy[0], tile_macs, layer_by_layer(costs)
