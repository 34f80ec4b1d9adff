"""Crop copies: a stage node that reads a centre crop of another node's per-patch buffer.

A per-patch tensor read by several nodes holds the bounding box of their needs
(receptive.patch_regions); a node needing less reads a crop of it, e.g. the
expand-1x1 branch of a SqueezeNet fire module reads the squeeze output without
the halo the expand-3x3 branch needs, and an Inception 1x1 branch likewise. `add`
reads such a crop as a strided view (tc_add_s8 takes element strides); every
other kernel reads a contiguous NHWC buffer, so the patch loop first copies the
crop into a small per-patch buffer of its own, `patch:<tensor>@<node>`
(tc_copy_window: row by row, int8), live from the copy to that node. The copy
costs crop bytes of memory for that short span and no MACs; plan.py counts it as
a step, so the search scores it. Measured against the alternative of giving every
kernel a row stride: on SqueezeNet the copies are of the narrow squeeze outputs
(8-24 channels), and the planned work_bytes are the same (the peak lies elsewhere).
The numpy executor reads the same crop as a view (identical values).
"""
from __future__ import annotations

from tinyc.patching.receptive import PatchRegions, Stage

VIEW_OPS = ("add",)  # ops the C loop runs on a strided view of a crop (no copy)


def crop_buffer(x: str, node: str) -> str:
    """The per-patch buffer holding the crop of tensor x that `node` reads."""
    return f"patch:{x}@{node}"


def crop_step_name(node: str, j: int) -> str:
    return f"patch.{node}.crop{j}"


def copied_crops(stage: Stage, tiles: list[PatchRegions], pixel_bytes) -> dict[tuple[str, int], int]:
    """(node, input index) -> crop buffer bytes (the largest over tiles) for every activation input a
    node other than VIEW_OPS reads as a crop on some tile; pixel_bytes(tensor) is one pixel's bytes.
    On a tile where it reads the whole source region the copy is a whole copy (one code path)."""
    g = stage.graph
    out: dict[tuple[str, int], int] = {}
    for n in stage.nodes:
        if n.op in VIEW_OPS:
            continue
        for j, x in enumerate(n.inputs):
            if not x or g.tensors[x].is_const or x in stage.globals:  # globals are read whole
                continue
            if any(pr.reads[(n.name, j)] != pr.regions[x] for pr in tiles):
                out[(n.name, j)] = max(pr.reads[(n.name, j)].h * pr.reads[(n.name, j)].w for pr in tiles) \
                    * pixel_bytes(x)
    return out
