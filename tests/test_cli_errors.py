"""Bad input: every case gives one line on stderr, exit status 2, no traceback, no OUTDIR.

Oracle: the CLI contract in ../shared/design.md.
"""
import os
import subprocess
import shutil
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"


def tinyc(*args, cwd=None):
    env = {k: v for k, v in os.environ.items() if k != "TINYC_DEBUG"}
    return subprocess.run([sys.executable, "-m", "tinyc.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def assert_clean_error(p, *needles, outdir=None):
    assert p.returncode == 2, (p.returncode, p.stderr)
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert "Traceback" not in p.stderr
    assert lines[0].startswith("tinyc: error: ")
    for n in needles:
        assert n.lower() in lines[0].lower(), lines[0]
    if outdir is not None:
        assert not Path(outdir).exists()
        assert not any(Path(outdir).parent.glob(f".{Path(outdir).name}.*tmp*"))


def small_onnx(path, op="Relu", dims=(1, 4, 8, 8), w=None, extra_attrs=None, out_dims=None):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, list(dims))
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, list(out_dims or dims))
    inits = []
    inputs = ["x"]
    if w is not None:
        inits.append(onnx.numpy_helper.from_array(w, "w"))
        inputs.append("w")
    node = helper.make_node(op, inputs, ["y"], name="the_node", **(extra_attrs or {}))
    g = helper.make_graph([node], "g", [x], [y], initializer=inits)
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), path)
    return path


@pytest.fixture
def out(tmp_path):
    return tmp_path / "proj"


def test_missing_file(tmp_path, out):
    assert_clean_error(tinyc("compile", tmp_path / "nope.onnx", "-o", out), "not found", "nope.onnx", outdir=out)


def test_empty_file(tmp_path, out):
    (tmp_path / "e.onnx").write_bytes(b"")
    assert_clean_error(tinyc("compile", tmp_path / "e.onnx", "-o", out), "empty", outdir=out)


def test_directory(tmp_path, out):
    assert_clean_error(tinyc("compile", tmp_path, "-o", out), "directory", outdir=out)


@pytest.mark.parametrize("name", ["kws_dscnn_float.onnx", "kws_dscnn_int8.tflite"])
def test_truncated(tmp_path, out, name):
    data = (MODELS / name).read_bytes()
    bad = tmp_path / name
    bad.write_bytes(data[: len(data) // 3])
    assert_clean_error(tinyc("compile", bad, "-o", out), name, outdir=out)


@pytest.mark.parametrize("suffix", [".onnx", ".tflite", ".bin"])
def test_random_bytes(tmp_path, out, suffix):
    bad = tmp_path / f"junk{suffix}"
    bad.write_bytes(np.random.default_rng(0).integers(0, 256, 4096).astype(np.uint8).tobytes())
    assert_clean_error(tinyc("compile", bad, "-o", out), f"junk{suffix}", outdir=out)


def test_wrong_extension(tmp_path, out):
    """A .npy passed where a model is expected."""
    np.save(tmp_path / "data.npy", np.zeros((2, 3), np.float32))
    assert_clean_error(tinyc("compile", tmp_path / "data.npy", "-o", out), "data.npy", outdir=out)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable(tmp_path, out):
    p = tmp_path / "m.onnx"
    p.write_bytes((MODELS / "kws_dscnn_float.onnx").read_bytes())
    p.chmod(0)
    assert_clean_error(tinyc("compile", p, "-o", out), "m.onnx", outdir=out)


def test_unsupported_op(tmp_path, out):
    m = small_onnx(tmp_path / "tan.onnx", op="Tan")  # Sin is supported (a table op)
    assert_clean_error(tinyc("compile", m, "-o", out), "Tan", "the_node", "tan.onnx", outdir=out)


def test_dynamic_spatial_dims(tmp_path, out):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, "height", 8])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, "height", 8])
    g = helper.make_graph([helper.make_node("Relu", ["x"], ["y"], name="r")], "g", [x], [y])
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), tmp_path / "dyn.onnx")
    assert_clean_error(tinyc("compile", tmp_path / "dyn.onnx", "-o", out), "dynamic", outdir=out)


