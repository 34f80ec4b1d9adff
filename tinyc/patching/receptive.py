"""Receptive fields of the patch stage: which rows and columns each patch needs.

The patch stage is nodes[0..S] of an int8 NHWC graph; its last node writes the
split tensor. For one output tile of the split tensor, `patch_regions` walks
the stage backwards and gives every stage tensor the region (in the full
tensor's coordinates) the patch must compute, and every node the pads it
applies to its patch: only the part of the original padding that the patch
really touches (so interior halos are recomputed data, never padding).

Along one axis, output rows [o0, o1) of a window op (kernel k, stride s,
dilation d, pad p before) read input rows [o0*s - p, (o1-1)*s - p + d*(k-1) + 1),
i.e. r_in = (r_out - 1) * s + d * (k - 1) + 1; what falls outside [0, H) is
that patch's own padding. A tensor read by several nodes (a residual branch)
gets the bounding box of their needs; a node needing less reads a crop.
Everything here is plain integers: no numpy data.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from tinyc.errors import TinycError, where
from tinyc.ir import Graph, Node
from tinyc.patching.reduction import Reduction, split_global

WINDOW_OPS = ("conv2d", "depthwise_conv2d", "max_pool2d", "avg_pool2d")
# one-input table ops (int8: tc_lut_s8) and leaky_relu, elementwise like the activations above
LUT_OPS = ("gelu", "elu", "selu", "softplus", "mish", "erf", "neg", "abs", "island_lut")
ELEMENTWISE_OPS = ("add", "mul", "clamp", "quantize", "dequantize", "hard_swish", "logistic", "tanh", "silu",
                   "leaky_relu") + LUT_OPS
PATCH_OPS = WINDOW_OPS + ELEMENTWISE_OPS + ("pad", "concat", "strided_slice")


@dataclass(frozen=True)
class Region:
    """Rows [y0, y1) and columns [x0, x1) of an NHWC tensor."""

    y0: int
    y1: int
    x0: int
    x1: int

    @property
    def h(self) -> int:
        return self.y1 - self.y0

    @property
    def w(self) -> int:
        return self.x1 - self.x0

    def union(self, o: Region) -> Region:
        return Region(min(self.y0, o.y0), max(self.y1, o.y1), min(self.x0, o.x0), max(self.x1, o.x1))

    def contains(self, o: Region) -> bool:
        return self.y0 <= o.y0 and o.y1 <= self.y1 and self.x0 <= o.x0 and o.x1 <= self.x1


@dataclass
class Stage:
    """The patch stage of g: nodes[0..split], read from `input`, writing `output` (the split tensor)."""

    graph: Graph
    split: int
    nodes: list[Node]
    input: str
    output: str
    reductions: tuple[Reduction, ...] = ()  # squeeze-excite means: run first, by tinyc.patching.prepass
    globals: frozenset = frozenset()  # their branch outputs, read whole (like constants) in every patch
    stored: frozenset = frozenset()  # tensors a pre-pass stored whole: each patch reads its window of them
    # per-stage caches: patch_regions' per-axis walks by (axis, o0, o1) and results by tile,
    # plan._loop_costs by ("loop", tiles); not an init field, so dataclasses.replace starts empty
    memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)


@dataclass
class PatchRegions:
    """One patch: the region of every stage tensor, and per node its pads and input regions."""

    tile: Region
    regions: dict[str, Region]  # stage tensor (model input and split included) -> region
    pads: dict[str, tuple[int, int, int, int]]  # node -> per-patch (top, left, bottom, right)
    reads: dict[tuple[str, int], Region]  # (node, input index) -> region that node reads


def _err(g: Graph, node: Node, what: str) -> TinycError:
    return TinycError(what, where(g.source, node.name, node.op))


def _check_node(g: Graph, n: Node) -> None:
    """n can run on patches: a supported op on rank-4 activations, constants not spatial."""
    if n.op not in PATCH_OPS:
        raise _err(g, n, f"op '{n.op}' cannot run in the patch stage (supported: {', '.join(PATCH_OPS)})")
    for name in (*n.inputs, *n.outputs):
        if not name:
            continue
        t = g.tensors[name]
        if t.is_const:
            if n.op in ELEMENTWISE_OPS and len(t.shape) >= 3 and max(t.shape[-3:-1]) > 1:
                raise _err(g, n, f"constant '{name}' varies over space: it cannot be split into patches")
        elif len(t.shape) != 4 or t.shape[0] != 1:
            raise _err(g, n, f"patch stage tensors must be [1, H, W, C], '{name}' is {list(t.shape)}")
    if n.op == "concat" and int(n.attrs.get("axis", -1)) % 4 != 3:
        raise _err(g, n, "only a channel concat (NHWC axis 3) can run in the patch stage")
    if n.op == "pad" and tuple(n.attrs["pads"][0]) != (0, 0):
        raise _err(g, n, "pad on the batch axis cannot run in the patch stage")
    if n.op == "strided_slice" and not channel_slice(n, g):
        raise _err(g, n, "only a channel slice (every row and column kept) can run in the patch stage")


def channel_slice(n: Node, g: Graph) -> bool:
    """A strided_slice of an NHWC tensor that keeps every row and column (GhostNet's `[:, :oup]`,
    ShuffleNetV2's channel split): per pixel, like an elementwise op."""
    x, y = g.tensors[n.inputs[0]].shape, g.tensors[n.outputs[0]].shape
    b, size, st = (tuple(int(v) for v in n.attrs[k]) for k in ("begin", "size", "strides"))
    return (len(x) == len(y) == len(b) == 4 and b[:3] == (0, 0, 0) and st[:3] == (1, 1, 1)
            and size[:3] == x[:3] == y[:3])


def stage_of(g: Graph, split: int) -> Stage:
    """The stage ending at node `split`; raises TinycError unless it reads exactly one model
    input, every node can run on patches, and only the split tensor is used after the stage."""
    if not 0 <= split < len(g.nodes):
        raise TinycError(f"split point {split} is outside the graph's nodes 0..{len(g.nodes) - 1}", g.source)
    nodes = g.nodes[:split + 1]
    produced = {y for n in nodes for y in n.outputs}
    nodes, reductions, glob = split_global(g, nodes)  # squeeze-excite branches leave the loop
    if not nodes or nodes[-1] is not g.nodes[split]:
        raise TinycError(f"split point {split} lies inside a squeeze-excite branch: the stage cannot end there",
                         where(g.source, g.nodes[split].name, g.nodes[split].op))
    outer = []
    for n in nodes:
        _check_node(g, n)
        outer += [x for x in n.inputs if x and x not in produced and not g.tensors[x].is_const]
    outer = sorted(set(outer))
    if len(outer) != 1 or outer[0] not in g.inputs:
        raise TinycError(f"the patch stage must read exactly one model input, it reads {outer}", g.source)
    split_t = nodes[-1].outputs[0]
    later = {x for n in g.nodes[split + 1:] for x in n.inputs} | set(g.outputs)
    leaks = sorted((produced - {split_t}) & later) + sorted({outer[0]} & later)
    if leaks:
        raise TinycError(f"tensor '{leaks[0]}' is used after split point {split}: the stage cannot end there",
                         where(g.source, nodes[-1].name, nodes[-1].op))
    return Stage(g, split, nodes, outer[0], split_t, reductions, glob)


def window(n: Node, g: Graph) -> tuple[tuple[int, int, int, int], tuple[int, int, int, int], tuple[int, int, int, int]]:
    """((kh, sh, dh, pad_top), (kw, sw, dw, pad_left), full pads) of a window op or pad."""
    a = n.attrs
    if n.op == "pad":
        (pt, pb), (pl, pr) = a["pads"][1], a["pads"][2]
        return (1, 1, 1, pt), (1, 1, 1, pl), (pt, pl, pb, pr)
    if n.op in ("conv2d", "depthwise_conv2d"):
        w = g.tensors[n.inputs[1]].shape
        kh, kw = w[1], w[2]
    else:
        kh, kw = a["kernel"]
    sh, sw = a.get("strides", (1, 1))
    dh, dw = a.get("dilations", (1, 1))
    pads = tuple(a.get("pads", (0, 0, 0, 0)))
    return (kh, sh, dh, pads[0]), (kw, sw, dw, pads[1]), pads


def back_axis(o0: int, o1: int, k: int, s: int, d: int, pad: int, size: int) -> tuple[int, int, int, int]:
    """Output [o0, o1) -> clipped input [i0, i1) and the patch's (pad before, pad after)."""
    lo = o0 * s - pad
    hi = (o1 - 1) * s - pad + d * (k - 1) + 1
    return max(lo, 0), min(hi, size), max(-lo, 0), max(hi - size, 0)


def back_region(n: Node, g: Graph, out: Region) -> tuple[Region, tuple[int, int, int, int]]:
    """The input region node n needs for output region `out`, and the pads of that patch."""
    if n.op not in WINDOW_OPS and n.op != "pad":
        return out, (0, 0, 0, 0)
    (kh, sh, dh, pt), (kw, sw, dw, pl), _ = window(n, g)
    _, h, w, _ = g.tensors[n.inputs[0]].shape
    y0, y1, pt2, pb2 = back_axis(out.y0, out.y1, kh, sh, dh, pt, h)
    x0, x1, pl2, pr2 = back_axis(out.x0, out.x1, kw, sw, dw, pl, w)
    return Region(y0, y1, x0, x1), (pt2, pl2, pb2, pr2)


def _axis_walk(stage: Stage, axis: int, o0: int, o1: int):
    """patch_regions along one axis (0: rows, 1: columns) for split-tensor interval [o0, o1):
    (tensor -> (lo, hi), node -> (pad before, pad after), (node, input) -> (lo, hi)), or None
    when the 2-D walk must run instead (some node reads nothing, or a node is off the path).
    Both axes are independent (a window op maps rows to rows, columns to columns; a union of
    regions is their bounding box), so a grid needs nh + nw walks, not nh * nw. Cached."""
    key = (axis, o0, o1)
    if key in stage.memo:
        return stage.memo[key]
    g = stage.graph
    regions = {stage.output: (o0, o1)}
    pads, reads = {}, {}
    res = (regions, pads, reads)
    for n in reversed(stage.nodes):
        out = regions.get(n.outputs[0])
        if out is None:
            res = None
            break
        if n.op in WINDOW_OPS or n.op == "pad":
            k, s, d, p = window(n, g)[axis]
            lo, hi, before, after = back_axis(out[0], out[1], k, s, d, p, g.tensors[n.inputs[0]].shape[1 + axis])
            need, pads[n.name] = (lo, hi), (before, after)
        else:
            need, pads[n.name] = out, (0, 0)
        if need[1] - need[0] < 1:
            res = None
            break
        for i, x in enumerate(n.inputs):
            if not x or g.tensors[x].is_const or x in stage.globals:
                continue
            reads[(n.name, i)] = need
            have = regions.get(x)
            regions[x] = need if have is None else (min(have[0], need[0]), max(have[1], need[1]))
    stage.memo[key] = res
    return res


def patch_regions(stage: Stage, tile: Region) -> PatchRegions:
    """Regions for the patch whose split-tensor output is `tile`, walking the stage backwards.
    Afterwards every read region lies inside its tensor's region, and a node's pads are
    non-zero only on sides where its region reaches the real border."""
    if tile in stage.memo:  # readers never modify a PatchRegions: one per tile is shared
        return stage.memo[tile]
    ys, xs = _axis_walk(stage, 0, tile.y0, tile.y1), _axis_walk(stage, 1, tile.x0, tile.x1)
    if ys is None or xs is None:
        return _patch_regions_2d(stage, tile)
    (ry, py, dy), (rx, px, dx) = ys, xs
    made = stage.memo.setdefault("regions", {})  # Regions are immutable: one per (rows, columns)

    def region(y, x):
        r = made.get((y, x))
        if r is None:
            r = made[(y, x)] = Region(*y, *x)
        return r
    pr = stage.memo[tile] = PatchRegions(tile, {t: region(ry[t], rx[t]) for t in ry},
                                          {n: (py[n][0], px[n][0], py[n][1], px[n][1]) for n in py},
                                          {k: region(dy[k], dx[k]) for k in dy})
    return pr


def _patch_regions_2d(stage: Stage, tile: Region) -> PatchRegions:
    """patch_regions walking both axes at once (raises the errors the axis walks only detect)."""
    g = stage.graph
    regions: dict[str, Region] = {stage.output: tile}
    pads: dict[str, tuple[int, int, int, int]] = {}
    reads: dict[tuple[str, int], Region] = {}
    for n in reversed(stage.nodes):
        out = regions.get(n.outputs[0])
        if out is None:
            raise _err(g, n, "node does not feed the split tensor: it cannot run in the patch stage")
        need, pads[n.name] = back_region(n, g, out)
        if need.h < 1 or need.w < 1:
            raise _err(g, n, f"output rows/cols {out} lie wholly in the padding: no patch input to read")
        for i, x in enumerate(n.inputs):
            if not x or g.tensors[x].is_const or x in stage.globals:
                continue
            reads[(n.name, i)] = need
            regions[x] = regions[x].union(need) if x in regions else need
    return PatchRegions(tile, regions, pads, reads)


def split_points(size: int, parts: int) -> list[int]:
    """Boundaries of `parts` near-equal pieces of range(size) (sizes differ by at most one)."""
    return [i * size // parts for i in range(parts + 1)]


def grid_tiles(h: int, w: int, nh: int, nw: int) -> list[Region]:
    """The nh x nw tiles of an h x w tensor, row-major; uneven sizes differ by at most one."""
    if not (1 <= nh <= h and 1 <= nw <= w):
        raise TinycError(f"a {nh}x{nw} patch grid does not fit a {h}x{w} split tensor", "patch plan")
    ys, xs = split_points(h, nh), split_points(w, nw)
    return [Region(ys[i], ys[i + 1], xs[j], xs[j + 1]) for i in range(nh) for j in range(nw)]


def stage_tiles(stage: Stage, nh: int, nw: int) -> list[PatchRegions]:
    """patch_regions for every tile of an nh x nw grid over the split tensor."""
    _, h, w, _ = stage.graph.tensors[stage.output].shape
    return [patch_regions(stage, t) for t in grid_tiles(h, w, nh, nw)]


def tiles_fit(stage: Stage, nh: int, nw: int) -> bool:
    """stage_tiles(stage, nh, nw) raises no TinycError: the grid fits the split tensor and every
    patch reads some real input (no patch lies wholly in padding); by the per-axis walks alone."""
    _, h, w, _ = stage.graph.tensors[stage.output].shape
    if not (1 <= nh <= h and 1 <= nw <= w):
        return False
    ys, xs = split_points(h, nh), split_points(w, nw)
    return (all(_axis_walk(stage, 0, ys[i], ys[i + 1]) is not None for i in range(nh))
            and all(_axis_walk(stage, 1, xs[j], xs[j + 1]) is not None for j in range(nw)))
