"""Generated C with a patch loop: byte-identical to layer by layer, on the host (ASan+UBSan) and QEMU.

Oracles: tinyc.ref.run_int (layer-by-layer numpy, which the layer-by-layer C
equals bit for bit: tests/test_models.py, tests/ops), the layer-by-layer
generated C itself (tests/harness.py), and tinyc.patching.execute.run_patched
(patch-by-patch numpy). Each build is one project run on several samples.
"""
import json

import numpy as np
import pytest

from c_run import run_c
from harness import run_graph_c
from mbv2 import build_mbv2
from nets import NONE, RELU, RELU6, Builder
from test_execute import small_cnn
from tinyc.backend.patch_choice import c_patchable
from tinyc.cli import main
from tinyc.errors import TinycError
from tinyc.patching.execute import run_patched
from tinyc.patching.search import valid_splits
from tinyc.pipeline import Options, compile_graph, load_model
from tinyc.ref import run_int

VWW = "models/vww_mbv1_int8.tflite"


def samples(g, n: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.integers(-128, 128, g.tensors[g.inputs[0]].shape).astype(np.int8) for _ in range(n)]


def assert_patched_c_exact(g, xs, spec: str, patched_numpy: bool = True):
    """Patched C == run_int (== run_patched) for every sample; returns the compile."""
    got, c, _ = run_c(g, xs, spec)
    split, (nh, nw) = c.report["patch"]["split"], c.report["patch"]["grid"]
    for i, (x, y) in enumerate(zip(xs, got)):
        want = run_int(g, {g.inputs[0]: x})[g.outputs[0]]
        assert y.tobytes() == want.astype(y.dtype).tobytes(), f"{g.name} {spec} sample {i}: C != layer by layer"
        if patched_numpy:
            p = run_patched(g, {g.inputs[0]: x}, split, nh, nw)[g.outputs[0]]
            assert y.tobytes() == p.astype(y.dtype).tobytes()
    return c


@pytest.mark.parametrize("seed,spec", [(0, "4:3x2"), pytest.param(1, "5:3x4", marks=pytest.mark.slow),
                                       pytest.param(2, "9:4x2", marks=pytest.mark.slow)])
def test_small_cnn_patched_c(seed, spec):
    """Odd sizes (23x19), stride 2, asymmetric pads, dilation, depth multiplier 2, pools and residual
    adds (crops read as strided views) inside the stage; uneven and rectangular grids."""
    g = small_cnn(seed)
    c = assert_patched_c_exact(g, samples(g, 3, seed), spec)
    assert c.report["patch"]["plan"] == spec
    assert c.report["work_bytes"] == c.report["static_arena_bytes"]


def test_small_cnn_patched_equals_layer_by_layer_c():
    """Patched C and layer-by-layer C give the same bytes (the second oracle, directly)."""
    g = small_cnn(0)
    xs = samples(g, 3, 7)
    got, _, _ = run_c(g, xs, "7:3x2")
    base = run_graph_c(g, [[x] for x in xs])
    for a, b in zip(got, base):
        assert a.tobytes() == b[0].tobytes()


def test_mbv2_residual_stage_c():
    """Reduced MobileNetV2: the stage holds inverted residual blocks (adds on crops)."""
    g = build_mbv2(64, 0.35, classes=10, seed=3)
    assert sum(n.op == "add" for n in g.nodes[:12]) >= 1
    assert_patched_c_exact(g, samples(g, 2, 3), "11:3x2", patched_numpy=False)


def test_vww_forced_plan_c():
    """VWW with the auto plan forced (7:3x6), ASan build, 3 samples."""
    g = load_model(VWW)
    c = assert_patched_c_exact(g, samples(g, 3, 11), "7:3x6", patched_numpy=False)
    assert c.report["work_bytes"] <= 24530


def test_kws_forced_plan_c():
    """KWS: auto keeps layer by layer (its split tensors are all 25x5x64), a forced plan still matches."""
    g = load_model("models/kws_dscnn_int8.tflite")
    assert_patched_c_exact(g, samples(g, 3, 5), "4:3x2", patched_numpy=False)


def test_ad_has_no_patch_stage(capsys):
    """AD (fully connected only): auto compiles layer by layer with a note; a forced split is an error."""
    g = load_model("models/ad_autoencoder_int8.tflite")
    c = compile_graph(g, Options(patch="auto"))
    assert "patch" not in c.report
    err = capsys.readouterr().err
    assert "has no stage the C patch loop can run" in err and "compiling layer by layer" in err
    with pytest.raises(TinycError, match="cannot run in the patch stage"):
        compile_graph(g, Options(patch="0:2"))


def test_vww_auto_through_cli(tmp_path):
    """`tinyc run --patch auto` on VWW: report.json meets the target, outputs equal run_int."""
    g = load_model(VWW)
    xs = samples(g, 2, 21)
    np.save(tmp_path / "x.npy", np.stack([x[0] for x in xs]))
    out = tmp_path / "out"
    rc = main(["run", VWW, "--input", str(tmp_path / "x.npy"), "--output", str(tmp_path / "y.npy"),
               "--patch", "auto", "-o", str(out)])
    assert rc == 0
    rep = json.loads((out / "report.json").read_text())
    p = rep["patch"]
    assert rep["work_bytes"] <= 24530 and p["mac_overhead"] <= 0.0  # streamed: nothing recomputed
    assert rep["work_bytes"] == rep["static_arena_bytes"] <= rep["arena_bytes"] <= rep["work_bytes"] + rep["input_bytes"]
    assert p["work_bytes"] < p["work_bytes_layer_by_layer"] and p["plan"] == "7:24s"
    assert len(p["live_bytes"]) == len(p["live_bytes_layer_by_layer"]) == len(rep["layers"])
    y = np.load(tmp_path / "y.npy")
    for x, yi in zip(xs, y):
        assert yi.tobytes() == run_int(g, {g.inputs[0]: x})[g.outputs[0]].tobytes()


