"""QuantMCU in the C loop of a streamed plan (row bands with halo caches): the hooks
tinyc.backend.stream_lower.lower_streamed calls. Semantics: tinyc/quantmcu/stream.py.

Per band t, for a map F stored at b < 8 bits (templates/patch_stage.j2, patch_ops.j2):
  restore   F's cached rows (codes, packed bytes) -> the top of F's packed band buffer
  producer  F's new rows in int8 -> a short-lived room F~8 (new rows only)
  pack      tc_quantmcu_bp_s8: VDPC peak check (sets the band's outlier flag) and the codes as
            bit planes -> F's packed buffer at the new rows' place (always: caches hold codes)
  save      the rows band t + 1 reads again (packed bytes) -> F's cache
  readers   tc_convolve_bp_s8 on the packed rows (input pointer at the band's packed row
            offset), no arena scratch
After the band's split rows are stitched: if some map was over its threshold, the band's split
rows are re-run in int8 as kh x kw sub-tiles from the model input (patch_regions: exact int8)
and overwrite them. The re-run's buffers (qmsub:*) are planned after the main path's, before
the caches' last use, so they reuse the main path's memory but never the caches'.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from tinyc.patching.receptive import Region, patch_regions
from tinyc.patching.stream import cache_name
from tinyc.quantmcu.execute import Plan, feature_maps
from tinyc.quantmcu.lower import SUB_GRIDS, WIDE, QuantMCULowering, _rename, bp_entry, sub_tiles
from tinyc.quantmcu.pack import make_grid, plane_lut


class StreamQuantMCU(QuantMCULowering):
    """The streamed loop's QuantMCU hooks for one plan (see the module docstring)."""

    def __init__(self, qplan: Plan):
        super().__init__(qplan)
        self.bands = []

    def row_bytes(self, g, name: str) -> int:
        """Bytes of one row of a band buffer / cache of `name` (packed for maps below 8 bits)."""
        _, _, w, c = g.tensors[name].shape
        b = self.qplan.bits_of(name) if name in self.low else 8
        return w * c * b // 8 * int(np.dtype(g.tensors[name].dtype).itemsize)

    def no_scratch(self, stage, i: int) -> bool:
        return stage.nodes[i].inputs[0] in self.low

    # -- before planning ------------------------------------------------------------------------
    def schedule_stream(self, costs, stage, bands, steps, sizes):
        """(steps, sizes) of the streamed loop with packed maps, pack steps and the int8 re-run."""
        from tinyc.patching.plan import _plan, _stage_steps
        g = costs.g
        self.low = {m.name: m for m in feature_maps(g, stage) if self.qplan.bits_of(m.name) < 8}
        self.bands = bands
        if not self.low:
            return steps, sizes
        sizes = dict(sizes)
        col = {n.outputs[0]: i for i, n in enumerate(stage.nodes)}
        for f in self.low:
            full = g.tensors[f].shape[2] * g.tensors[f].shape[3]
            sizes[f"patch:{f}{WIDE}"] = max(max(b[col[f]].new.h for b in bands), 1) * full
            for k in (f"patch:{f}", cache_name(f)):
                if k in sizes:
                    sizes[k] = sizes[k] * self.qplan.bits_of(f) // 8
        main = []
        for st in steps:
            name = st.name[len("patch."):] if st.name.startswith("patch.") else None
            n = next((n for n in stage.nodes if n.name == name), None)
            if st.name == "patch.stitch":
                break
            if n is not None and n.inputs[0] in self.low:
                st = replace(st, scratch=0)
            if n is not None and n.outputs[0] in self.low:
                f = n.outputs[0]
                main.append(replace(st, writes=[f"patch:{f}{WIDE}"], inplace=None))
                # the pack step restores F's cached rows, packs the new ones, saves the cache
                main.append(type(st)(f"patch.{name}.qm", [f"patch:{f}{WIDE}"], [f"patch:{f}"]))
                continue
            main.append(st)
        end = next(i for i, st in enumerate(steps) if st.name == "patch.stitch")
        stitch = steps[end]
        caches = [x for x in stitch.reads if x.startswith("cache:")]
        main.append(type(stitch)("patch.stitch", [f"patch:{stage.output}"], []))
        tail = [type(stitch)("patch.caches", caches, [])] + steps[end + 1:]
        tiles = [Region(*self._rows(b), 0, g.tensors[stage.output].shape[2]) for b in bands]
        best = None
        for grid in SUB_GRIDS:
            per = [[patch_regions(stage, r) for r in sub_tiles(tile, *grid)] if tile.h else [] for tile in tiles]
            sub, sub_sizes, _ = _stage_steps(costs, stage, [s for p in per for s in p], copy_input=True)
            sub = [type(st)(_rename(st.name), [_rename(x) for x in st.reads], [_rename(x) for x in st.writes],
                            st.scratch, tuple(map(_rename, st.inplace)) if st.inplace else None)
                   for st in sub if st.name != "patch.begin"]
            cand = (main + sub + tail, dict(sizes, **{_rename(k): v for k, v in sub_sizes.items()}))
            arena = _plan(costs, *cand, with_input=False)[1].arena_bytes
            if best is None or arena < best[0]:
                best = (arena, cand, per, grid)
        _, cand, self.sub, self.grid = best
        return cand

    @staticmethod
    def _rows(b) -> tuple[int, int]:
        r = b[-1].new
        return r.y0, r.y1

    # -- node entries ---------------------------------------------------------------------------
    def stream_entry(self, g, stage, i: int, entry: dict, arrays: dict, offsets) -> dict:
        """More arrays of stage node i; entry updated in place (packed producer / bit-plane reader)."""
        n = stage.nodes[i]
        x, y = n.inputs[0], n.outputs[0]
        more = {}
        if y in self.low:
            fm = self.low[y]
            b, t = self.qplan.bits_of(y), int(self.qplan.thresholds[y])
            _, _, w, c = g.tensors[y].shape
            rb = self.row_bytes(g, y)
            entry["qm"] = dict(threshold=t, bits=b, zp=fm.zp, channels=int(c), planes=True,
                               pixels=[bd[i].new.h * w if bd[i].need is not None else 0 for bd in self.bands],
                               src=offsets[f"patch:{y}{WIDE}"], dst=offsets[f"patch:{y}"],
                               dviews=[bd[i].y_row * rb for bd in self.bands])
            more["qplanes"] = plane_lut(make_grid(b, fm.zp, self.qplan.range_of(y), fm.nonneg))
            entry["out"], entry["out_views"] = offsets[f"patch:{y}{WIDE}"], None
            if entry.get("cache"):
                entry["cache"]["buf"] = offsets[f"patch:{y}"]
        if x in self.low:
            entry["bp"], bp_arrays = bp_entry(g, n, entry, arrays, self.low[x], self.qplan)
            more.update(bp_arrays)
        return more

    # -- after planning: the re-run ------------------------------------------------------------------
    def finish(self, call, g, stage, offsets) -> None:
        if self.low:
            super().finish(call, g, stage, offsets)
