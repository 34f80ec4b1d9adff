"""Compiling the same model twice gives byte-identical output directories.

Oracle: the first compile's own output. Every bundled model (*.tflite and
*.onnx in models/) is compiled twice by `tinyc compile` in two separate
processes with different PYTHONHASHSEEDs (so set / hash order cannot leak
into the output), with the same fixed --calib file for float models. Every
file of the two OUTDIRs is compared byte for byte, and the file lists must
be equal. A model that does not compile yet (exit status 2, a TinycError)
is skipped with the compiler's message.
"""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
CANDIDATES = sorted(p.name for p in MODELS.iterdir() if p.suffix in (".tflite", ".onnx"))
# The default run covers each frontend path (int8 TFLite, float ONNX with calibration, QDQ ONNX);
# the other models run with `make test-slow` (tests/test_deterministic.py checks the searches under load).
DEFAULT = {"vww_mbv1_int8.tflite", "kws_dscnn_float.onnx", "ad_autoencoder_qdq.onnx"}
CALIB_SAMPLES = 4


def onnx_input_shape(path: Path) -> tuple[int, ...]:
    """The first non-initializer graph input's shape without its batch dim."""
    g = onnx.load(str(path), load_external_data=False).graph
    consts = {t.name for t in g.initializer}
    inp = next(i for i in g.input if i.name not in consts)
    return tuple(d.dim_value for d in inp.type.tensor_type.shape.dim[1:])


def calib_file(model: Path, tmp_path: Path) -> Path | None:
    """A fixed calibration set for float ONNX models: the bundled AD samples, else seeded N(0, 1)."""
    if model.suffix != ".onnx":
        return None
    shape = onnx_input_shape(model)
    bundled = MODELS / "ad_samples_float.npy"
    x = np.load(bundled)[:CALIB_SAMPLES] if bundled.exists() and np.load(bundled).shape[1:] == shape \
        else np.random.default_rng(1234).standard_normal((CALIB_SAMPLES, *shape)).astype(np.float32)
    path = tmp_path / "calib.npy"
    np.save(path, x)
    return path


def compile_once(model: Path, outdir: Path, calib: Path | None, hash_seed: str) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "tinyc.cli", "compile", str(model), "-o", str(outdir)]
    if calib is not None:
        args += ["--calib", str(calib)]
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    return subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", [n if n in DEFAULT else pytest.param(n, marks=pytest.mark.slow) for n in CANDIDATES])
def test_compile_twice_is_byte_identical(name, tmp_path):
    """Same model, same --calib, two processes: identical file lists and identical bytes in every file."""
    model = MODELS / name
    calib = calib_file(model, tmp_path)
    first = compile_once(model, tmp_path / "a", calib, "1")
    if first.returncode == 2:
        pytest.skip(f"{name} does not compile yet: {first.stderr.strip()}")
    assert first.returncode == 0, first.stderr
    second = compile_once(model, tmp_path / "b", calib, "2")
    assert second.returncode == 0, second.stderr
    a, b = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert sorted(a) == sorted(b)
    assert len(a) > 5  # model.c/.h, main.c, Makefile, report.json, runtime, board
    differ = [rel for rel in a if a[rel] != b[rel]]
    assert not differ, f"files differ between two compiles: {differ}"
