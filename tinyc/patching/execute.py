"""Patch-based execution in numpy: the stage patch by patch, then the rest layer by layer.

Each patch runs the stage's per-op numpy references (tinyc.ops.<op>.ref) on
its per-patch graph, starting from a crop of the model input; its tile of
the split tensor is stitched into the full split tensor. The remaining nodes
run through tinyc.ref.run_int. The result must equal run_int on the whole
graph byte for byte (tests/patching/test_execute.py checks it).
"""
from __future__ import annotations

import numpy as np

from tinyc.ir import Graph
from tinyc.ops import op_module
from tinyc.patching.patch_graph import PatchGraph, build_patch_graph
from tinyc.patching.receptive import Stage, stage_of, stage_tiles
from tinyc.patching.split import interface_prefix, load_window, suffix_graph
from tinyc.ref import run_int


def run_patch(pg: PatchGraph, x_full: np.ndarray, load=None, globals_=None) -> np.ndarray:
    """The split-tensor tile of one patch, computed from the full model input x_full; load(x, r)
    reads the stage input's window r from it (default: a crop of the NHWC stage input);
    globals_: the stage's global tensors (squeeze-excite scales, tinyc.patching.prepass), whole, and
    its stored tensors, whole (the patch reads its region of them)."""
    g = pg.graph
    r = pg.regions.regions[pg.input]
    win = x_full[:, r.y0:r.y1, r.x0:r.x1, :] if load is None else load(x_full, r)
    env: dict[str, np.ndarray] = {pg.input: win}
    for name, v in (globals_ or {}).items():
        q = pg.regions.regions.get(name)
        env[name] = v if q is None else v[:, q.y0:q.y1, q.x0:q.x1, :]
    for n in g.nodes:
        args = []
        for x in n.inputs:
            if x in pg.crops:
                src, dy, dx = pg.crops[x]
                t = g.tensors[x]
                env[x] = env[src][:, dy:dy + t.shape[1], dx:dx + t.shape[2], :]
            args.append(None if not x else (g.tensors[x].data if g.tensors[x].is_const else env[x]))
        outs = op_module(n.op).ref(n, g, *args)
        for name, val in zip(n.outputs, outs):
            t = g.tensors[name]
            env[name] = np.asarray(val).astype(t.dtype).reshape(t.shape)
    return env[pg.output]


def run_stage(stage: Stage, x_full: np.ndarray, nh: int, nw: int, load=None) -> np.ndarray:
    """The full split tensor, assembled tile by tile from an nh x nw grid of patches."""
    g = stage.graph
    t = g.tensors[stage.output]
    y = np.zeros(t.shape, dtype=t.dtype)
    written = np.zeros(t.shape[1:3], dtype=bool)
    glob = None
    if stage.reductions:  # squeeze-excite: the pre-passes first
        from tinyc.patching.plan import ModelCosts
        from tinyc.patching.prepass import arrange, run_prepasses
        stage = arrange(ModelCosts(g), stage, nh, nw)
        glob = run_prepasses(stage, x_full, nh, nw, load)
    for pr in stage_tiles(stage, nh, nw):
        tile = pr.tile
        y[:, tile.y0:tile.y1, tile.x0:tile.x1, :] = run_patch(build_patch_graph(stage, pr), x_full, load, glob)
        written[tile.y0:tile.y1, tile.x0:tile.x1] = True
    assert written.all(), "the tiles must cover the split tensor"
    return y


def rest_graph(g: Graph, split: int) -> Graph:
    """The nodes after the split as a graph whose one input is the split tensor (constants shared)."""
    s = g.nodes[split].outputs[0]
    rest = Graph(f"{g.name}_rest", dict(g.tensors), list(g.nodes[split + 1:]), [s], list(g.outputs), g.source)
    rest.prune()
    return rest


def run_patched(g: Graph, inputs: dict[str, np.ndarray], split: int, nh: int, nw: int,
                return_split: bool = False, stream: bool = False) -> dict[str, np.ndarray]:
    """Outputs of g with nodes[0..split] run patch by patch over an nh x nw grid (stream: nh row
    bands with halo caching, tinyc.patching.stream). An input interface (tinyc.patching.split)
    runs per window on the model input, as the C loader does."""
    k, full = interface_prefix(g), g
    if k:
        g, split = suffix_graph(g, k), split - k
    stage = stage_of(g, split)
    if k:
        x0 = full.inputs[0]
        x = np.asarray(inputs[x0]).astype(full.tensors[x0].dtype).reshape(full.tensors[x0].shape)
        load = lambda x, r: load_window(full, k, x, r)  # noqa: E731
        if stream:
            from tinyc.patching.stream import run_stage_stream
            y = run_stage_stream(stage, x, nh, load=load)
        else:
            y = run_stage(stage, x, nh, nw, load)
    else:
        t = g.tensors[stage.input]
        x = np.asarray(inputs[stage.input]).astype(t.dtype).reshape(t.shape)
        if stream:
            from tinyc.patching.stream import run_stage_stream
            y = run_stage_stream(stage, x, nh)
        else:
            y = run_stage(stage, x, nh, nw)
    if split == len(g.nodes) - 1:
        out = {stage.output: y}
    else:
        out = run_int(rest_graph(g, split), {stage.output: y})
    if return_split:
        out = dict(out, **{"__split__": y})
    return out
