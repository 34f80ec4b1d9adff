"""`--patch auto` engages on real CNNs: the tests/zoo/cnn/ zoo (NCHW float ONNX from PyTorch), the real
MobileNetV2-1.0-224 int8 (explicit PADs, NCHW int8 input behind a TRANSPOSE) and the MLPerf VWW.

For each: auto picks a patch plan whose work_bytes (the arena with the model input in the caller's
buffer) is at most half of layer by layer's on the same convention (tinyc.patching.plan, both
planned for real), and the output is identical byte for byte. Oracles: tinyc.ref.run_int (layer by
layer, numpy) for the numpy patch executor (run_patched); the numpy reference for the host C.
"""
import functools
from pathlib import Path

import numpy as np
import pytest

from c_run import run_c
from tinyc.backend.patch_choice import choose_plan
from tinyc.patching.execute import run_patched
from tinyc.patching.plan import ModelCosts, layer_by_layer
from tinyc.pipeline import Options, load_model, quantize
from tinyc.ref import run_int

ROOT = Path(__file__).resolve().parents[2]
ZOO = sorted((ROOT / "tests" / "zoo" / "cnn").glob("*.onnx"))
MBV2 = Path("/work/shared/models/tflm/mobilenet_v2_224_int8.tflite")
REAL = [ROOT / "models" / "vww_mbv1_int8.tflite", ROOT / "models" / "vww_mbv1_float.onnx", MBV2]
# auto in the default run (vgg ~15 s, squeezenet ~13 s of CPU: its fire modules stream, the expand
# branches reading the squeeze outputs at row offsets); the rest are slow (search 10-60 s each)
FAST = {"vgg.onnx", "squeezenet.onnx"}


@functools.lru_cache(maxsize=None)
def _graph_and_plan(path: Path):
    g = quantize(load_model(path), Options())
    return g, choose_plan(g, "auto", None, 0.30)


def _sample(g, seed: int = 0) -> np.ndarray:
    t = g.tensors[g.inputs[0]]
    rng = np.random.default_rng(seed)
    if t.dtype == "float32":
        return rng.standard_normal(t.shape).astype(np.float32)
    return rng.integers(-128, 128, t.shape).astype(t.dtype)


def auto_engages(path: Path):
    """(graph, plan, layer-by-layer plan) after checking the acceptance: a plan, >= 2x less
    work_bytes, and the numpy patch executor equal to layer by layer."""
    g, p = _graph_and_plan(path)
    base = layer_by_layer(ModelCosts(g))
    assert p.split is not None, f"{path.name}: auto kept layer by layer"
    assert 2 * p.work_bytes <= base.work_bytes, f"{path.name}: {p.work_bytes} B vs {base.work_bytes} B"
    x = _sample(g)
    want = run_int(g, {g.inputs[0]: x})[g.outputs[0]]
    got = run_patched(g, {g.inputs[0]: x}, p.split, *p.grid, stream=p.stream)[g.outputs[0]]
    assert got.tobytes() == want.tobytes(), f"{path.name}: patched != layer by layer"
    return g, p, base


NO_STAGE: dict[str, str] = {}  # model -> why auto cannot reach 2x (a strict xfail); none today


def _param(p: Path):
    marks = [] if p.name in FAST else [pytest.mark.slow]
    if p.name in NO_STAGE:
        marks.append(pytest.mark.xfail(strict=True, reason=NO_STAGE[p.name]))
    if not p.exists():
        marks.append(pytest.mark.skip(reason=f"{p} is not here"))
    return pytest.param(p, id=p.name, marks=marks)


@pytest.mark.parametrize("path", [_param(p) for p in ZOO + REAL])
def test_auto_engages(path):
    auto_engages(path)


def test_zoo_has_ten_cnns():
    assert len(ZOO) >= 10


