"""The Python API: tinyc.compile(...) -> .report, .files, .predict(x), as hls4ml's compile()/predict().

Oracles: LiteRT (BUILTIN_REF) for the int8 AD autoencoder on the host, byte for byte; the CLI's
own report.json for .report; the numpy integer reference for a board run in QEMU.
"""
import json
from pathlib import Path

import numpy as np
import pytest

import tinyc
from oracle import litert_run
from tinyc.errors import TinycError
from tinyc.ref import run_int

MODELS = Path(__file__).resolve().parent.parent / "models"
AD = MODELS / "ad_autoencoder_int8.tflite"


def test_compile_predict_host_equals_litert(tmp_path):
    m = tinyc.compile(AD)
    assert m.report["work_bytes"] > 0 and any(f.endswith(".c") for f in m.files) and "Makefile" in m.files
    x = np.random.default_rng(7).integers(-128, 128, (3, 640)).astype(np.int8)
    y = m.predict(x)
    want = np.stack([litert_run(AD, [xi[None]])[0][0] for xi in x])
    assert y.shape == want.shape and y.tobytes() == want.tobytes()
    assert m.predict(x[0]).shape == (1, 640)  # one sample without the batch axis
    with pytest.raises(TinycError, match="shape"):
        m.predict(np.zeros((2, 641), np.int8))
    with pytest.raises(TypeError, match="bogus"):
        tinyc.compile(AD, bogus=1)
    out = tmp_path / "proj"
    m2 = tinyc.compile(AD, out, patch="off")
    assert json.loads((out / "report.json").read_text())["work_bytes"] == m2.report["work_bytes"]
    owned = m.outdir
    del m
    import gc
    gc.collect()
    assert not owned.exists()  # a temporary project goes with its object


@pytest.mark.slow  # board runs of this model are in the default run (tests/test_models.py)
@pytest.mark.qemu
def test_predict_on_a_board(tmp_path):
    m = tinyc.compile(AD, board="mps2-an386")
    x = np.random.default_rng(8).integers(-128, 128, (2, 640)).astype(np.int8)
    y = m.predict(x)
    g = m.graph
    want = np.stack([run_int(g, {g.inputs[0]: xi[None]})[g.outputs[0]][0] for xi in x])
    assert y.tobytes() == want.tobytes()
    assert m.last_run["instructions"] > 0 and m.last_run["sram_bytes"] > m.last_run["stack_bytes"] > 0
