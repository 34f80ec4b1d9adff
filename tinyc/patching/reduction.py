"""Global reductions inside a patch stage: squeeze-and-excitation (SE) blocks.

An SE block averages a feature map over all of H x W (a `mean` over NHWC axes 1, 2,
with or without keepdims), runs a tiny branch on the [1, 1, 1, C] result (1x1 convs, activations,
hard- or plain sigmoid), and scales the feature map channel by channel (a `mul` with
the [1, 1, 1, C] branch output broadcast). No patch can compute the mean from its own
window, so a stage holding SE blocks runs in several passes (tinyc.patching.prepass):

    pass p < k    the stage's nodes up to reduction p's source tensor, patch by patch,
                  summing every patch's own (non-overlapping) tile per channel;
                  then the mean from the sum and the branch, once, layer by layer
    pass k        the stage as usual; the muls read the branch outputs (the stage's
                  `globals`) whole, from the arena, in every patch

This module only reads the graph: which stage nodes are global (the mean and the
branch after it) and which tensors the spatial nodes read whole. Plain integers and
names; the receptive fields (tinyc.patching.receptive) skip the globals like constants.
"""
from __future__ import annotations

from dataclasses import dataclass

from tinyc.errors import TinycError, where
from tinyc.ir import Graph, Node

# Spatial stage ops that may read a global tensor (broadcast over H x W) in the patch loop.
READS_GLOBAL = ("mul",)


@dataclass(frozen=True)
class Reduction:
    """One global mean in the stage: `mean` averages `source` over H x W; `branch` is the mean and
    every global node that runs after it (graph order) before the next pass."""

    mean: Node
    source: str
    branch: tuple[Node, ...]

    @property
    def output(self) -> str:
        return self.mean.outputs[0]


def is_global_mean(g: Graph, n: Node) -> bool:
    """n averages a [1, H, W, C] int8 tensor over H and W (H * W > 1): a `mean` over axes 1, 2, into
    [1, 1, 1, C] or, without keepdims, [1, C] (TFLite's MEAN before a RESHAPE); or an `avg_pool2d`
    whose one unpadded window is the whole map (PyTorch's F.avg_pool2d(x, x.shape[2:]))."""
    if n.op not in ("mean", "avg_pool2d"):
        return False
    x = g.tensors[n.inputs[0]]
    if len(x.shape) != 4 or x.shape[0] != 1 or x.shape[1] * x.shape[2] < 2 or x.dtype != "int8":
        return False
    if n.op == "avg_pool2d":
        return (tuple(n.attrs["kernel"]) == tuple(x.shape[1:3]) and not any(n.attrs.get("pads", (0, 0, 0, 0)))
                and g.tensors[n.outputs[0]].shape == (1, 1, 1, x.shape[3]))
    axes = sorted({int(a) % 4 for a in n.attrs.get("axes", ())})
    return axes == [1, 2]


def split_global(g: Graph, nodes: list[Node]) -> tuple[list[Node], tuple[Reduction, ...], frozenset]:
    """(spatial nodes, reductions, globals) of the stage nodes: a node is global when it is a
    global mean of a spatial stage tensor, or when every non-constant input it reads is global;
    globals are the global tensors spatial nodes read. Without a global mean: (nodes, (), {}).
    TinycError when a spatial node other than READS_GLOBAL reads a global tensor."""
    if not any(n.op == "mean" for n in nodes):
        return nodes, (), frozenset()
    glob: dict[str, int] = {}  # global tensor -> index of the reduction it depends on (the latest)
    spatial: list[Node] = []
    spatial_out: set[str] = set()
    branches: list[list[Node]] = []
    sources: list[str] = []
    read: set[str] = set()
    for n in nodes:
        ins = [x for x in n.inputs if x and not g.tensors[x].is_const]
        if is_global_mean(g, n) and n.inputs[0] in spatial_out:
            branches.append([n])
            sources.append(n.inputs[0])
            glob.update({y: len(branches) - 1 for y in n.outputs})
        elif ins and all(x in glob for x in ins):
            p = max(glob[x] for x in ins)
            branches[p].append(n)
            glob.update({y: p for y in n.outputs})
        else:
            used = [x for x in ins if x in glob]
            if used and n.op not in READS_GLOBAL:
                raise TinycError(f"'{n.op}' reads the global tensor '{used[0]}' (a squeeze-excite branch): only "
                                 f"{', '.join(READS_GLOBAL)} can broadcast it over the patches",
                                 where(g.source, n.name, n.op))
            read.update(used)
            spatial.append(n)
            spatial_out.update(n.outputs)
    reds = tuple(Reduction(b[0], s, tuple(b)) for b, s in zip(branches, sources))
    return spatial, reds, frozenset(read)


def ancestors(nodes: list[Node], target: str, stop: frozenset) -> list[Node]:
    """The nodes (in order) that `target` depends on, not looking past tensors in `stop`."""
    by_out = {y: n for n in nodes for y in n.outputs}
    need, seen = [target], set()
    while need:
        x = need.pop()
        n = by_out.get(x)
        if n is None or n.name in seen or x in stop:
            continue
        seen.add(n.name)
        need += [i for i in n.inputs if i]
    return [n for n in nodes if n.name in seen]