def test_impossible_budget_one_line(capsys):
    """An impossible --sram-budget: exit 2, one line naming the smallest achievable work memory."""
    rc = main(["compile", "models/kws_dscnn_int8.tflite", "--patch", "auto", "--sram-budget", "100",
               "-o", "/nonexistent/never-written"])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1
    assert "no patch plan fits the SRAM budget of 100 bytes: the smallest planned work memory is" in err


@pytest.mark.parametrize("spec", ["on", "7", "7:", "a:3", "7:0", "3:2x", "-1:2"])
def test_bad_patch_strings(spec, capsys):
    rc = main(["compile", VWW, "--patch", spec, "-o", "/nonexistent/never-written"])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and err.startswith("tinyc: error: --patch")


@pytest.mark.qemu
def test_vww_patched_qemu_equals_host():
    """mps2-an386 (QEMU) runs the VWW patch loop to the same bytes as the host build."""
    g = load_model(VWW)
    xs = samples(g, 2, 31)
    host, _, _ = run_c(g, xs, "7:3x6", sanitize=False)
    arm, _, res = run_c(g, xs, "7:3x6", board="mps2-an386")
    assert all(a.tobytes() == b.tobytes() for a, b in zip(host, arm))
    assert all(n > 0 for n in res.instructions)


def random_cnn(seed: int):
    """A random stage: odd input size, convs with stride 1-2 and asymmetric pads, depthwise convs,
    pools and inverted-residual blocks (1x1 -> depthwise -> 1x1, + add); then a classifier head."""
    rng = np.random.default_rng(seed)
    h, w = (int(v) for v in rng.integers(15, 30, 2) | 1)
    b = Builder(f"rand{seed}", h, w, int(rng.integers(1, 4)), seed)
    x = b.conv("input", int(rng.integers(4, 9)), (3, 3), (2, 2), tuple(int(p) for p in rng.integers(0, 2, 4)))
    for _ in range(int(rng.integers(3, 6))):
        kind = rng.choice(["conv", "dw", "pool", "res"])
        _, hh, ww, c = b.g.tensors[x].shape
        s = (2, 2) if min(hh, ww) >= 8 and rng.random() < 0.3 else (1, 1)
        pads = tuple(int(p) for p in rng.integers(0, 3, 4))
        if kind == "conv":  # pads below the kernel size: every output reads some real input
            kw = int(rng.integers(1, 4))
            pads = (pads[0], min(pads[1], kw - 1), pads[2], min(pads[3], kw - 1))
            x = b.conv(x, int(rng.integers(4, 12)), (3, kw), s, pads, act=RELU)
        elif kind == "dw":
            x = b.dw(x, (3, 3), s, tuple(min(p, 2) for p in pads))
        elif kind == "pool" and min(hh, ww) >= 6:
            x = b.pool(x, str(rng.choice(["max_pool2d", "avg_pool2d"])), (2, 3), (2, 2), (0, 1, 1, 0))
        else:
            y = b.conv(x, 2 * c, (1, 1), act=RELU6)
            y = b.dw(y, (3, 3), (1, 1), (1, 1, 1, 1))
            x = b.add(x, b.conv(y, c, (1, 1), act=NONE))
    return b.finish(b.head(x, 3))


def random_case(seed: int):
    g = random_cnn(seed)
    rng = np.random.default_rng(1000 + seed)
    splits = [s for s in valid_splits(g) if c_patchable(g, s)]
    s = splits[int(rng.integers(len(splits) // 2, len(splits)))]  # favour deep stages
    h, w = g.tensors[g.nodes[s].outputs[0]].shape[1:3]
    return g, f"{s}:{int(rng.integers(1, min(h, 4) + 1))}x{int(rng.integers(2, min(w, 5) + 1))}"


@pytest.mark.parametrize("seed", [0, 1])
def test_random_cnn_patched_c(seed):
    """Random structures (random_cnn), a random valid split and grid: patched C == layer by layer."""
    g, spec = random_case(seed)
    assert_patched_c_exact(g, samples(g, 2, seed), spec)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(2, 14))
def test_random_cnn_patched_c_sweep(seed):
    g, spec = random_case(seed)
    assert_patched_c_exact(g, samples(g, 2, seed), spec)


def test_inspect_shows_plan_and_plots_both(tmp_path, capsys):
    """`tinyc inspect --patch S:N --plot` prints the plan, both peaks and the MAC overhead, and draws
    per-layer memory for both modes (a PNG)."""
    png = tmp_path / "mem.png"
    assert main(["inspect", VWW, "--patch", "7:3x6", "--plot", str(png)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "plan 7:3x6" in out and "x less)" in out and "MACs +27.0%" in out and "0p" in out and "runs patch by patch" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
