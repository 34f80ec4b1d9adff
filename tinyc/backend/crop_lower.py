"""Lowering a crop copy of the patch loop (tinyc.patching.crops): a stage node other than add that
reads a crop of a per-patch buffer gets, per tile, tc_copy_window from the source buffer (that
tile's region of the source) into the crop buffer the plan placed, then reads the crop buffer."""
from __future__ import annotations

import numpy as np

from tinyc.patching.crops import crop_buffer


def crop_copy_ref(g, stage, n, j: int, pgs, offsets: dict[str, int]) -> dict:
    """The input ref (templates/patch_ops.j2 in_ptr) of input j of stage node n read through a crop
    copy: the crop buffer, and `copy` = source offset, per-tile source dims and crop windows."""
    x = n.inputs[j]
    i = stage.nodes.index(n)
    dims, wins = [], []
    for pg in pgs:
        pn_in = pg.graph.nodes[i].inputs[j]
        src = pg.graph.tensors[x].shape
        if pn_in in pg.crops:
            _, dy, dx = pg.crops[pn_in]
            _, h, w, _ = pg.graph.tensors[pn_in].shape
        else:
            dy, dx, h, w = 0, 0, src[1], src[2]
        dims.append(list(src))
        wins.append([dy, dx, h, w])
    src_off = offsets[f"patch:{x}"]
    elem = int(np.dtype(g.tensors[x].dtype).itemsize)
    return dict(kind="arena", offset=offsets[crop_buffer(x, n.name)], views=None,
                crop_copy=dict(src=src_off, dims=dims, wins=wins, elem_bytes=elem))
