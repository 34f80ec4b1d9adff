"""--precision mixed is never silently destructive: --max-sqnr-drop warning, --strict exit 2.

Oracle: the search's own figures (report.json's precision.int8_sqnr_db and
predicted_sqnr_db) - the warning must state both, and fire exactly when their
gap exceeds --max-sqnr-drop. KWS with a 24,000 B flash budget forces a
predicted SQNR ~19 dB below int8.
"""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tinyc.errors import TinycError
from tinyc.quant.search import Choice, check_drop

ROOT = Path(__file__).resolve().parents[2]
KWS = ROOT / "models" / "kws_dscnn_float.onnx"
TIGHT = ["--precision", "mixed", "--flash-budget", "24000", "--sram-budget", "64000"]


def _tinyc(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tinyc.cli", *map(str, args)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def calib(tmp_path_factory):
    p = tmp_path_factory.mktemp("sqnr_guard") / "calib.npy"
    np.save(p, np.random.default_rng(0).standard_normal((16, 49, 10, 1)).astype(np.float32))
    return p


def test_tight_budget_warns_with_both_figures(calib, tmp_path):
    """The warning names the predicted and the int8 SQNR (as report.json states them) and still compiles."""
    r = _tinyc("compile", KWS, "-o", tmp_path / "p", "--calib", calib, *TIGHT)
    assert r.returncode == 0, r.stderr
    p = json.loads((tmp_path / "p" / "report.json").read_text())["precision"]
    assert p["int8_sqnr_db"] - p["predicted_sqnr_db"] > 3.0
    warn = [ln for ln in r.stderr.splitlines() if ln.startswith("tinyc: warning: the budgets force")]
    assert len(warn) == 1
    assert f"{p['predicted_sqnr_db']:.1f} dB" in warn[0] and f"{p['int8_sqnr_db']:.1f} dB" in warn[0]
    assert p["sqnr_warning"] and p["max_sqnr_drop_db"] == 3.0


def test_strict_is_exit_2_and_writes_nothing(calib, tmp_path):
    """--strict: one-line error, exit 2, no output directory."""
    r = _tinyc("compile", KWS, "-o", tmp_path / "p", "--calib", calib, "--strict", *TIGHT)
    assert r.returncode == 2
    assert "--strict" in r.stderr and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "p").exists()


def test_threshold_is_the_option():
    """The gap must exceed --max-sqnr-drop: 2.9 dB passes at 3, fails at 2; negative values are rejected."""
    c = Choice({}, int8_sqnr_db=30.0, predicted_sqnr_db=27.1, measured_sqnr_db=27.0)
    assert check_drop(c, 3.0, strict=True) is None
    with pytest.raises(TinycError):
        check_drop(c, 2.0, strict=True)
    r = _tinyc("compile", KWS, "-o", "/nonexistent/x", "--precision", "mixed", "--max-sqnr-drop", "-1")
    assert r.returncode == 2 and "--max-sqnr-drop" in r.stderr
