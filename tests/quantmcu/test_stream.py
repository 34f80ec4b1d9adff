"""QuantMCU on a streamed plan (row bands with halo caches, --patch S:Ns --precision mixed).

Oracle: tinyc.quantmcu.stream.StreamedModel.run(x, plan), the numpy reference (codes in the
band buffers and halo caches, VDPC per band, an outlier band's split rows in int8), with the plan
report.json states, byte for byte on the model output. Host builds run with ASan + UBSan; the
QEMU build (mps2-an386) must give the host's bytes. With every map at 8 bits StreamedModel is
int8 layer by layer (tinyc.ref.run_int).
"""
import numpy as np
import pytest

from tests.quantmcu.test_codegen import CALIB, plan_of, run_c
from tinyc.pipeline import Options
from tinyc.quantmcu import vdqs
from tinyc.quantmcu.stream import StreamedModel
from tinyc.ref import run_int

BITS = [2, 4, 3]  # MNIST's three stage maps: one- and two-byte planes; the 2-bit one-pass, 4- and 3-bit two-pass paths


def assert_stream_reference(g, xs, got, report) -> tuple[int, int]:
    """C == StreamedModel.run with the report's plan on every sample; (outlier, normal) band counts."""
    p = report["patch"]
    sm = StreamedModel(g, p["split"], p["grid"][0])
    plan = plan_of(report)
    outliers = 0
    for i, (x, y) in enumerate(zip(xs, got)):
        want, st = sm.run(x, plan)
        assert y.tobytes() == want[g.outputs[0]].astype(y.dtype).tobytes(), f"sample {i}: C != streamed QuantMCU"
        outliers += st["outlier_patches"]
    return outliers, len(xs) * len(sm.bands) - outliers


def fixed_bits(mp):
    """The VDQS search replaced by BITS, thresholds at the 90th percentile of the band peaks (so that
    bands are outliers and re-run in int8)."""
    mp.setattr(vdqs, "PERCENTILES", (vdqs.PERCENTILE,))
    mp.setattr(vdqs, "search", lambda cal, t, lam, candidates=None, options=None, memory=None: (list(BITS), []))


@pytest.fixture(scope="module")
def stream_run(mnist_int8, mnist_test):
    xs = [x[None] for x in mnist_test[0][:30]]
    with pytest.MonkeyPatch.context() as mp:
        fixed_bits(mp)
        got, c, _ = run_c(mnist_int8, xs, Options(patch="5:14s", precision="mixed", calib=CALIB))
    return xs, got, c


def test_streamed_reference_is_int8_at_8_bits(mnist_int8, mnist_test):
    """StreamedModel with no plan == int8 layer by layer (run_int), 3 images."""
    sm = StreamedModel(mnist_int8, 5, 14)
    for x in mnist_test[0][:3]:
        want = run_int(mnist_int8, {mnist_int8.inputs[0]: x[None]})[mnist_int8.outputs[0]]
        assert sm.run(x[None])[0][mnist_int8.outputs[0]].tobytes() == want.tobytes()


def test_mnist_stream_c_equals_reference(mnist_int8, stream_run):
    """MNIST 5:14s, maps at 2, 2, 4 bits: host C (ASan + UBSan) == numpy on 30 images, with outlier
    bands (split rows re-run in int8) and normal ones; packed buffers and caches planned smaller."""
    xs, got, c = stream_run
    assert c.report["patch"]["plan"] == "5:14s"
    assert list(c.report["quantmcu"]["bits"].values()) == BITS
    src = c.files[f"{mnist_int8.name}.c"]
    assert src.count("tc_convolve_bp_s8(") == 3 and src.count("tc_quantmcu_bp_s8(") == 3
    outliers, normal = assert_stream_reference(mnist_int8, xs, got, c.report)
    assert outliers > 0 and normal > 0


@pytest.mark.qemu
def test_mnist_stream_qemu_equals_host(mnist_int8, stream_run):
    """mps2-an386 (QEMU, DSP build) gives the host's bytes on 6 images, outlier bands among them."""
    xs, host, c = stream_run
    with pytest.MonkeyPatch.context() as mp:
        fixed_bits(mp)
        arm, ca, _ = run_c(mnist_int8, xs[:6], Options(board="mps2-an386", patch="5:14s", precision="mixed",
                                                        calib=CALIB))
    assert ca.report["quantmcu"] == c.report["quantmcu"]
    assert assert_stream_reference(mnist_int8, xs[:6], arm, c.report)[0] > 0
    assert all(a.tobytes() == b.tobytes() for a, b in zip(host, arm))


def stream_cnn(seed: int):
    """int8 input (no interface), a chain of 3x3 convs: maps of 8 and 24 channels (one and three plane
    bytes per pixel: the pack's and the kernel's generic loops), stride 2, a partial output group."""
    from nets import RELU, Builder
    b = Builder(f"qms{seed}", 20, 12, 3, seed)
    x = b.conv("input", 8, (3, 3), (1, 1), (1, 1, 1, 1), act=RELU)
    x = b.conv(x, 24, (3, 3), (2, 2), (1, 1, 1, 1), act=RELU)
    x = b.conv(x, 12, (3, 3), (1, 1), (1, 1, 1, 1), act=RELU)
    return b.finish(b.head(x, 4))


def test_random_stream_c_equals_reference(tmp_path, monkeypatch):
    """Random CNN, 3 row bands, maps at 2 and 3 bits: C (ASan + UBSan) == StreamedModel on 6 samples,
    outlier and normal bands among them."""
    g = stream_cnn(7)
    rng = np.random.default_rng(7)
    shape = g.tensors["input"].shape
    # calibrated on quiet inputs (the maps of full-range random inputs saturate: no threshold below
    # them); samples quiet and full-range, so that bands of both kinds occur
    np.save(tmp_path / "calib.npy", rng.integers(-20, 20, (16, *shape[1:])).astype(np.int8))
    xs = [rng.integers(-a, a, shape).astype(np.int8) for a in (20, 128, 20, 128, 20, 40)]
    monkeypatch.setattr(vdqs, "search", lambda cal, t, lam, candidates=None, options=None, memory=None: ([2, 3], []))
    got, c, _ = run_c(g, xs, Options(patch="2:3s", precision="mixed", calib=str(tmp_path / "calib.npy")))
    assert c.report["patch"]["plan"] == "2:3s" and list(c.report["quantmcu"]["bits"].values()) == [2, 3]
    outliers, normal = assert_stream_reference(g, xs, got, c.report)
    assert outliers > 0 and normal > 0


def test_packed_stream_plans_less_work(mnist_int8):
    """planned_work_stream: at 8 bits the int8 streaming plan's work bytes (MNIST 5:14s, 5,152 B); with
    the maps at 2 bits less (packed band buffers and caches, no scratch for the bit-plane readers)."""
    from tinyc.patching.plan import ModelCosts
    from tinyc.patching.split import split_graph
    from tinyc.patching.stream_search import evaluate_stream
    from tinyc.quantmcu.choose import planned_work_stream
    k, sub = split_graph(mnist_int8)
    costs = ModelCosts(sub)
    maps = [m.name for m in StreamedModel(mnist_int8, 5, 14).maps]
    w8 = planned_work_stream(costs, 5 - k, 14, {m: 8 for m in maps})
    assert w8 == evaluate_stream(costs, 5 - k, 14).work_bytes == 5152
    assert planned_work_stream(costs, 5 - k, 14, {m: 2 for m in maps}) < w8
