"""QuantMCU in the C patch loop: packed patch buffers, bit-plane kernels, outlier patches as int8 sub-patches.

backend.patch_lower knows nothing of QuantMCU; it takes the `extra` object
`stage_entries(qplan)` returns (a QuantMCULowering) and calls it at three points:
- `schedule(costs, stage, tiles, steps, sizes)` before memory planning: the
  patch-loop steps and buffer sizes this file's loop needs (below);
- `extra(graph, stage, per-patch graphs)` -> {stage node index: f}, f(node entry,
  node arrays) giving the node's extra template keys and arrays ("qm" after a
  node writing a map stored below 8 bits, "bp" on a node reading one), and
  `no_scratch(i)`: the node runs a kernel needing no arena scratch;
- `finish(call, graph, stage, offsets)` after planning: the outlier re-run (the
  int8 sub-patch nodes, windows, tiles) added to the patch call.

One patch-loop iteration (templates/patch_stage.j2):
  main path, every tile: a producer of a map F stored at b < 8 bits writes F in
    int8 into a short-lived buffer F~8; tc_quantmcu_bp_s8 checks it (VDPC) and
    writes the codes as bit planes into F's buffer, planned at the PACKED size
    (pixels x C x b / 8) and in place when the planner merges the two (the
    room's tail is free once the pack has run); the readers of F run tc_convolve_bp_s8 on the codes,
    with no arena scratch. A map over its threshold aborts the path.
  re-run, outlier tiles only: the tile split into kh x kw sub-tiles (a finer
    grid), each run through the whole stage in int8 with its own, smaller
    buffers (names qmsub:*), then copied into the split tensor. Patch-based int8
    is exact, so the tile equals the int8 result (tinyc/quantmcu/execute.py).
The planner sees both paths one after the other in the same iteration: the
re-run's buffers may reuse the main path's memory (which is dead once a path
aborts), and no buffer anywhere holds a whole tile's map in int8 past its
producer. The sub-grid (kh, kw) is the one of SUB_GRIDS with the smallest
planned work arena (ties: the coarser, fewer recomputed MACs).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from tinyc.patching.patch_graph import build_patch_graph
from tinyc.patching.receptive import Region, patch_regions, split_points
from tinyc.quantmcu.bitplane import bp_table, chunk_planes, reads_codes, requant_table
from tinyc.quantmcu.execute import Plan, feature_maps
from tinyc.quantmcu.pack import make_grid, plane_lut

SUB_GRIDS = ((2, 2), (3, 3), (4, 4))  # candidate splits of an outlier tile (capped by its size)
WIDE = "~8"  # suffix of the int8 room a producer writes before the pack
SUB = "qmsub"  # buffer and step prefix of the int8 re-run


def quantmcu_entry(fm, qplan: Plan, pgs, wide: int, packed: int) -> tuple[dict, dict]:
    """(template data of tc_quantmcu_bp_s8 after the stage node writing map fm (b < 8): threshold, bits,
    per tile the map's pixels, the int8 source and packed destination offsets; {'qplanes': code-bits table})."""
    b, t = qplan.bits_of(fm.name), int(qplan.thresholds[fm.name])
    if not fm.codes:
        raise AssertionError(f"{fm.name}: a map below 8 bits must be read by bit-plane kernels only")
    shapes = [pg.graph.tensors[fm.name].shape for pg in pgs]
    entry = dict(threshold=t, bits=b, zp=fm.zp, pixels=[int(np.prod(s[:-1])) for s in shapes],
                 channels=int(shapes[0][-1]), planes=True, src=wide, dst=packed)
    return entry, {"qplanes": plane_lut(make_grid(b, fm.zp, qplan.range_of(fm.name), fm.nonneg))}


def bp_entry(g, n, entry: dict, arrays: dict, fm, qplan: Plan) -> tuple[dict, dict]:
    """(template data, constant arrays) of tc_convolve_bp_s8 for stage node n reading sub-8-bit map fm.
    Arrays: the lookup table, and the requantization constants when every channel allows them."""
    if entry["kind"] != "conv2d_s8" or not reads_codes(n, g):
        raise AssertionError(f"{n.name}: reads a packed map but has no bit-plane kernel")
    b = qplan.bits_of(fm.name)
    w = g.tensors[n.inputs[1]].data
    step = make_grid(b, fm.zp, qplan.range_of(fm.name), True).span // ((1 << b) - 1)
    bias = g.tensors[n.inputs[2]].data if len(n.inputs) > 2 and n.inputs[2] else None
    rq = requant_table(arrays["mult"], arrays["shift"], bias, entry["fixed"]["output_offset"])
    out = {"bptab": bp_table(w)}
    if rq is not None:
        out["bprq"] = rq
    return dict(bits=b, chunk=chunk_planes(w, b), step=step, rq=rq is not None), out


def sub_tiles(tile: Region, kh: int, kw: int) -> list[Region]:
    """The kh x kw sub-tiles of a tile (capped by its size), row-major."""
    ys, xs = split_points(tile.h, min(kh, tile.h)), split_points(tile.w, min(kw, tile.w))
    return [Region(tile.y0 + ys[i], tile.y0 + ys[i + 1], tile.x0 + xs[j], tile.x0 + xs[j + 1])
            for i in range(len(ys) - 1) for j in range(len(xs) - 1)]


def _rename(x: str) -> str:
    return SUB + x[len("patch"):] if x.startswith("patch") else x


class QuantMCULowering:
    """The patch loop's QuantMCU hooks for one plan (see the module docstring)."""

    def __init__(self, qplan: Plan):
        self.qplan = qplan
        self.low: dict[str, object] = {}  # map name -> FeatureMap, maps stored below 8 bits
        self.sub: list[list] = []  # per main tile, its sub-tiles' PatchRegions
        self.grid = (1, 1)

    # -- before planning ------------------------------------------------------------------------
    def main_steps(self, stage, steps, sizes):
        """The main path: each low map's producer writes F~8 (int8), a pack step writes F (packed size);
        readers of F need no scratch and never run in place."""
        out, sizes = [], dict(sizes)
        producers = {n.outputs[0]: n.name for n in stage.nodes if n.outputs[0] in self.low}
        readers = {n.name for n in stage.nodes if any(x in self.low for x in n.inputs)}
        for st in steps:
            name = st.name[len("patch."):] if st.name.startswith("patch.") else None
            if name in readers:
                st = replace(st, scratch=0, inplace=None)
            out.append(st)
            f = next((x for x, p in producers.items() if p == name), None)
            if f is None:
                continue
            buf, wide = f"patch:{f}", f"patch:{f}{WIDE}"
            inplace = (st.inplace[0], wide) if st.inplace and st.inplace[1] == buf else st.inplace
            out[-1] = replace(st, writes=[wide if w == buf else w for w in st.writes], inplace=inplace)
            out.append(type(st)(f"patch.{name}.qm", [wide], [buf], 0, (wide, buf)))  # packs in place
            sizes[wide] = sizes[buf]
            sizes[buf] = sizes[buf] * self.qplan.bits_of(f) // 8
        return out, sizes

    def sub_steps(self, costs, stage, tiles, grid):
        """(steps, sizes, sub-tile PatchRegions per main tile) of the int8 re-run on a kh x kw sub-grid."""
        from tinyc.patching.plan import _stage_steps
        per = [[patch_regions(stage, r) for r in sub_tiles(pr.tile, *grid)] for pr in tiles]
        steps, sizes, _ = _stage_steps(costs, stage, [s for p in per for s in p], copy_input=True)
        steps = [type(st)(_rename(st.name), [_rename(x) for x in st.reads], [_rename(x) for x in st.writes],
                          st.scratch, tuple(map(_rename, st.inplace)) if st.inplace else None)
                 for st in steps if st.name != "patch.begin"]
        return steps, {_rename(k): v for k, v in sizes.items()}, per

    def schedule(self, costs, stage, tiles, steps, sizes):
        """(steps, sizes) of the patch schedule with both paths; picks the sub-grid."""
        from tinyc.patching.plan import _plan
        maps = {m.name: m for m in feature_maps(costs.g, stage)}
        self.low = {k: m for k, m in maps.items() if self.qplan.bits_of(k) < 8}
        if not self.low:
            return steps, sizes
        end = next(i for i, st in enumerate(steps) if st.name == "patch.stitch") + 1
        main, sizes = self.main_steps(stage, steps[:end], sizes)
        best = None
        for grid in SUB_GRIDS:
            sub, sub_sizes, per = self.sub_steps(costs, stage, tiles, grid)
            cand = (main + sub + steps[end:], dict(sizes, **sub_sizes))
            arena = _plan(costs, *cand, with_input=False)[1].arena_bytes
            if best is None or arena < best[0]:
                best = (arena, cand, per, grid)
        _, cand, self.sub, self.grid = best
        return cand

    # -- node entries (main path) ----------------------------------------------------------------
    def no_scratch(self, stage, i: int) -> bool:
        return any(x in self.low for x in stage.nodes[i].inputs)

    def __call__(self, g, stage, pgs) -> dict:
        if not self.low:
            return {}
        out = {}
        for i, n in enumerate(stage.nodes):
            fm = self.low.get(n.outputs[0])
            reads = self.low.get(n.inputs[0])
            if fm is None and reads is None:
                continue

            def node(entry, arrays, n=n, fm=fm, reads=reads):
                keys, more = {}, {}
                if fm is not None:
                    keys["qm"], more = quantmcu_entry(fm, self.qplan, pgs, self.offsets[f"patch:{fm.name}{WIDE}"],
                                                      entry["out"])
                    keys["out"] = self.offsets[f"patch:{fm.name}{WIDE}"]
                if reads is not None:
                    keys["bp"], bp_arrays = bp_entry(g, n, entry, arrays, reads, self.qplan)
                    more = dict(more, **bp_arrays)
                return keys, more
            out[i] = node
        return out

    # -- after planning: the re-run ------------------------------------------------------------------
    def finish(self, call, g, stage, offsets) -> None:
        """Add the int8 re-run of outlier tiles to the patch call: P['qm_sub'] with its node entries
        (stage node i as entry index N + i, arrays s<N+i>_*), windows, tiles and per main tile the
        first sub-tile (qm_first, N + 1 entries)."""
        from tinyc.backend.patch_lower import _rect, node_entry
        if not self.low:
            return
        nn = len(stage.nodes)
        flat = [pr for p in self.sub for pr in p]
        pgs = [build_patch_graph(stage, pr) for pr in flat]
        view = dict(offsets)
        view.update({"patch" + k[len(SUB):]: v for k, v in offsets.items() if k.startswith(SUB)})
        nodes = []
        for i in range(nn):
            entry, arrays, _ = node_entry(g, stage, i, pgs, view)
            entry["index"] = nn + i
            nodes.append(entry)
            call.arrays.update({f"s{nn + i}_{k}": v for k, v in arrays.items()})
        first = np.cumsum([0] + [len(p) for p in self.sub]).tolist()
        call.params["qm_sub"] = dict(
            nodes=nodes, windows=[_rect(pg.regions.regions[stage.input]) for pg in pgs],
            tiles=[_rect(pg.regions.tile) for pg in pgs], first=first, ntiles=len(pgs),
            in_buf=offsets[f"{SUB}:{stage.input}"], out_buf=offsets[f"{SUB}:{stage.output}"], grid=list(self.grid))


def stage_entries(qplan: Plan | None, stream: bool = False):
    """The QuantMCU hooks of a plan for backend.patch_lower.lower_patched (None: the int8 patch loop);
    stream: a row-band plan (tinyc.quantmcu.stream_lower)."""
    if qplan is None or not any(b < 8 for b in qplan.bits.values()):
        return None
    if stream:
        from tinyc.quantmcu.stream_lower import StreamQuantMCU
        return StreamQuantMCU(qplan)
    return QuantMCULowering(qplan)
