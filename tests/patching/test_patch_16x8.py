"""16x8 (int16 activations, int8 weights) patch stages: grids and row bands run the layer-by-layer
int16 kernels in the patch loop, byte-identical to layer by layer.

Oracles: tinyc.ref.run_int (layer-by-layer numpy; its 16x8 kernels are pinned to LiteRT BUILTIN_REF
by tests/mixed/test_litert_16x8.py), byte for byte, for the patch-by-patch numpy executors
(run_patched, run_stage_stream) and the generated C (host, ASan+UBSan); LiteRT BUILTIN_REF itself
on the converter-made MobileNetV2 16x8 (slow).
"""
import numpy as np
import pytest

from c_run import run_c
from nets import NONE, RELU, Builder
from test_execute import small_cnn
from test_stream_c import odd_chain
from tinyc.backend.patch_choice import c_patchable, choose_plan
from tinyc.ir import Node, QParams, Tensor, verify
from tinyc.patching.execute import run_patched
from tinyc.patching.receptive import stage_of
from tinyc.patching.search import valid_splits
from tinyc.patching.stream import run_stage_stream
from tinyc.ref import run_int


def to_16x8(g, fixed=None):
    """g (an int8 Builder graph) as TFLite's 16x8 scheme: int16 activations with symmetric scales
    covering the same real range (fixed: {tensor: QParams} where the op dictates them), int64 biases
    (same real values), int8 weights unchanged."""
    g = g.copy()
    new: dict[int, QParams] = {}
    old_s = {name: t.q.s() for name, t in g.tensors.items() if not t.is_const and t.q is not None}

    def q16(q):
        if id(q) not in new:
            big = max(abs(-128 - q.zp()), abs(127 - q.zp())) * q.s()
            new[id(q)] = QParams(big / 32767, 0)
        return new[id(q)]
    for t in g.tensors.values():
        if not t.is_const and t.dtype == "int8":
            t.dtype, t.q = "int16", (fixed or {}).get(t.name) or q16(t.q)
    for n in g.nodes:
        if n.op in ("conv2d", "depthwise_conv2d", "fully_connected") and len(n.inputs) > 2 and n.inputs[2]:
            x, b = n.inputs[0], g.tensors[n.inputs[2]]
            ratio = old_s[x] / g.tensors[x].q.s()
            sw = g.tensors[n.inputs[1]].q.scale
            b.data = np.round(b.data.astype(np.float64) * ratio).astype(np.int64)
            b.dtype, b.q = "int64", QParams(np.float32(g.tensors[x].q.s()) * sw, np.zeros(sw.size), 0)
    return verify(g)


def samples16(g, n, seed):
    rng = np.random.default_rng(seed)
    return [rng.integers(-32768, 32768, g.tensors[g.inputs[0]].shape).astype(np.int16) for _ in range(n)]


def test_16x8_grid_numpy_every_split():
    """Residual adds read as crops, pools, dilation, depth multiplier, on int16: every split the
    loop can run, on a 3x2 grid, equals layer by layer."""
    g = to_16x8(small_cnn(0))
    x = samples16(g, 1, 0)[0]
    want = run_int(g, {"input": x})[g.outputs[0]]
    splits = [s for s in valid_splits(g) if c_patchable(g, s)]
    assert len(splits) >= 6
    for s in splits:
        h, w = g.tensors[g.nodes[s].outputs[0]].shape[1:3]
        if h >= 3 and w >= 2:
            assert np.array_equal(run_patched(g, {"input": x}, s, 3, 2)[g.outputs[0]], want), s


def test_16x8_stream_numpy():
    g = to_16x8(odd_chain())
    x = samples16(g, 1, 1)[0]
    ref = run_int(g, {"input": x}, return_all=True)
    stage = stage_of(g, len(g.nodes) - 2)
    assert np.array_equal(run_stage_stream(stage, x, 4), ref[stage.output])


@pytest.mark.parametrize("make,spec", [(lambda: small_cnn(0), "4:3x2"), (odd_chain, "4:3s"),
                                       (lambda: small_cnn(0), "9:3s")])
def test_16x8_patched_c(make, spec):
    """The int16 kernels in the grid loop (crops, adds, pools) and the band loop (halo caches of
    int16 rows; 9:3s streams two residual adds, tinyc.patching.stream): host C == layer by layer."""
    g = to_16x8(make())
    xs = samples16(g, 2, 7)
    got, c, _ = run_c(g, xs, spec)
    assert c.report["patch"]["plan"] == spec
    for x, y in zip(xs, got):
        assert y.tobytes() == run_int(g, {"input": x})[g.outputs[0]].tobytes()


def test_16x8_stage_ends_before_an_op_without_int16_loop_form(capsys):
    """A 16x8 logistic (no int16 form in the patch loop) ends the stage before it, with a note."""
    b = Builder("lg", 24, 24, 3, 3)
    x = b.conv("input", 8, (3, 3), (2, 2), (1, 1, 1, 1), act=RELU)
    x = b.conv(x, 8, (3, 3), (1, 1), (1, 1, 1, 1), act=NONE)
    y = f"t{b.k}"
    b.g.add_tensor(Tensor(y, b.g.tensors[x].shape, "int8", q=QParams(1 / 256, -128)))
    b.g.nodes.append(Node("logistic", "sig", [x], [y]))
    b.k += 1
    x = b.conv(y, 16, (3, 3), (2, 2), (1, 1, 1, 1), act=RELU)
    g = to_16x8(b.finish(b.head(x, 4)), {y: QParams(1 / 32768, 0)})
    assert not c_patchable(g, 2) and c_patchable(g, 1)
    plan = choose_plan(g, "auto", None, 0.3)
    assert plan.split is None or plan.split <= 1
    assert "16x8: the patch stage ends before node 2 ('sig', logistic)" in capsys.readouterr().err


@pytest.mark.slow
def test_mobilenet_v2_16x8_auto_equals_litert():
    """The converter's MobileNetV2 (alpha 0.35, 96x96) in 16x8: --patch auto engages with >= 2x less
    work memory; host C == layer by layer == LiteRT BUILTIN_REF."""
    from oracle import litert_run
    from tinyc.pipeline import load_model
    path = "tests/zoo/tflite/mobilenet_v2_16x8.tflite"
    g = load_model(path)
    xs = samples16(g, 2, 3)
    got, c, _ = run_c(g, xs, "auto")
    p = c.report["patch"]
    assert 2 * p["work_bytes"] <= p["work_bytes_layer_by_layer"]
    for x, y in zip(xs, got):
        assert y.tobytes() == run_int(g, {g.inputs[0]: x})[g.outputs[0]].tobytes()
        assert y.tobytes() == litert_run(path, [x])[0].astype(y.dtype).reshape(y.shape).tobytes()
