"""The CLI under random argument combinations: exit 0 or 2, never 1 or a traceback, and
nothing written when it exits 2.

Oracle: the CLI contract in ../shared/design.md. Hypothesis draws a command and, for
each option, a good, bad or absent value (bad files, bad shapes, NaN/1e30 data,
unknown boards, bad --patch specs, budgets <= 0, unwritable or oddly named
outputs...). tinyc.cli.main runs in this process (no interpreter start-up per
example). Every example writes only under its own fresh folder, which must stay
empty when the exit status is 2.
"""
import contextlib
import io
import itertools
import os
from pathlib import Path

import numpy as np
import onnx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onnx_models import Builder
from tinyc.cli import main

MODELS = Path(__file__).resolve().parent.parent / "models"
AD = MODELS / "ad_autoencoder_int8.tflite"  # int8, input (1, 640)
CONV_SHAPE = (3, 8, 8)  # the small float model's input without batch


def conv_pool_model():
    b = Builder()
    x = b.input("x", [1, *CONV_SHAPE])
    y = b.node("Conv", [x, b.weight(4, 3, 3, 3), b.weight(4)], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    return b.model(b.node("MaxPool", [y], kernel_shape=[2, 2], strides=[2, 2]))


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("inputs")
    onnx.save(conv_pool_model(), d / "conv.onnx")
    rng = np.random.default_rng(0)
    np.save(d / "ad_x.npy", rng.integers(-128, 128, (2, 640)).astype(np.int8))
    np.save(d / "ad_bad.npy", np.zeros((2, 641), np.int8))
    np.save(d / "conv_x.npy", rng.standard_normal((2, *CONV_SHAPE)).astype(np.float32))
    np.save(d / "conv_bad.npy", np.zeros((2, 8, 8, 3), np.float32))
    np.save(d / "nan.npy", np.full((2, *CONV_SHAPE), np.nan, np.float32))
    big = rng.standard_normal((4, *CONV_SHAPE)).astype(np.float32)
    big[0, 0, 0, 0] = 1e30
    np.save(d / "outlier.npy", big)
    (d / "empty.npy").write_bytes(b"")
    (d / "junk.onnx").write_bytes(b"\x08\x07junk" * 10)
    (d / "folder").mkdir()
    return d


# option -> (good values, bad values); None = option absent; "{in}" the inputs folder, "{out}" the example's
GOOD_BAD = {
    "--board": ([None, "host"], ["esp32", "", "stm32vldiscovery"]),
    "--calib": ([None, "{in}/conv_x.npy", "{in}/ad_x.npy", "{in}/outlier.npy"],
                ["{in}/ad_bad.npy", "{in}/conv_bad.npy", "{in}/nan.npy", "{in}/empty.npy", "{in}/missing.npy",
                 "{in}/folder"]),
    "--observer": ([None, "minmax", "percentile"], ["mean"]),
    "--patch": ([None, "off", "auto", "0:2", "1:2x1"], ["99:2", "1:0", "x", "-1:2", "2:9"]),
    "--sram-budget": ([None, "100000000"], ["1", "64", "0", "-5", "lots"]),
    "--max-mac-overhead": ([None, "0.3", "0", "inf"], ["-1", "nan"]),
    "--precision": ([None, "int8", "mixed"], ["int3"]),
    "--flash-budget": ([None], ["100", "0"]),
}
RUN = {"--input": (["{in}/ad_x.npy", "{in}/conv_x.npy"], ["{in}/ad_bad.npy", "{in}/missing.npy", "{in}/nan.npy", None]),
       "--output": (["{out}/y.npy"], ["{out}/no/such/y.npy", "{out}", None]),
       "--stats": ([None, "{out}/s.json"], ["{out}/no/s.json", "{in}/folder"])}
PLOT = ([None, "{out}/m.png", "{out}/m.svg"], ["{out}/m.xyz", "{out}/m", "{out}/no/m.png"])
OUTDIR = (["{out}/proj"], ["{out}/no/proj", None])
PER_MODEL = {"{ad}": {"--calib": [None, "{in}/ad_x.npy"], "--precision": [None, "int8"], "--patch": [None, "off", "auto"],
                     "--input": ["{in}/ad_x.npy"]},
             "{in}/conv.onnx": {"--calib": [None, "{in}/conv_x.npy", "{in}/outlier.npy"], "--input": ["{in}/conv_x.npy"]}}
MODEL = (["{ad}", "{in}/conv.onnx"], ["{in}/junk.onnx", "{in}/missing.onnx", "{in}/folder"])


@st.composite
def argvs(draw):
    """A command whose options are mostly good, with 0 to 2 of them (or the model) bad."""
    cmd = draw(st.sampled_from(["compile", "compile", "inspect", "run"]))
    table = dict(GOOD_BAD)
    if cmd == "compile":
        table["-o"] = OUTDIR
    if cmd == "inspect":
        table["--plot"] = PLOT
    if cmd == "run":
        table.update(RUN)
        table["--board"] = ([None, "host"], ["esp32"])  # no QEMU here: the boards have their own tests
    bad = set(draw(st.lists(st.sampled_from(["model", *table]), max_size=2)))
    model = draw(st.sampled_from(MODEL[1] if "model" in bad else MODEL[0]))
    for k, good in (PER_MODEL.get(model, {})).items():  # good values that fit this model
        if k in table:
            table[k] = (good, table[k][1])
    args = [cmd, model]
    for k, (good, worse) in table.items():
        v = draw(st.sampled_from(worse if k in bad else good))
        if v is not None:
            args += [k, v]
    if draw(st.integers(0, 9)) == 0:
        args.append(draw(st.sampled_from(["--bogus", "-o", "--patch"])))  # unknown or valueless flag
    return args


COUNTER = itertools.count()


def check_argv(argv, files, tmp_path):
    out = tmp_path / f"ex{next(COUNTER)}"
    out.mkdir()
    argv = [a.format(**{"in": files, "out": out, "ad": AD}) for a in argv]
    err, std = io.StringIO(), io.StringIO()
    os.environ.pop("TINYC_DEBUG", None)
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(std):
        rc = main(argv)
    text = err.getvalue()
    if os.environ.get("TINYC_CLI_FUZZ_LOG"):
        with open(os.environ["TINYC_CLI_FUZZ_LOG"], "a") as f:
            f.write(f"{rc} {argv[0]} {text.strip().splitlines()[-1] if text.strip() else ''}\n")
    assert rc in (0, 2), (argv, text)
    assert "Traceback" not in text and "internal error" not in text, (argv, text)
    if rc == 2:
        errors = [ln for ln in text.splitlines() if ln.startswith("tinyc: error: ")]
        assert len(errors) == 1, (argv, text)
        assert sorted(p.name for p in out.iterdir()) == [], (argv, text)


FUZZ = dict(deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                     HealthCheck.too_slow])


@settings(max_examples=int(os.environ.get("TINYC_CLI_FUZZ_EXAMPLES", 20)), **FUZZ)
@given(argv=argvs())
def test_cli_exits_0_or_2_and_writes_nothing_on_2(argv, files, tmp_path):
    check_argv(argv, files, tmp_path)


@pytest.mark.slow
@settings(max_examples=300, **dict(FUZZ, derandomize=False))
@given(argv=argvs())
def test_cli_fuzz_long(argv, files, tmp_path):
    check_argv(argv, files, tmp_path)
