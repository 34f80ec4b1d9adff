"""Patch-by-patch execution with VDPC + VDQS (the numpy reference of QuantMCU), and its BitOPs.

PatchedModel prepares one patch plan (split S, nh x nw grid) once: the per-patch
graphs of tinyc.patching, the feature maps of the stage, and every node's MACs
on every patch. `run` then executes one sample: the stage patch by patch with
the QuantMCU rules of tinyc/quantmcu/__init__.py applied after every node,
the rest layer by layer with tinyc.ref.run_int. With plan None (or all bits
8) it is int8 patch-based execution, bit for bit.

BitOPs of a node on a patch = its MACs x 8 (weight bits) x the bits its
activation input was stored at on that patch; an outlier patch adds its int8
BitOPs to those spent before the check that caught it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tinyc.ir import Graph
from tinyc.ops import op_module
from tinyc.patching.execute import rest_graph
from tinyc.patching.patch_graph import PatchGraph, build_patch_graph
from tinyc.patching.receptive import stage_of, stage_tiles
from tinyc.patching.split import interface_prefix, prefix_graph, suffix_graph
from tinyc.quantmcu.bitplane import reads_codes
from tinyc.quantmcu.pack import make_grid, store_load
from tinyc.quantmcu.vdpc import is_outlier
from tinyc.quant.fixedpoint import activation_range
from tinyc.ref import run_int

W_BITS = 8


@dataclass(frozen=True)
class FeatureMap:
    """A stage tensor QuantMCU may store below 8 bits; nonneg when a fused ReLU keeps q >= zp;
    codes when every stage node reading it can compute on its bit-plane codes (bitplane.reads_codes):
    only such maps go below 8 bits (the C patch loop never unpacks a map)."""

    name: str
    zp: int
    nonneg: bool
    codes: bool = False


@dataclass
class Plan:
    """Per-map outlier thresholds (|q - zp| units) and bit widths for non-outlier patches."""

    thresholds: dict[str, int]
    bits: dict[str, int] = field(default_factory=dict)

    ranges: dict[str, int] = field(default_factory=dict)  # grid range per map below 8 bits (<= threshold)

    def bits_of(self, name: str) -> int:
        return self.bits.get(name, 8)

    def range_of(self, name: str) -> int:
        """The range |q - zp| the map's grid covers (pack.clip_range; values above it and up to the
        threshold saturate at the top code); the threshold when none was chosen."""
        return self.ranges.get(name, self.thresholds[name])


def feature_maps(g: Graph, stage) -> list[FeatureMap]:
    """int8 outputs of the stage's nodes but the split tensor, in node order."""
    out = []
    for n in stage.nodes:
        t = g.tensors[n.outputs[0]]
        if t.name == stage.output or t.dtype != "int8":
            continue
        lo, _ = activation_range(n.attrs.get("act"), t.q.s(), t.q.zp())
        readers = [m for m in stage.nodes if t.name in m.inputs]
        codes = (lo >= t.q.zp() and bool(readers) and t.name not in g.outputs
                 and all(m.inputs.index(t.name) == 0 and m.inputs.count(t.name) == 1 and reads_codes(m, g)
                         for m in readers))
        out.append(FeatureMap(t.name, t.q.zp(), lo >= t.q.zp(), codes))
    return out


