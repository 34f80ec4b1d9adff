"""Generated C of streaming patch plans (--patch S:Ns: row bands, halo rows cached) is byte-identical
to layer by layer, on the host (ASan+UBSan) and on QEMU mps2-an386.

Oracles: tinyc.ref.run_int (layer-by-layer numpy) and tinyc.patching.stream.run_stage_stream
(the streaming numpy executor, which models the C loop's buffers and caches); on QEMU the
layer-by-layer generated C's bytes and instruction count.
"""
import numpy as np
import pytest

from c_run import run_c
from nets import NONE, RELU, Builder
from tinyc.ir import Graph
from tinyc.patching.receptive import stage_of
from tinyc.patching.stream import run_stage_stream
from tinyc.pipeline import load_model
from tinyc.ref import run_int


def samples(g, n, seed):
    rng = np.random.default_rng(seed)
    return [rng.integers(-128, 128, g.tensors[g.inputs[0]].shape).astype(np.int8) for _ in range(n)]


def head(g: Graph, last: int) -> Graph:
    """g's nodes 0..last as a graph whose output is node last's (a rich tensor to compare)."""
    h = Graph(f"{g.name}_head", dict(g.tensors), list(g.nodes[:last + 1]), list(g.inputs),
              [g.nodes[last].outputs[0]], g.source)
    h.prune()
    return h


def check(g, split, nbands, xs):
    got, c, _ = run_c(g, xs, f"{split}:{nbands}s")
    assert c.report["patch"]["plan"] == f"{split}:{nbands}s"
    assert c.report["patch"]["mac_overhead"] <= 0.0
    stage = stage_of(g, split)
    for x, y in zip(xs, got):
        ref = run_int(g, {g.inputs[0]: x}, return_all=True)
        assert y.tobytes() == ref[g.outputs[0]].astype(y.dtype).tobytes()
        assert np.array_equal(run_stage_stream(stage, x, nbands), ref[stage.output])
    return c


def odd_chain():
    b = Builder("oddchain", 23, 19, 4, 3)
    x = b.conv("input", 8, (3, 3), (2, 2), (0, 1, 1, 1), act=RELU)
    x = b.dw(x, (3, 3), (1, 1), (2, 2, 2, 2), d=(2, 2))
    x = b.conv(x, 12, (1, 1), act=NONE)
    x = b.pool(x, "max_pool2d", (3, 3), (2, 2), (1, 0, 1, 1))
    x = b.dw(x, (3, 3), (1, 1), (1, 1, 1, 1))
    x = b.conv(x, 16, (3, 2), (1, 1), (1, 0, 1, 1), act=NONE)
    return b.finish(x)


@pytest.mark.parametrize("nbands", [3, 7])
def test_odd_chain_streamed_c(nbands):
    """Stride 2, asymmetric pads, dilation, a pool, 3x3 and general convs; bands over a 6-row split."""
    g = odd_chain()
    check(g, len(g.nodes) - 2, nbands, samples(g, 2, nbands))


def test_vww_head_streamed_c():
    """VWW's first 8 layers streamed in 24 bands (the auto plan), then one more layer, on the host."""
    g = head(load_model("models/vww_mbv1_int8.tflite"), 8)
    c = check(g, 7, 24, samples(g, 1, 0))
    assert c.report["patch"]["macs"] == c.report["patch"]["macs_layer_by_layer"]


@pytest.mark.qemu
def test_vww_head_streamed_on_m4():
    """The DSP build (specialised kernels per band geometry class) on mps2-an386: VWW's first 9
    layers (a 12x12x64 output), streamed in 24 bands, equal layer by layer byte for byte."""
    g = head(load_model("models/vww_mbv1_int8.tflite"), 8)
    xs = samples(g, 1, 4)
    got, c, _ = run_c(g, xs, "7:24s", board="mps2-an386")
    assert "tc_dw_3x3_s8_spec(" in c.files[f"{g.name}.c"] and "tc_convolve_1x1_s8_spec(" in c.files[f"{g.name}.c"]
    assert got[0].tobytes() == run_int(g, {g.inputs[0]: xs[0]})[g.outputs[0]].tobytes()


@pytest.mark.qemu
@pytest.mark.slow
def test_vww_streamed_on_m4():
    """Whole VWW on mps2-an386: same bytes as layer by layer, at most 1.2x its instructions."""
    g = load_model("models/vww_mbv1_int8.tflite")
    xs = samples(g, 1, 3)
    base, _, rb = run_c(g, xs, "off", board="mps2-an386")
    got, c, rs = run_c(g, xs, "7:24s", board="mps2-an386")
    assert got[0].tobytes() == base[0].tobytes()
    assert rs.instructions[0] <= 1.2 * rb.instructions[0]


MBV2 = "/work/shared/models/tflm/mobilenet_v2_224_int8.tflite"


@pytest.mark.qemu
@pytest.mark.slow
@pytest.mark.skipif(not __import__("os").path.exists(MBV2), reason="the shared MobileNetV2-224 model is absent")
def test_mobilenet_v2_224_patched_instructions(tmp_path):
    """MobileNetV2-1.0-224 int8 on mps2-an500 (Cortex-M7): --patch auto at most 1.3x layer by layer's
    instructions, same bytes (measured 622,594,840 vs 591,102,840: 1.05x, plan 21:112s streamed through the
    residual blocks, work 154,112 B, +0% MACs). Long QEMU run."""
    from tinyc.pipeline import Options
    from tinyc.runner import run_model
    g = load_model(MBV2)
    x = np.random.default_rng(0).integers(-128, 128, (1, *g.tensors[g.inputs[0]].shape[1:])).astype(np.int8)
    np.save(tmp_path / "x.npy", x)
    res = {}
    for mode in ("off", "auto"):
        s = run_model(MBV2, tmp_path / "x.npy", tmp_path / f"{mode}.npy", None, tmp_path / mode,
                      Options(board="mps2-an500", patch=mode))
        res[mode] = (s["instructions"], np.load(tmp_path / f"{mode}.npy").tobytes())
    assert res["auto"][1] == res["off"][1]
    assert res["auto"][0] <= 1.3 * res["off"][0]
