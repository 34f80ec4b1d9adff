"""QuantMCU in the generated C (--patch S:N --precision mixed): bit-exact with the numpy reference.

Oracle: tinyc.quantmcu.execute.PatchedModel.run(x, plan), the numpy reference
of QuantMCU, with the plan the compile states in report.json (thresholds and
bits per map), byte for byte on the model output; its stats say which patches
were outliers. Host builds run with ASan + UBSan; the QEMU build (mps2-an386)
must give the host's bytes. Also: the same compile without --precision mixed
(int8 patch loop after the input interface) equals tinyc.ref.run_int.
"""
import tempfile
from pathlib import Path

import numpy as np
import pytest

from nets import NONE, RELU, Builder
from tinyc.backend.build import run_project
from tinyc.backend.emit import write_project
from tinyc.errors import TinycError
from tinyc.pipeline import Options, compile_graph
from tinyc.quantmcu import vdqs
from tinyc.quantmcu.execute import PatchedModel, Plan
from tinyc.ref import run_int

ROOT = Path(__file__).resolve().parents[2]
CALIB = str(ROOT / "models" / "mnist_calib.npy")


def run_c(g, xs, opts: Options, sanitize: bool = True):
    """(outputs per sample, Compiled, RunResult) of g's generated C under opts."""
    c = compile_graph(g, opts)
    with tempfile.TemporaryDirectory(prefix="tinyc-qm-") as tmp:
        out = Path(tmp) / "project"
        write_project(out, c.files, opts.board, c.report)
        make_vars = {"SANITIZE": 1} if (sanitize and opts.board == "host") else None
        res = run_project(out, [[x] for x in xs], [g.tensors[n].dtype for n in g.inputs],
                          [g.tensors[n].shape for n in g.outputs], [g.tensors[n].dtype for n in g.outputs],
                          make_vars=make_vars)
    return [o[0] for o in res.outputs], c, res


def plan_of(report: dict) -> Plan:
    q = report["quantmcu"]
    return Plan({k: int(v) for k, v in q["thresholds"].items()}, {k: int(v) for k, v in q["bits"].items()},
                {k: int(v) for k, v in q.get("ranges", {}).items()})


def assert_reference(g, xs, got, report) -> tuple[int, int]:
    """C == PatchedModel.run with the report's plan for every sample; (outlier, normal) patch counts."""
    p = report["patch"]
    pm = PatchedModel(g, p["split"], *p["grid"])
    plan = plan_of(report)
    outliers = 0
    for i, (x, y) in enumerate(zip(xs, got)):
        want, st = pm.run(x, plan)
        assert y.tobytes() == want[g.outputs[0]].astype(y.dtype).tobytes(), f"sample {i}: C != QuantMCU reference"
        outliers += st["outlier_patches"]
    return outliers, len(xs) * len(pm.patches) - outliers


@pytest.fixture(scope="module")
def mnist_run(mnist_int8, mnist_test):
    """The MNIST compile (split after node 4, 2x2) and its host outputs on 40 test images; thresholds
    held at the 90th percentile (the search would take the calibration maximum here) so that some
    patches are outliers and re-run in int8."""
    xs = [x[None] for x in mnist_test[0][:40]]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(vdqs, "PERCENTILES", (vdqs.PERCENTILE,))
        got, c, _ = run_c(mnist_int8, xs, Options(patch="4:2", precision="mixed", calib=CALIB))
    return xs, got, c


def test_mnist_c_equals_reference(mnist_int8, mnist_run):
    """MNIST: C == numpy QuantMCU on 40 images, with both outlier and normal patches, sub-8-bit maps."""
    xs, got, c = mnist_run
    assert c.report["patch"]["interface_nodes"] == ["quantize_input0", "image_to_nhwc"]
    assert min(c.report["quantmcu"]["bits"].values()) < 8
    outliers, normal = assert_reference(mnist_int8, xs, got, c.report)
    assert outliers > 0 and normal > 0


