"""--precision mixed end to end on models/kws_dscnn_float.onnx.

Oracles: `tinyc run --precision mixed` (the CLI, generated C on the host) ==
tinyc.ref.run_int on the same mixed graph (built in-process by the same
deterministic search), bit for bit; report.json carries the per-layer bits and
the budgets hold; bad budgets are one-line user errors (exit 2).
"""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tinyc.pipeline import Options, load_model, quantize
from tinyc.ref import run_int

ROOT = Path(__file__).resolve().parents[2]
KWS = ROOT / "models" / "kws_dscnn_float.onnx"
FLASH, SRAM = 27000, 64000


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("mixed_e2e")
    rng = np.random.default_rng(0)
    np.save(d / "calib.npy", rng.standard_normal((16, 49, 10, 1)).astype(np.float32))
    np.save(d / "x.npy", rng.standard_normal((3, 49, 10, 1)).astype(np.float32))
    return d


def _tinyc(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tinyc.cli", *map(str, args)], capture_output=True, text=True)


def test_kws_mixed_run_matches_reference_and_report(data):
    """Host C output of `tinyc run --precision mixed` == numpy reference; all three layer kinds used;
    report.json: per-layer weight_bits / act_bits / weights_bytes / bitops, totals within budgets."""
    out = data / "proj"
    budget = ["--precision", "mixed", "--flash-budget", FLASH, "--sram-budget", SRAM, "--calib", data / "calib.npy"]
    r = _tinyc("run", KWS, "--input", data / "x.npy", "--output", data / "y.npy", "-o", out, *budget)
    assert r.returncode == 0, r.stderr
    got = np.load(data / "y.npy")
    q = quantize(load_model(KWS), Options(calib=str(data / "calib.npy"), precision="mixed",
                                          flash_budget=FLASH, sram_budget=SRAM))
    x = np.load(data / "x.npy")
    want = np.stack([run_int(q, {q.inputs[0]: xi[None]})[q.outputs[0]][0] for xi in x])
    assert got.tobytes() == want.astype(np.float32).tobytes()
    rep = json.loads((out / "report.json").read_text())
    kinds = {(la["weight_bits"], la["act_bits"]) for la in rep["layers"] if "weight_bits" in la}
    assert kinds == {(8, 8), (4, 8), (8, 16)}
    assert rep["weights_bytes"] <= FLASH and rep["arena_bytes"] <= SRAM
    assert rep["bitops"] == sum(la["macs"] * la.get("weight_bits", 0) * la["act_bits"] for la in rep["layers"])
    p = rep["precision"]
    assert p["mode"] == "mixed" and {"predicted_sqnr_db", "measured_sqnr_db", "int8_sqnr_db"} <= set(p)
    w4 = [la for la in rep["layers"] if la.get("weight_bits") == 4]
    assert all("sensitivity_sqnr_db" in la for la in w4)


@pytest.mark.parametrize("args, what", [
    (["--flash-budget", "1000"], "too small"),
    (["--sram-budget", "100"], "below the int8 arena"),
])
def test_impossible_budgets_are_user_errors(data, args, what):
    """A budget mixed precision cannot meet: exit 2, one line on stderr naming the option."""
    r = _tinyc("compile", KWS, "-o", data / "bad", "--precision", "mixed", "--calib", data / "calib.npy", *args)
    assert r.returncode == 2 and what in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not (data / "bad").exists()


@pytest.mark.slow
@pytest.mark.qemu
def test_kws_mixed_qemu_matches_reference(data):
    """The mixed kws graph built for mps2-an386 (Cortex-M4) under QEMU == numpy reference, bit for bit."""
    from harness import assert_bitexact
    q = quantize(load_model(KWS), Options(calib=str(data / "calib.npy"), precision="mixed",
                                          flash_budget=FLASH, sram_budget=SRAM))
    x = np.load(data / "x.npy")[:1]
    assert_bitexact(q, [[x]], board="mps2-an386")
