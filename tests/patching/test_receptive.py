"""Receptive-field arithmetic of the patch stage.

Oracles: the formula r_in = (r_out - 1) * stride + dilation * (k - 1) + 1 worked
by hand; each op's own shape() on the per-patch graph (the region sizes must
reproduce the patch's output size); the real image border for the pads.
"""
import pytest

from nets import RELU6, Builder
from tinyc.errors import TinycError
from tinyc.patching.patch_graph import build_patch_graph
from tinyc.patching.receptive import Region, back_axis, grid_tiles, stage_of, stage_tiles
from tinyc.pipeline import load_model

VWW = "models/vww_mbv1_int8.tflite"


@pytest.fixture(scope="module")
def vww():
    return load_model(VWW)


@pytest.mark.parametrize("o0,o1,k,s,d,pad,size,want", [
    (2, 5, 3, 1, 1, 1, 10, (1, 6, 0, 0)),    # interior: r_in = (3-1)*1 + 2 + 1 = 5
    (0, 3, 3, 1, 1, 1, 10, (0, 4, 1, 0)),    # top border: one row of padding
    (3, 5, 3, 2, 1, 0, 10, (6, 10, 0, 1)),   # stride 2, TF SAME bottom pad touched
    (1, 3, 3, 1, 2, 2, 9, (0, 5, 1, 0)),     # dilation 2: r_in = 1 + 4 + 1 = 6, one row of pad
    (0, 2, 1, 2, 1, 0, 5, (0, 3, 0, 0)),     # 1x1 stride 2
])
def test_back_axis_by_hand(o0, o1, k, s, d, pad, size, want):
    """Hand-worked input rows and per-patch pads; unclipped length equals the formula."""
    i0, i1, pb, pa = back_axis(o0, o1, k, s, d, pad, size)
    assert (i0, i1, pb, pa) == want
    assert (i1 - i0) + pb + pa == (o1 - o0 - 1) * s + d * (k - 1) + 1


def test_grid_tiles_uneven_cover():
    """Uneven splits: tiles cover the tensor exactly once, sizes differ by at most one."""
    tiles = grid_tiles(11, 7, 3, 4)
    assert len(tiles) == 12
    cover = [[0] * 7 for _ in range(11)]
    for t in tiles:
        for y in range(t.y0, t.y1):
            for x in range(t.x0, t.x1):
                cover[y][x] += 1
    assert all(v == 1 for row in cover for v in row)
    assert {t.h for t in tiles} == {3, 4} and {t.w for t in tiles} == {1, 2}
    with pytest.raises(TinycError):
        grid_tiles(3, 3, 4, 2)


def test_vww_pads_only_at_real_border(vww):
    """VWW split after node 7 (12x12x32), 3x3 grid: pads appear only on sides touching the image
    border, where the original node pads are; interior patches have none."""
    stage = stage_of(vww, 7)
    tiles = stage_tiles(stage, 3, 3)
    for pr in tiles:
        for n in stage.nodes:
            full = n.attrs["pads"]
            pads = pr.pads[n.name]
            r_in = pr.reads[(n.name, 0)]
            h, w = vww.tensors[n.inputs[0]].shape[1:3]
            at = (r_in.y0 == 0, r_in.x0 == 0, r_in.y1 == h, r_in.x1 == w)
            for side in range(4):
                assert pads[side] <= full[side]
                if pads[side]:
                    assert at[side]
    centre = tiles[4]
    assert all(p == (0, 0, 0, 0) for p in centre.pads.values())
    # stride-2 TF SAME pads are bottom/right only: the bottom-right patch uses them
    assert tiles[8].pads[stage.nodes[0].name] == (0, 0, 1, 1)
    assert tiles[0].pads[stage.nodes[0].name] == (0, 0, 0, 0)


def test_region_sizes_match_op_shapes(vww):
    """build_patch_graph(check=True) runs every op's shape() on every patch of uneven grids."""
    for split, nh, nw in [(3, 5, 7), (7, 5, 5), (12, 4, 3)]:
        stage = stage_of(vww, split)
        for pr in stage_tiles(stage, nh, nw):
            pg = build_patch_graph(stage, pr)
            assert pg.graph.tensors[stage.output].shape[1:3] == (pr.tile.h, pr.tile.w)


def test_residual_gets_union_and_crop():
    """A residual input read by a 3x3 branch and by the add: its region is the union (with halo)
    and the add reads a crop of exactly the tile."""
    b = Builder("res", 9, 9, 4, seed=1)
    x = b.conv("input", 8, (3, 3), (1, 1), (1, 1, 1, 1), act=RELU6)
    y = b.dw(x, (3, 3), (1, 1), (1, 1, 1, 1))
    z = b.add(x, y)
    g = b.finish(z)
    stage = stage_of(g, 2)
    pr = stage_tiles(stage, 3, 3)[4]  # centre tile rows/cols 3..6
    assert pr.regions[x] == Region(2, 7, 2, 7)
    add = g.nodes[-1]
    assert pr.reads[(add.name, 0)] == Region(3, 6, 3, 6) == pr.tile
    assert pr.reads[(g.nodes[1].name, 0)] == Region(2, 7, 2, 7)
    pg = build_patch_graph(stage, pr)
    assert list(pg.crops.values()) == [(x, 1, 1)]


def test_stage_errors(vww):
    """Splits after a non-spatial op, or cutting a residual, are user errors."""
    with pytest.raises(TinycError, match="reshape"):
        stage_of(vww, 28)
    with pytest.raises(TinycError):
        stage_of(vww, 99)
    b = Builder("cut", 8, 8, 3)
    x = b.conv("input", 4, (3, 3), (1, 1), (1, 1, 1, 1))
    y = b.conv(x, 4, (1, 1))
    g = b.finish(b.add(x, y))
    with pytest.raises(TinycError, match="used after split"):
        stage_of(g, 1)


def test_axis_walks_equal_the_2d_walk(vww):
    """Oracle: the walk over both axes at once (receptive._patch_regions_2d). The cached per-axis
    walks give the same regions, pads and reads (in the same order) for every tile of every grid
    on VWW's splits 3 and 7, and tiles_fit agrees with stage_tiles raising."""
    from tinyc.patching.receptive import _patch_regions_2d, tiles_fit
    for split in (3, 7):
        stage = stage_of(vww, split)
        for nh, nw in ((1, 1), (2, 3), (4, 4), (5, 2)):
            for pr in stage_tiles(stage, nh, nw):
                want = _patch_regions_2d(stage, pr.tile)
                assert pr == want and list(pr.regions) == list(want.regions) and list(pr.reads) == list(want.reads)
            assert tiles_fit(stage, nh, nw)
        _, h, w, _ = vww.tensors[stage.output].shape
        assert not tiles_fit(stage, h + 1, 1)