def test_mnist_report_states_plan(mnist_int8, mnist_run):
    """report.json: thresholds and bits per feature map (the stage's int8 maps), patch-stage BitOPs."""
    _, _, c = mnist_run
    q = c.report["quantmcu"]
    pm = PatchedModel(mnist_int8, 4, 2, 2)
    assert [m["name"] for m in q["maps"]] == [m.name for m in pm.maps]
    assert all(m["bits"] in (8, 6, 4, 2) and m["threshold"] >= 1 for m in q["maps"])
    assert q["stage_bitops_int8"] == pm.int8_stage_bitops()
    assert q["stage_bitops_calibration_mean"] < q["stage_bitops_int8"] and q["stage_bitops_ratio"] > 1.0


def test_mnist_int8_patch_after_interface(mnist_int8, mnist_test):
    """Without --precision mixed the same plan is the int8 patch loop after the interface: == run_int."""
    g = mnist_int8
    xs = [x[None] for x in mnist_test[0][:3]]
    got, c, _ = run_c(g, xs, Options(patch="4:2"))
    assert "quantmcu" not in c.report
    for x, y in zip(xs, got):
        assert y.tobytes() == run_int(g, {g.inputs[0]: x})[g.outputs[0]].astype(y.dtype).tobytes()


def small_cnn(seed: int):
    """int8 input (no interface); maps of 8 and 16 channels (one and two plane bytes per pixel) read by
    3x3 convs with stride 2, dilation 2 and 12 output channels (a partial group of eight)."""
    b = Builder(f"qmc{seed}", 18, 16, 3, seed)
    x = b.conv("input", 8, (3, 3), (1, 1), (1, 1, 1, 1), act=RELU)
    x = b.conv(x, 16, (3, 3), (2, 2), (1, 1, 1, 1), act=RELU)
    x = b.conv(x, 12, (3, 3), (1, 1), (2, 2, 2, 2), d=(2, 2), act=RELU)
    return b.finish(b.head(x, 4))


@pytest.mark.parametrize("bits", [(4, 2), pytest.param((2, 4), marks=pytest.mark.slow)])
def test_small_cnn_c_equals_reference(tmp_path, monkeypatch, bits):
    """Random CNN, 2x3 grid, the VDQS search replaced by fixed bits per map: C (ASan + UBSan) == numpy
    QuantMCU on 6 samples, with outlier (int8 kernel) and normal (bit-plane kernel) patches; the
    lookup tables cover one- and two-byte planes, chunks of one and two planes, a partial group."""
    monkeypatch.setattr(vdqs, "search", lambda cal, t, lam, candidates=None, options=None: (list(bits), []))
    g = small_cnn(3)
    rng = np.random.default_rng(3)
    shape = g.tensors["input"].shape
    np.save(tmp_path / "calib.npy", rng.integers(-128, 128, (16, *shape[1:])).astype(np.int8))
    xs = [rng.integers(-128, 128, shape).astype(np.int8) for _ in range(6)]
    got, c, _ = run_c(g, xs, Options(patch="2:2x3", precision="mixed", calib=str(tmp_path / "calib.npy")))
    assert list(c.report["quantmcu"]["bits"].values()) == list(bits)
    src = c.files[f"{g.name}.c"]
    assert src.count("tc_convolve_bp_s8(") == 2 and "tc_quantmcu_bp_s8(" in src
    outliers, normal = assert_reference(g, xs, got, c.report)
    assert outliers > 0 and normal > 0


def test_mixed_patch_without_stage_is_an_error():
    """--precision mixed with --patch on a model that compiles layer by layer: one-line TinycError."""
    b = Builder("flat", 1, 1, 8, 0)
    g = b.finish(b.head("input", 4))
    with pytest.raises(TinycError) as e:
        compile_graph(g, Options(patch="auto", precision="mixed"))
    assert "QuantMCU" in str(e.value) and "\n" not in str(e.value)


@pytest.mark.qemu
def test_mnist_qemu_equals_host(mnist_int8, mnist_run):
    """mps2-an386 (QEMU) runs the QuantMCU patch loop to the host build's bytes (8 images, outlier patches
    re-run in int8 among them)."""
    xs, host, c = mnist_run
    with pytest.MonkeyPatch.context() as mp:  # the same plan as the host build (thresholds at the 90th percentile)
        mp.setattr(vdqs, "PERCENTILES", (vdqs.PERCENTILE,))
        arm, ca, res = run_c(mnist_int8, xs[:8], Options(board="mps2-an386", patch="4:2", precision="mixed",
                                                          calib=CALIB))
    assert ca.report["quantmcu"]["thresholds"] == c.report["quantmcu"]["thresholds"]
    assert assert_reference(mnist_int8, xs[:8], arm, c.report)[0] > 0  # outlier patches among them
    assert all(a.tobytes() == b.tobytes() for a, b in zip(host, arm))
    assert all(n > 0 for n in res.instructions)


