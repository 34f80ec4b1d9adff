"""`make -C OUTDIR run` works on a fresh project, and `make run INPUT=x.bin` on the user's data.

Oracles: the byte layout the generated Makefile documents (checked against the model's ports),
and the numpy integer reference (tinyc.ref.run_int) for the outputs.
"""
import os
import subprocess
from pathlib import Path

import numpy as np

from tinyc.cli import main
from tinyc.pipeline import Options, compile_model
from tinyc.ref import run_int

MODELS = Path(__file__).resolve().parent.parent / "models"
AD = MODELS / "ad_autoencoder_int8.tflite"  # int8[1, 640] -> int8[1, 640]
ENV = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}


def make(out, *args):
    return subprocess.run(["make", "-s", "--no-print-directory", "-C", str(out), *args], capture_output=True,
                          text=True, env=ENV, timeout=600)


def test_make_run_on_a_fresh_project_and_with_input(tmp_path, capsys):
    out = tmp_path / "proj"
    assert main(["compile", str(AD), "-o", str(out)]) == 0
    capsys.readouterr()
    text = (out / "Makefile").read_text()
    assert "input 0 'serving_default_input_1:0': int8_t[1][640] = 640 bytes" in text or \
        ": int8_t[1][640] = 640 bytes" in text
    assert not (out / "input.bin").exists()
    p = make(out, "run")
    assert p.returncode == 0, p.stderr
    assert "all-zero sample of 640 bytes" in p.stderr
    c = compile_model(AD, None, Options())
    g = c.graph
    zero = run_int(g, {g.inputs[0]: np.zeros((1, 640), np.int8)})[g.outputs[0]]
    assert (out / "output.bin").read_bytes() == zero.tobytes()
    x = np.random.default_rng(3).integers(-128, 128, (2, 640)).astype(np.int8)
    x.tofile(tmp_path / "x.bin")
    p = make(out, "run", f"INPUT={tmp_path / 'x.bin'}")
    assert p.returncode == 0, p.stderr
    want = b"".join(run_int(g, {g.inputs[0]: xi[None]})[g.outputs[0]].tobytes() for xi in x)
    assert (out / "output.bin").read_bytes() == want