def test_nan_weights(tmp_path, out):
    w = np.ones((4, 4, 3, 3), np.float32)
    w[0, 0, 0, 0] = np.nan
    m = small_onnx(tmp_path / "nanw.onnx", op="Conv", w=w, out_dims=(1, 4, 6, 6))
    assert_clean_error(tinyc("compile", m, "-o", out), "nan", outdir=out)


@pytest.mark.parametrize("make_calib,needle", [
    (lambda p: np.save(p, np.zeros((4, 49, 10), np.float32)), "shape"),
    (lambda p: np.save(p, np.zeros((4, 49, 10, 1, 1), np.float32)), "shape"),
    (lambda p: np.save(p, np.array([["a"] * 490] * 2).reshape(2, 49, 10, 1)), "dtype"),
    (lambda p: np.save(p, np.full((2, 49, 10, 1), np.nan, np.float32)), "nan"),
    (lambda p: np.save(p, np.zeros((0, 49, 10, 1), np.float32)), "empty"),
    (lambda p: Path(p).write_bytes(b""), "calibration"),
])
def test_bad_calibration(tmp_path, out, make_calib, needle):
    calib = tmp_path / "calib.npy"
    make_calib(calib)
    p = tinyc("compile", MODELS / "kws_dscnn_float.onnx", "-o", out, "--calib", calib)
    assert_clean_error(p, needle, "calib.npy", outdir=out)


def test_unknown_board(out):
    p = tinyc("compile", MODELS / "ad_autoencoder_int8.tflite", "-o", out, "--board", "esp32")
    assert_clean_error(p, "esp32", outdir=out)