@pytest.mark.slow
def test_digits_c_equals_reference():
    """models/digits_cnn.onnx (second accuracy task) under --patch auto --precision mixed: host C ==
    numpy QuantMCU on 20 test images, with a map below 8 bits."""
    from tinyc.pipeline import load_model, quantize
    calib = str(ROOT / "models" / "digits_calib.npy")
    g = quantize(load_model(ROOT / "models" / "digits_cnn.onnx"), Options(calib=calib))
    d = np.load(ROOT / "models" / "digits_test.npz")
    xs = [x[None, None].astype(np.float32) for x in d["images"][:20]]
    got, c, _ = run_c(g, xs, Options(patch="auto", precision="mixed", calib=calib))
    assert min(c.report["quantmcu"]["bits"].values()) < 8
    assert_reference(g, xs, got, c.report)


def test_stats_put_measured_beside_modelled():
    """--stats 'quantmcu': the patch-stage slots of the profile summed (measured) beside report.json's
    modelled BitOPs; layer-by-layer slots are not part of the stage."""
    from tinyc.runner import quantmcu_measured
    q = dict(stage_bitops_int8=640, stage_bitops_calibration_mean=300.0, bits={"m": 2})
    prof = dict(layers=[dict(kind="patch_copies", instructions=10), dict(kind="patch_node", instructions=100),
                        dict(kind="quantmcu", instructions=7), dict(kind="layer", instructions=1000)])
    assert quantmcu_measured(q, prof) == dict(stage_bitops_int8_modelled=640, stage_bitops_modelled=300.0,
                                              stage_instructions_measured=117, pack_instructions_measured=7,
                                              bits={"m": 2})


def residual_cnn(seed: int):
    """A residual add (a crop of a per-patch buffer read as a view) before the map stored below 8 bits,
    and a max pool after it: the int8 re-run of outlier patches goes through both."""
    b = Builder(f"qmr{seed}", 20, 18, 3, seed)
    x = b.conv("input", 8, (3, 3), (1, 1), (1, 1, 1, 1), act=RELU)
    y = b.dw(x, (3, 3), (1, 1), (1, 1, 1, 1), act=NONE)
    x = b.add(x, y, act=RELU)
    x = b.conv(x, 16, (3, 3), (1, 1), (1, 1, 1, 1), act=RELU)
    x = b.conv(x, 8, (3, 3), (2, 2), (1, 1, 1, 1), act=RELU)
    x = b.pool(x)
    return b.finish(b.head(x, 4))


def test_residual_cnn_rerun_equals_reference(tmp_path, monkeypatch):
    """Residual stage, 2x2 grid, the map after the add and the next one at 2 bits (the search replaced):
    C (ASan + UBSan) == numpy QuantMCU on 6 samples with outlier patches (re-run in int8 as sub-patches)
    and normal ones."""
    g = residual_cnn(5)
    maps = PatchedModel(g, 5, 2, 2).maps
    bits = [2 if m.codes else 8 for m in maps]
    assert bits.count(2) == 2
    monkeypatch.setattr(vdqs, "search", lambda cal, t, lam, candidates=None, options=None: (list(bits), []))
    rng = np.random.default_rng(5)
    shape = g.tensors["input"].shape
    np.save(tmp_path / "calib.npy", rng.integers(-128, 128, (16, *shape[1:])).astype(np.int8))
    xs = [rng.integers(-128, 128, shape).astype(np.int8) for _ in range(6)]
    got, c, _ = run_c(g, xs, Options(patch="5:2x2", precision="mixed", calib=str(tmp_path / "calib.npy")))
    src = c.files[f"{g.name}.c"]
    assert "qm_rerun:" in src and src.count("tc_convolve_bp_s8(") == 2
    outliers, normal = assert_reference(g, xs, got, c.report)
    assert outliers > 0 and normal > 0
