"""One patch as a Graph: the stage's nodes with the patch's shapes and pads.

The per-patch graph is what every per-op function (ref, macs, lower) sees when
it runs on a patch: activation tensors keep their names but take the shape of
their region, window ops take the patch's own pads, and constants are shared
with the full graph (not copied). Where a node reads less than its input's
region (the short branch of a residual), it reads a crop tensor
'<tensor>@<node>', recorded with its offset inside the source region.
"""
from __future__ import annotations

from dataclasses import dataclass

from tinyc.ir import Graph, IRError, Node, Tensor
from tinyc.ops import op_module
from tinyc.patching.receptive import PatchRegions, Region, Stage


@dataclass
class PatchGraph:
    """The per-patch graph of one tile; crops maps crop tensor -> (source, dy, dx)."""

    graph: Graph
    regions: PatchRegions
    crops: dict[str, tuple[str, int, int]]
    input: str
    output: str


def patch_attrs(n: Node, pads: tuple[int, int, int, int]) -> dict:
    """n's attrs with the patch's pads in the op's own format."""
    attrs = dict(n.attrs)
    if n.op == "pad":
        pt, pl, pb, pr = pads
        old = list(n.attrs["pads"])
        attrs["pads"] = (tuple(old[0]), (pt, pb), (pl, pr), *map(tuple, old[3:]))
    elif "pads" in attrs or n.op in ("conv2d", "depthwise_conv2d", "max_pool2d", "avg_pool2d"):
        attrs["pads"] = tuple(pads)
    return attrs


def _activation(t: Tensor, name: str, r: Region) -> Tensor:
    return Tensor(name, (1, r.h, r.w, t.shape[3]), t.dtype, None, t.q)


def build_patch_graph(stage: Stage, pr: PatchRegions, check: bool = True) -> PatchGraph:
    """The per-patch graph; with check, every node's shape() equals its output's patch shape
    (an IRError otherwise: the receptive-field arithmetic and the op disagree)."""
    g = stage.graph
    pg = Graph(f"{g.name}_patch", source=g.source)
    crops: dict[str, tuple[str, int, int]] = {}
    for name, r in pr.regions.items():
        pg.add_tensor(_activation(g.tensors[name], name, r))
    for n in stage.nodes:
        inputs = []
        for i, x in enumerate(n.inputs):
            if not x or g.tensors[x].is_const or x in stage.globals:  # globals: whole, as constants
                if x:
                    pg.tensors[x] = g.tensors[x]
                inputs.append(x)
                continue
            src, need = pr.regions[x], pr.reads[(n.name, i)]
            if need == src:
                inputs.append(x)
                continue
            crop = f"{x}@{n.name}"
            pg.add_tensor(_activation(g.tensors[x], crop, need))
            crops[crop] = (x, need.y0 - src.y0, need.x0 - src.x0)
            inputs.append(crop)
        attrs = patch_attrs(n, pr.pads[n.name])
        if n.op == "strided_slice":  # a channel slice (receptive.channel_slice): the patch's rows and columns
            r = pr.regions[n.outputs[0]]
            attrs["size"] = (1, r.h, r.w, *tuple(n.attrs["size"])[3:])
        pg.nodes.append(Node(n.op, n.name, inputs, list(n.outputs), attrs))
    pg.inputs, pg.outputs = [stage.input], [stage.output]
    if check:
        for n in pg.nodes:
            got = tuple(op_module(n.op).shape(n, pg)[0])
            if got != pg.tensors[n.outputs[0]].shape:
                raise IRError(f"{n.name}: patch output shape {got} != region {pg.tensors[n.outputs[0]].shape}")
    return PatchGraph(pg, pr, crops, stage.input, stage.output)
