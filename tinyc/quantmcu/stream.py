"""QuantMCU on a streamed patch plan (row bands with halo caches, tinyc.patching.stream): the numpy reference.

StreamedModel has PatchedModel's interface (tinyc/quantmcu/execute.py), with the row bands as
its patches. Semantics, band t of the stage (what the C loop, tinyc/quantmcu/stream_lower.py,
must equal bit for bit):

1. Every stage node computes its new rows of band t exactly as int8 streaming does
   (tinyc.patching.stream.run_stage_stream), from the rows its input holds.
2. A map F stored at b_F < 8 bits: its new rows are stored as b_F-bit codes on F's grid
   (pack.make_grid, saturated at the top code) - always, on every band. The rows band t + 1
   reads again go to F's halo cache as those same codes: caches hold codes, consistently.
3. VDPC: band t is an outlier band when the new rows of some map below 8 bits hold a value with
   |q - zp| > T_F. Its rows of the split tensor are then replaced by their int8 value (int8
   layer by layer; the C re-runs them as int8 sub-tiles from the model input: patch-based
   int8 is exact). The band's codes (step 2) still reach later bands through the caches: a value
   over T_F reaches them saturated at the top code, as every value on the grid's top level does.

With every b_F = 8 this is int8 streaming, which equals layer by layer byte for byte.
"""
from __future__ import annotations

import numpy as np

from tinyc.ops import op_module
from tinyc.patching.execute import rest_graph
from tinyc.patching.receptive import stage_of
from tinyc.patching.split import interface_prefix, prefix_graph, suffix_graph
from tinyc.patching.stream import node_graph, run_stage_stream, stream_bands
from tinyc.quantmcu.execute import W_BITS, Plan, feature_maps
from tinyc.quantmcu.pack import make_grid, store_load
from tinyc.quantmcu.vdpc import is_outlier
from tinyc.ref import run_int


def _macs(stage, n, nb) -> int:
    """MACs of stage node n on one band (0 where it computes nothing)."""
    if nb.need is None:
        return 0
    pg = node_graph(stage, n, nb)
    return int(op_module(n.op).macs(pg.nodes[0], pg))


class StreamedModel:
    """An int8 graph g with a streaming plan: split after node `split` (an index into g.nodes), nbands
    row bands. The interface prefix runs layer by layer first. `patches` are the bands."""

    stream = True

    def __init__(self, g, split: int, nbands: int):
        self.full, self.split, self.grid = g, split, (nbands, 1)
        self.prefix = interface_prefix(g)
        g = self.g = suffix_graph(g, self.prefix)
        split -= self.prefix
        self.head = prefix_graph(self.full, self.prefix)
        self.stage = stage_of(g, split)
        self.windows, self.bands = stream_bands(self.stage, nbands)
        self.patches = self.bands
        self.maps = feature_maps(g, self.stage)
        self.map_of = {m.name: m for m in self.maps}
        self.macs = [[_macs(self.stage, n, b[i]) for i, n in enumerate(self.stage.nodes)] for b in self.bands]
        self.rest = rest_graph(g, split) if split < len(g.nodes) - 1 else None

    def consumer_macs(self) -> np.ndarray:
        """[bands, maps] MACs of the stage nodes that read each map, per band."""
        idx = {m.name: j for j, m in enumerate(self.maps)}
        out = np.zeros((len(self.bands), len(self.maps)), dtype=np.int64)
        for p in range(len(self.bands)):
            for i, n in enumerate(self.stage.nodes):
                if n.inputs[0] in idx:
                    out[p, idx[n.inputs[0]]] += self.macs[p][i]
        return out

    def fixed_bitops(self) -> int:
        return sum(self.macs[p][i] * W_BITS * 8 for p in range(len(self.bands))
                   for i, n in enumerate(self.stage.nodes) if n.inputs[0] not in self.map_of)

    def int8_stage_bitops(self) -> int:
        return sum(sum(row) for row in self.macs) * W_BITS * 8

    def map_values(self) -> np.ndarray:
        """[bands, maps] values of each map stored (packed) per band: its new rows."""
        g = self.stage.graph
        col = {n.outputs[0]: i for i, n in enumerate(self.stage.nodes)}
        return np.array([[b[col[m.name]].new.h * int(np.prod(g.tensors[m.name].shape[2:])) for m in self.maps]
                         for b in self.bands], dtype=np.int64).reshape(len(self.bands), len(self.maps))

    def split_rows(self, t: int):
        """Rows [y0, y1) of the split tensor band t computes."""
        r = self.bands[t][-1].new
        return r.y0, r.y1

    def run_stage(self, xf: np.ndarray, plan: Plan | None, observe=None):
        """(split tensor, outlier flag per band) of one sample's stage input xf."""
        flags = [False] * len(self.bands)
        nodes = self.stage.nodes

        def post(t, i, y):
            m = self.map_of.get(nodes[i].outputs[0])
            if m is None:
                return y
            if observe is not None:
                observe(t, m, y)
            b = 8 if plan is None else plan.bits_of(m.name)
            if b >= 8:
                return y
            if is_outlier(y, m.zp, plan.thresholds[m.name]):
                flags[t] = True
            return store_load(y, make_grid(b, m.zp, plan.range_of(m.name), m.nonneg))
        y = run_stage_stream(self.stage, xf, len(self.bands), post=post)
        if any(flags):
            y8 = run_stage_stream(self.stage, xf, len(self.bands))
            for t in (t for t, f in enumerate(flags) if f):
                y0, y1 = self.split_rows(t)
                y[:, y0:y1] = y8[:, y0:y1]
        return y, flags

    def run(self, x: np.ndarray, plan: Plan | None = None, observe=None):
        """(model outputs, stats) for one sample x of the model input: stage BitOPs (an outlier band
        adds its int8 BitOPs) and how many bands were outliers."""
        if self.head is not None:
            x = run_int(self.head, {self.full.inputs[0]: x})[self.stage.input]
        t = self.g.tensors[self.stage.input]
        y, flags = self.run_stage(np.asarray(x).astype(t.dtype).reshape(t.shape), plan, observe)
        bitops = 0
        for p, b in enumerate(self.bands):
            for i, n in enumerate(self.stage.nodes):
                x_bits = 8 if plan is None else plan.bits_of(n.inputs[0])
                bitops += self.macs[p][i] * W_BITS * (x_bits + (8 if flags[p] else 0))
        out = {self.stage.output: y} if self.rest is None else run_int(self.rest, {self.stage.output: y})
        return out, dict(stage_bitops=bitops, outlier_patches=int(sum(flags)))