def test_unwritable_outdir(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    p = tinyc("compile", MODELS / "ad_autoencoder_int8.tflite", "-o", blocker / "proj")
    assert_clean_error(p, "proj")


def test_model_too_big_for_board(out):
    """VWW needs far more than the 8 KB of SRAM of an STM32F100 (stm32vldiscovery)."""
    p = tinyc("compile", MODELS / "vww_mbv1_int8.tflite", "-o", out, "--board", "stm32vldiscovery")
    assert_clean_error(p, "SRAM", "stm32vldiscovery", outdir=out)


def test_bad_run_input_shape(tmp_path, out):
    np.save(tmp_path / "x.npy", np.zeros((3, 641), np.int8))
    p = tinyc("run", MODELS / "ad_autoencoder_int8.tflite", "--input", tmp_path / "x.npy",
              "--output", tmp_path / "y.npy")
    assert_clean_error(p, "shape", "x.npy")
    assert not (tmp_path / "y.npy").exists()


# ---- options checked before any work (issue 14), through tinyc.cli.main in this process ----

def cli(capsys, *args):
    from tinyc.cli import main
    rc = main([str(a) for a in args])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def one_error(err, *needles):
    lines = [ln for ln in err.strip().splitlines() if ln.startswith("tinyc: error: ")]
    assert len(lines) == 1 and "Traceback" not in err, err
    for n in needles:
        assert n.lower() in lines[0].lower(), lines[0]


AD = MODELS / "ad_autoencoder_int8.tflite"


def test_calib_on_int8_tflite_is_checked_then_ignored_with_a_warning(tmp_path, capsys):
    np.save(tmp_path / "bad.npy", np.zeros((2, 641), np.int8))
    rc, _, err = cli(capsys, "compile", AD, "-o", tmp_path / "a", "--calib", tmp_path / "bad.npy")
    assert rc == 2 and not (tmp_path / "a").exists()
    one_error(err, "shape", "bad.npy")
    np.save(tmp_path / "good.npy", np.zeros((2, 640), np.int8))
    rc, _, err = cli(capsys, "compile", AD, "-o", tmp_path / "b", "--calib", tmp_path / "good.npy")
    assert rc == 0 and "--calib" in err and "ignored" in err and "already quantized" in err


def test_sram_budget_without_patch_is_a_work_bytes_limit(tmp_path, capsys):
    from tinyc.pipeline import Options, compile_model
    work = compile_model(AD, None, Options()).report["work_bytes"]
    rc, _, err = cli(capsys, "compile", AD, "-o", tmp_path / "a", "--sram-budget", 64)
    assert rc == 2 and not (tmp_path / "a").exists()
    one_error(err, f"{work:,} bytes of work memory", "--sram-budget 64", "--patch auto")
    rc, _, _ = cli(capsys, "compile", AD, "-o", tmp_path / "b", "--sram-budget", work)
    assert rc == 0


def test_calibration_outliers_warn(tmp_path, capsys):
    m = small_onnx(tmp_path / "c.onnx", op="Conv", w=np.ones((4, 4, 3, 3), np.float32), out_dims=(1, 4, 6, 6))
    x = np.random.default_rng(0).standard_normal((4, 4, 8, 8)).astype(np.float32)
    x[0, 0, 0, 0] = 1e30
    np.save(tmp_path / "calib.npy", x)
    rc, _, err = cli(capsys, "compile", m, "-o", tmp_path / "p", "--calib", tmp_path / "calib.npy")
    assert rc == 0 and "calib.npy" in err and "one int8 level" in err and "1e+30" in err


@pytest.mark.parametrize("option,bad", [("--stats", "no/such/folder/s.json"), ("--output", "no/such/y.npy"),
                                        ("--stats", "."), ("--input", "missing.npy")])
def test_run_paths_checked_before_work(tmp_path, capsys, option, bad):
    np.save(tmp_path / "x.npy", np.zeros((1, 640), np.int8))
    args = {"--input": tmp_path / "x.npy", "--output": tmp_path / "y.npy", option: tmp_path / bad}
    rc, _, err = cli(capsys, "run", AD, "-o", tmp_path / "proj", *[a for kv in args.items() for a in kv])
    assert rc == 2
    one_error(err, option)
    assert not (tmp_path / "proj").exists() and not (tmp_path / "y.npy").exists()


@pytest.mark.parametrize("plot,needle", [("m.xyz", "unknown plot format"), ("m", "unknown plot format"),
                                         ("no/m.png", "does not exist"), (".", "directory")])
def test_bad_plot_path(tmp_path, capsys, plot, needle):
    rc, _, err = cli(capsys, "inspect", AD, "--plot", tmp_path / plot)
    assert rc == 2
    one_error(err, "--plot", needle)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_linker_rejects_what_the_quick_check_lets_through(tmp_path, capsys):
    """A 3x13x13 conv: arena + I/O + the linker script's stack/heap reserve is under the 8 KB of an
    STM32F100 (stm32vldiscovery), so only the real link (newlib's statics on top) shows it does not
    fit. Oracle: the linker's own message; no OUTDIR."""
    from tinyc.boards import get_board, ram_reserve
    from tinyc.pipeline import Options, compile_model
    m = small_onnx(tmp_path / "c.onnx", op="Conv", dims=(1, 3, 13, 13), w=np.ones((3, 3, 3, 3), np.float32),
                   out_dims=(1, 3, 11, 11))
    host = compile_model(m, None, Options()).report
    io_out = 3 * 11 * 11 * 4
    assert host["arena_bytes"] + io_out + ram_reserve(get_board("stm32vldiscovery")) < 8192
    rc, _, err = cli(capsys, "compile", m, "-o", tmp_path / "proj", "--board", "stm32vldiscovery")
    assert rc == 2 and not (tmp_path / "proj").exists()
    one_error(err, "stm32vldiscovery", "ld: ", "does not fit")


def test_build_failure_shows_the_compiler_and_keeps_the_project(tmp_path, capsys, monkeypatch):
    """`tinyc run` whose build fails (a forced bad -include): gcc's own line, and the project stays."""
    import tinyc.cli
    make_options = tinyc.cli.make_options
    monkeypatch.setattr(tinyc.cli, "make_options", lambda **kw: setattr(
        o := make_options(**kw), "extra_cflags", ["-include", str(tmp_path / "no_such_header.h")]) or o)
    np.save(tmp_path / "x.npy", np.zeros((1, 640), np.int8))
    rc, _, err = cli(capsys, "run", AD, "--input", tmp_path / "x.npy", "--output", tmp_path / "y.npy")
    assert rc == 2
    one_error(err, "no_such_header.h", "No such file", "kept")
    kept = Path(err.split("tinyc: error: ")[1].split(": ")[0])
    try:
        assert (kept / "Makefile").is_file() and (kept / "report.json").is_file()
    finally:
        shutil.rmtree(kept.parent, ignore_errors=True)
    assert not (tmp_path / "y.npy").exists()