@pytest.mark.parametrize("name", ["vgg.onnx", "squeezenet.onnx",
                                  pytest.param("mobilenet_v2.onnx", marks=pytest.mark.slow),
                                  pytest.param("mobilenet_v3_small.onnx", marks=pytest.mark.slow),
                                  pytest.param("efficientnet_b0.onnx", marks=pytest.mark.slow),
                                  pytest.param("tinynet_e.onnx", marks=pytest.mark.slow),
                                  pytest.param("regnety.onnx", marks=pytest.mark.slow)] +
                         [pytest.param(f"{m}.onnx", marks=pytest.mark.slow) for m in
                          ("ghostnet", "densenet", "shufflenet_v2", "xception", "resnet50", "inception")])
def test_zoo_patched_c_host(name):
    """The C patch loop (float NCHW input transposed and quantized per window) == the numpy reference;
    squeezenet's, inception's, densenet's, resnet50's and xception's plans stream DAG stages (branches
    read at row offsets, concat and residual adds per band)."""
    g, p = _graph_and_plan(ROOT / "tests" / "zoo" / "cnn" / name)
    xs = [_sample(g, s) for s in (1, 2)]
    got, c, _ = run_c(g, xs, p.label)
    assert c.report["patch"]["plan"] == p.label
    for x, y in zip(xs, got):
        assert y.tobytes() == run_int(g, {g.inputs[0]: x})[g.outputs[0]].astype(y.dtype).tobytes()


@pytest.mark.slow
@pytest.mark.qemu
@pytest.mark.skipif(not MBV2.exists(), reason=f"{MBV2} is not here")
def test_mobilenet_v2_224_patched_on_mps2_an500(tmp_path):
    """The real MobileNetV2-224 int8, patched (the grid plan 13:3x5, forced to skip the search; auto now
    streams 21:112s, 154,112 B, +0% MACs) and layer by layer, on mps2-an500 in QEMU: identical to each other and to LiteRT (BUILTIN_REF); patched
    instructions at most 1.3x layer by layer's (measured 799.5 M vs 716.1 M, 1.12x, work 175,808 B)."""
    from oracle import litert_run
    from tinyc.runner import run_model
    x = np.random.default_rng(0).integers(-128, 128, (1, 3, 224, 224)).astype(np.int8)
    np.save(tmp_path / "x.npy", x)
    want = litert_run(MBV2, [x])[0]
    stats = {}
    for tag, patch in (("lbl", "off"), ("patch", "13:3x5")):
        st = run_model(MBV2, tmp_path / "x.npy", tmp_path / f"{tag}.npy", tmp_path / f"{tag}.json", tmp_path / tag,
                       Options(board="mps2-an500", patch=patch))
        assert np.load(tmp_path / f"{tag}.npy").reshape(-1).tobytes() == want.reshape(-1).tobytes(), tag
        stats[tag] = st["instructions"]
    assert stats["patch"] <= 1.3 * stats["lbl"], stats


@pytest.mark.skipif(not MBV2.exists(), reason=f"{MBV2} is not here")
def test_mobilenet_v2_224_patched_work_bytes():
    """The real MobileNetV2-224 int8 patched 13:3x5 (the best grid plan) needs at most MCUNetV2's 172 kB
    (176,128 B) of work memory: the peak after the stage (residual 25,088 + expansion 150,528 B)
    gets each kernel's least scratch there only (one output pixel for the 1x1 convs, a ring of two
    output rows for the in-place depthwise); every other kernel keeps its preferred scratch.
    Measured 175,808 B (178,816 B with preferred scratch everywhere). Oracle: the plan that passed
    tinyc.memory's checker, and the kernels' scratch rules (lower_calls). Planning only, ~2 s."""
    from tinyc.backend.lower import lower_calls
    from tinyc.backend.patch_lower import lower_patched
    g = quantize(load_model(MBV2), Options())
    plan = choose_plan(g, "13:3x5", None, 0.30)
    pl = lower_patched(g, plan)
    assert pl.memory.arena_bytes == plan.work_bytes <= 176_128, (pl.memory.arena_bytes, plan.work_bytes)
    pref = {c.node: c for c in lower_calls(g)}
    shrunk = {c.node: c.scratch for c in pl.calls[1:] if c.scratch != pref[c.node].scratch}
    assert shrunk == {n: pref[n].scratch_min for n in ("conv_2d_19", "depthwise_conv_2d_21", "conv_2d_22",
                                                       "conv_2d_24", "depthwise_conv_2d_26", "conv_2d_27")}
    assert shrunk["depthwise_conv_2d_21"] == 2 * 28 and shrunk["conv_2d_19"] == 192