class PatchedModel:
    """An int8 graph g with a patch plan: split after node `split` (an index into g.nodes),
    nh x nw grid. The interface prefix (interface_prefix) runs layer by layer first."""

    def __init__(self, g: Graph, split: int, nh: int, nw: int):
        self.full, self.split, self.grid = g, split, (nh, nw)
        self.prefix = interface_prefix(g)
        g = self.g = suffix_graph(g, self.prefix)
        split -= self.prefix
        self.head = prefix_graph(self.full, self.prefix)
        self.stage = stage_of(g, split)
        self.patches: list[PatchGraph] = [build_patch_graph(self.stage, pr) for pr in stage_tiles(self.stage, nh, nw)]
        self.maps = feature_maps(g, self.stage)
        self.map_of = {m.name: m for m in self.maps}
        self.macs = [[op_module(n.op).macs(n, pg.graph) for n in pg.graph.nodes] for pg in self.patches]
        self.rest = rest_graph(g, split) if split < len(g.nodes) - 1 else None
        self.rest_macs = sum(op_module(n.op).macs(n, g) for n in g.nodes[split + 1:])

    def source(self, pg: PatchGraph, x: str) -> str:
        """The stage tensor a per-patch input name reads (crops resolve to their source)."""
        return pg.crops[x][0] if x in pg.crops else x

    def consumer_macs(self) -> np.ndarray:
        """[patches, maps] MACs of the stage nodes that read each map, per patch."""
        idx = {m.name: j for j, m in enumerate(self.maps)}
        out = np.zeros((len(self.patches), len(self.maps)), dtype=np.int64)
        for p, pg in enumerate(self.patches):
            for i, n in enumerate(pg.graph.nodes):
                for x in {self.source(pg, x) for x in n.inputs if x}:
                    if x in idx:
                        out[p, idx[x]] += self.macs[p][i]
        return out

    def fixed_bitops(self) -> int:
        """BitOPs per sample of stage nodes reading no feature map (always 8-bit inputs)."""
        total = 0
        for p, pg in enumerate(self.patches):
            for i, n in enumerate(pg.graph.nodes):
                if not any(self.source(pg, x) in self.map_of for x in n.inputs if x):
                    total += self.macs[p][i] * W_BITS * 8
        return total

    def int8_stage_bitops(self) -> int:
        return sum(sum(row) for row in self.macs) * W_BITS * 8

    def run_patch(self, p: int, x_full: np.ndarray, plan: Plan | None, observe=None):
        """(tile of the split tensor, BitOPs, outlier?) of patch p; observe(p, map, y) sees every
        feature map as computed (before any sub-8-bit store). A patch on which a map stored below
        8 bits exceeds its threshold is an outlier: its whole tile is recomputed in int8 (the C
        re-runs it as int8 sub-patches: tinyc/quantmcu/lower.py), after the BitOPs spent so far."""
        pg = self.patches[p]
        g = pg.graph
        r = pg.regions.regions[pg.input]
        env = {pg.input: x_full[:, r.y0:r.y1, r.x0:r.x1, :]}
        stored: dict[str, int] = {}
        bitops = 0
        for i, n in enumerate(g.nodes):
            for x in n.inputs:
                if x in pg.crops:
                    src, dy, dx = pg.crops[x]
                    t = g.tensors[x]
                    env[x] = env[src][:, dy:dy + t.shape[1], dx:dx + t.shape[2], :]
            args = [None if not x else (g.tensors[x].data if g.tensors[x].is_const else env[x]) for x in n.inputs]
            in_bits = max((stored.get(self.source(pg, x), 8) for x in n.inputs
                           if x and not g.tensors[x].is_const), default=8)
            bitops += self.macs[p][i] * W_BITS * in_bits
            outs = op_module(n.op).ref(n, g, *args)
            for name, val in zip(n.outputs, outs):
                t = g.tensors[name]
                env[name] = np.asarray(val).astype(t.dtype).reshape(t.shape)
            m = self.map_of.get(n.outputs[0])
            if m is None:
                continue
            y = env[m.name]
            if observe is not None:
                observe(p, m, y)
            b = 8 if plan is None else plan.bits_of(m.name)
            if b >= 8:
                continue
            if is_outlier(y, m.zp, plan.thresholds[m.name]):
                tile, b8, _ = self.run_patch(p, x_full, None)
                return tile, bitops + b8, True
            env[m.name] = store_load(y, make_grid(b, m.zp, plan.range_of(m.name), m.nonneg))
            stored[m.name] = b
        return env[pg.output], bitops, False

    def run(self, x: np.ndarray, plan: Plan | None = None, observe=None):
        """(model outputs, stats) for one sample x of the model input; stats has the stage's
        BitOPs and how many patches were outliers."""
        if self.head is not None:
            x = run_int(self.head, {self.full.inputs[0]: x})[self.stage.input]
        t = self.g.tensors[self.stage.input]
        xf = np.asarray(x).astype(t.dtype).reshape(t.shape)
        st = self.g.tensors[self.stage.output]
        y = np.zeros(st.shape, dtype=st.dtype)
        bitops = outliers = 0
        for p, pg in enumerate(self.patches):
            tile = pg.regions.tile
            y[:, tile.y0:tile.y1, tile.x0:tile.x1, :], b, o = self.run_patch(p, xf, plan, observe)
            bitops, outliers = bitops + b, outliers + int(o)
        out = {self.stage.output: y} if self.rest is None else run_int(self.rest, {self.stage.output: y})
        return out, dict(stage_bitops=bitops, outlier_patches=outliers)
