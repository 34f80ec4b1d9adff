"""Row-band streaming through DAG stages (tinyc.patching.stream): an Inception block (1x1, 1x1-3x3,
1x1-3x3-3x3 and maxpool-1x1 branches, concat), a residual add, a channel slice, every row
computed once, the short branches read at row offsets of the shared buffers.

Oracles: tinyc.ref.run_int (layer by layer, numpy) for the streaming numpy executor
run_stage_stream, byte for byte on the split tensor, and the layer-by-layer MACs of every stage
node; for the generated C (host, ASan+UBSan), run_int on the output and run_stage_stream on the
split tensor.
"""
import numpy as np
import pytest

from c_run import run_c
from nets import NONE, RELU, Builder
from tinyc.backend.patch_choice import streamable
from tinyc.errors import TinycError
from tinyc.ir import Node, Tensor
from tinyc.ops import op_module
from tinyc.patching.plan import ModelCosts
from tinyc.patching.receptive import stage_of
from tinyc.patching.stream import run_stage_stream, stream_bands, stream_macs
from tinyc.patching.stream_search import search_stream
from tinyc.ref import run_int


def _slice(b: Builder, t: str, c0: int, c1: int) -> str:
    """Channels [c0, c1) of t (a channel slice: every row and column kept)."""
    y = f"t{b.k}"
    b.k += 1
    src = b.g.tensors[t]
    b.g.add_tensor(Tensor(y, (*src.shape[:3], c1 - c0), "int8", q=src.q))
    b.g.nodes.append(Node("strided_slice", f"slice{b.k}", [t], [y], dict(
        begin=(0, 0, 0, c0), size=(*src.shape[:3], c1 - c0), strides=(1, 1, 1, 1))))
    return y


def inception_net(seed: int = 0):
    """stem conv s2 -> Inception block (concat of 1x1 | 1x1-3x3 | 1x1-3x3-3x3 | maxpool-1x1) ->
    residual (3x3 + 1x1 of the concat, add) -> channel slice -> conv 3x3 s2 (SPLIT) -> head.
    21x18 input: odd sizes, uneven bands; branch halos 0, 1, 2 and 1 rows."""
    b = Builder("incep", 21, 18, 3, seed)
    s = b.conv("input", 8, (3, 3), (2, 2), (1, 1, 1, 1), act=RELU)
    a = b.conv(s, 6, (1, 1), act=RELU)
    c = b.conv(b.conv(s, 4, (1, 1), act=RELU), 6, (3, 3), pads=(1, 1, 1, 1), act=RELU)
    d = b.conv(s, 4, (1, 1), act=RELU)
    d = b.conv(b.conv(d, 4, (3, 3), pads=(1, 1, 1, 1), act=RELU), 6, (3, 3), pads=(1, 1, 1, 1), act=RELU)
    e = b.conv(b.pool(s, "max_pool2d", (3, 3), (1, 1), (1, 1, 1, 1)), 4, (1, 1), act=RELU)
    cat = b.concat([a, c, d, e])
    r = b.add(b.conv(cat, 16, (3, 3), pads=(1, 1, 1, 1), act=NONE), b.conv(cat, 16, (1, 1), act=NONE))
    y = b.conv(_slice(b, r, 2, 14), 16, (3, 3), (2, 2), (1, 1, 1, 1), act=RELU)
    return b.finish(b.head(y, 5))


def _x(g, seed):
    return np.random.default_rng(seed).integers(-128, 128, g.tensors[g.inputs[0]].shape).astype(np.int8)


def _split(g):
    return max(i for i, n in enumerate(g.nodes) if n.op == "conv2d")


def test_inception_stream_numpy_bit_exact():
    """Splits inside and after the block, 2..11 bands: the split tensor equals layer by layer's,
    and every stage node's MACs equal layer by layer's (nothing recomputed)."""
    g = inception_net(1)
    x = _x(g, 0)
    ref = run_int(g, {g.inputs[0]: x}, return_all=True)
    concat = next(i for i, n in enumerate(g.nodes) if n.op == "concat")
    add = next(i for i, n in enumerate(g.nodes) if n.op == "add")
    for split, nbands in ((concat, 3), (add, 2), (add, 5), (_split(g), 4), (_split(g), 11)):
        stage = stage_of(g, split)
        assert streamable(g, split)
        got = run_stage_stream(stage, x, nbands, seed=nbands)
        assert got.tobytes() == ref[stage.output].tobytes(), (split, nbands)
        _, bands = stream_bands(stage, nbands)
        assert stream_macs(stage, bands) == [op_module(n.op).macs(n, g) for n in stage.nodes]


def test_inception_streamed_c_equals_numpy():
    """The whole DAG stage streamed in 4 bands by the generated C (one host build, ASan+UBSan)."""
    g = inception_net(2)
    split = _split(g)
    xs = [_x(g, 3), _x(g, 4)]
    got, c, _ = run_c(g, xs, f"{split}:4s")
    assert c.report["patch"]["plan"] == f"{split}:4s" and c.report["patch"]["mac_overhead"] == 0.0
    stage = stage_of(g, split)
    for x, y in zip(xs, got):
        ref = run_int(g, {g.inputs[0]: x}, return_all=True)
        assert np.array_equal(run_stage_stream(stage, x, 4), ref[stage.output])
        assert y.tobytes() == ref[g.outputs[0]].tobytes()


def test_search_streams_dag_stages():
    """The auto search's streaming candidates (patch_choice.streamable) include the DAG splits
    (after the concat, the add, the split conv); its best streaming plan ends after the concat and
    recomputes nothing."""
    g = inception_net(0)
    concat = next(i for i, n in enumerate(g.nodes) if n.op == "concat")
    add = next(i for i, n in enumerate(g.nodes) if n.op == "add")
    splits = [s for s in range(len(g.nodes)) if streamable(g, s)]
    assert {0, concat, add, _split(g)} <= set(splits)
    p = search_stream(ModelCosts(g), splits)
    assert p.stream and p.split >= concat and p.macs == p.base_macs


def test_squeeze_excite_stage_does_not_stream():
    from test_squeeze_excite import se_cnn
    g = se_cnn(0)
    split = max(i for i, n in enumerate(g.nodes[:-3]) if n.op == "conv2d")
    assert not streamable(g, split)
    with pytest.raises(TinycError, match="squeeze-excite"):
        stream_bands(stage_of(g, split), 3)


@pytest.mark.qemu
def test_inception_streamed_on_m4():
    """The DSP build on mps2-an386 in QEMU: the DAG stage streamed in 4 bands with the specialised
    conv kernels per band geometry class; the output equals layer by layer (run_int) byte for byte."""
    g = inception_net(5)
    x = _x(g, 6)
    got, c, _ = run_c(g, [x], f"{_split(g)}:4s", board="mps2-an386")
    src = c.files[f"{g.name}.c"]
    assert "tc_convolve_s8_spec(" in src and "tc_convolve_1x1_s8_spec(" in src
    assert got[0].tobytes() == run_int(g, {g.inputs[0]: x})[g.outputs[0]].tobytes()