def test_pytorch_chain_streams_through_the_interface():
    """VGG's stage is a chain read through the NCHW float interface: auto streams it (row bands,
    halo caching, +0% MACs; measured 10:48s, 39,552 B vs 296,032 B layer by layer, 7.5x) and the
    numpy streaming executor, loading each band's window through the interface, equals layer by
    layer (auto_engages); the host C of the same plan runs in test_zoo_patched_c_host."""
    g, p, base = auto_engages(ROOT / "tests" / "zoo" / "cnn" / "vgg.onnx")
    assert p.stream and p.macs == base.macs, p.label
    assert 4 * p.work_bytes <= base.work_bytes


def test_efficientnet_squeeze_excite_stage():
    """EfficientNet-B0's first two blocks hold squeeze-excite: auto's plan (15:4x8, forced here to skip the
    ~25 s search) runs the stage in two passes (tinyc.patching.prepass) past the 64x64x48 peak: work_bytes
    at most half of layer by layer's (measured 57,440 vs 200,704 B, +19.5% MACs), numpy patched output
    identical to tinyc.ref.run_int. Planning and numpy only, ~5 s."""
    g = quantize(load_model(ROOT / "tests" / "zoo" / "cnn" / "efficientnet_b0.onnx"), Options())
    p = choose_plan(g, "15:4x8", None, 0.30)
    base = layer_by_layer(ModelCosts(g))
    assert 2 * p.work_bytes <= base.work_bytes and p.mac_overhead <= 0.30, (p.work_bytes, base.work_bytes)
    for seed in (0, 1):
        x = _sample(g, seed)
        want = run_int(g, {g.inputs[0]: x})[g.outputs[0]]
        got = run_patched(g, {g.inputs[0]: x}, p.split, *p.grid)[g.outputs[0]]
        assert got.tobytes() == want.tobytes()


@pytest.mark.slow
@pytest.mark.qemu
def test_efficientnet_patched_on_mps2_an386(tmp_path):
    """EfficientNet-B0 (zoo), patched with squeeze-excite inside the stage (auto's 15:4x8, forced) and
    layer by layer, on mps2-an386 in QEMU: identical outputs; patched instructions at most 1.2x layer
    by layer's (measured 89,673,040 vs 79,082,160, 1.13x; work_bytes 57,440 vs 196,656 B)."""
    from tinyc.runner import run_model
    path = ROOT / "tests" / "zoo" / "cnn" / "efficientnet_b0.onnx"
    np.save(tmp_path / "x.npy", np.random.default_rng(0).standard_normal((1, 3, 128, 128)).astype(np.float32))
    stats, outs = {}, {}
    for tag, patch in (("lbl", "off"), ("patch", "15:4x8")):
        stats[tag] = run_model(path, tmp_path / "x.npy", tmp_path / f"{tag}.npy", tmp_path / f"{tag}.json",
                               tmp_path / tag, Options(board="mps2-an386", patch=patch))
        outs[tag] = np.load(tmp_path / f"{tag}.npy")
    assert outs["patch"].tobytes() == outs["lbl"].tobytes()
    assert stats["patch"]["work_bytes"] * 2 <= stats["lbl"]["work_bytes"], (stats["patch"], stats["lbl"])
    assert stats["patch"]["instructions"] <= 1.2 * stats["lbl"]["instructions"], stats
