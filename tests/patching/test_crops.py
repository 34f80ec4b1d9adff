"""Crop copies in the patch loop: a node other than add reading a crop of a per-patch buffer
(tinyc.patching.crops), as in SqueezeNet's fire module, whose expand-1x1 branch reads the squeeze
output without the halo its expand-3x3 branch needs.

Oracles: tinyc.ref.run_int (layer by layer in numpy) for the numpy patch executor and for the
host C (ASan+UBSan); the plan's own steps for the crop buffers it places.
"""
import numpy as np
import pytest

from c_run import run_c
from nets import NONE, RELU, Builder
from tinyc.patching.crops import copied_crops, crop_buffer
from tinyc.patching.execute import run_patched
from tinyc.patching.plan import ModelCosts, patch_schedule
from tinyc.patching.receptive import stage_of, stage_tiles
from tinyc.ref import run_int


def fire_net(seed: int = 0):
    """stem 3x3 -> squeeze 1x1 -> [expand 1x1, expand 3x3, depthwise 5x5] -> concat -> 3x3 conv, head.
    The squeeze patch carries the 5x5's halo: the 1x1 reads a crop without halo, the 3x3 a crop
    with one pixel of it. Odd sizes (21x19) so that tiles are uneven."""
    b = Builder("fire", 21, 19, 3, seed)
    x = b.conv("input", 8, pads=(1, 1, 1, 1), act=RELU)
    s = b.conv(x, 6, k=(1, 1), act=RELU)
    e1 = b.conv(s, 8, k=(1, 1), act=RELU)
    e3 = b.conv(s, 8, pads=(1, 1, 1, 1), act=RELU)
    d5 = b.dw(s, k=(5, 5), pads=(2, 2, 2, 2), act=NONE)
    y = b.conv(b.concat([e1, e3, d5]), 8, s=(2, 2), pads=(1, 1, 1, 1), act=RELU)
    return b.finish(b.head(y, 5))


SPLIT = 6  # the stride-2 conv after the concat


def _x(g, seed):
    return np.random.default_rng(seed).integers(-128, 128, g.tensors[g.inputs[0]].shape).astype(np.int8)


def test_fire_crops_are_copied_and_planned():
    """The 1x1 and the 3x3 expand read copies of the squeeze crop (the depthwise the whole patch);
    the plan places each copy as its own buffer, written by a crop step just before its reader."""
    g = fire_net()
    stage = stage_of(g, SPLIT)
    tiles = stage_tiles(stage, 2, 3)
    crops = copied_crops(stage, tiles, ModelCosts(g).pixel_bytes)
    s = g.nodes[1].outputs[0]
    assert set(crops) == {(g.nodes[2].name, 0), (g.nodes[3].name, 0)}
    steps = patch_schedule(ModelCosts(g), SPLIT, 2, 3, copy_input=True)[0]
    names = [st.name for st in steps]
    for node in (g.nodes[2].name, g.nodes[3].name):
        i = names.index(f"patch.{node}")
        assert steps[i - 1].writes == [crop_buffer(s, node)] and steps[i - 1].reads == [f"patch:{s}"]
        assert steps[i].reads == [crop_buffer(s, node)]


@pytest.mark.parametrize("nh,nw", [(2, 3), (3, 2), (4, 4)])
def test_fire_patched_numpy_equals_layer_by_layer(nh, nw):
    g = fire_net(1)
    x = _x(g, nh)
    want = run_int(g, {"input": x})[g.outputs[0]]
    got = run_patched(g, {"input": x}, SPLIT, nh, nw)[g.outputs[0]]
    assert got.tobytes() == want.tobytes()


@pytest.mark.slow  # the default run covers crop copies in C with squeezenet (test_zoo_cnns) and ghost_split_net
def test_fire_patched_c_equals_layer_by_layer():
    """The C loop copies each crop (tc_copy_window) and runs the 1x1, 3x3 and concat kernels on it."""
    g = fire_net(2)
    xs = [_x(g, s) for s in (5, 6)]
    got, c, _ = run_c(g, xs, f"{SPLIT}:3x2")
    src = c.files[f"{g.name}.c"]
    assert src.count("tc_copy_window(&s") == 2, "one crop copy per cropped 1x1 / 3x3 input"
    for x, y in zip(xs, got):
        assert y.tobytes() == run_int(g, {"input": x})[g.outputs[0]].astype(y.dtype).tobytes()


def ghost_split_net(seed: int = 0):
    """GhostNet's module with an odd output (concat of a 1x1 and its depthwise, sliced to 11 of 12
    channels) and ShuffleNetV2's channel split (two channel slices, one branch convolved, concat):
    channel slices inside the stage (receptive.channel_slice), one of them read through a crop."""
    from tinyc.ir import Node, Tensor
    b = Builder("ghost", 19, 17, 3, seed)
    x = b.conv("input", 8, pads=(1, 1, 1, 1), act=RELU)
    a = b.conv(x, 6, k=(1, 1), act=RELU)
    cat = b.concat([a, b.dw(a, act=RELU)])

    def slice_(t, c0, c1):
        y = f"t{b.k}"
        b.k += 1
        src = b.g.tensors[t]
        b.g.add_tensor(Tensor(y, (*src.shape[:3], c1 - c0), "int8", q=src.q))
        b.g.nodes.append(Node("strided_slice", f"slice{b.k}", [t], [y], dict(
            begin=(0, 0, 0, c0), size=(*src.shape[:3], c1 - c0), strides=(1, 1, 1, 1))))
        return y
    ghost = slice_(cat, 0, 11)
    left, right = slice_(ghost, 0, 5), slice_(ghost, 5, 11)
    y = b.concat([left, b.conv(right, 6, pads=(1, 1, 1, 1), act=RELU)])
    y = b.conv(y, 8, s=(2, 2), pads=(1, 1, 1, 1), act=RELU)
    return b.finish(b.head(y, 4))


def test_channel_slices_in_the_stage_numpy_and_c():
    """Oracle: run_int (layer by layer) for the numpy patch executor and for the host C loop."""
    g = ghost_split_net(4)
    split = next(i for i, n in enumerate(g.nodes) if n.op == "conv2d" and n.attrs["strides"] == (2, 2))
    assert [n.op for n in g.nodes[:split + 1]].count("strided_slice") == 3
    xs = [_x(g, s) for s in (7, 8)]
    for x in xs:
        want = run_int(g, {"input": x})[g.outputs[0]]
        assert run_patched(g, {"input": x}, split, 3, 2)[g.outputs[0]].tobytes() == want.tobytes()
    got, c, _ = run_c(g, xs, f"{split}:3x2")
    assert c.files[f"{g.name}.c"].count("tc_strided_slice(&s") == 3
    for x, y in zip(xs, got):
        assert y.tobytes() == run_int(g, {"input": x})[g.outputs[0]].astype(y.dtype).tobytes()
