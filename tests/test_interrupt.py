"""Ctrl-C halfway through a compile: one error line, exit status 2, and no OUTDIR or temporary left.

The signal is sent when tinyc prints its "no --calib" warning, i.e. when calibration
(the middle of the pipeline) starts, so it always lands mid-compile.
Oracle: the CLI contract in ../shared/design.md (never a traceback, never half-written output).
"""
import os
import signal
import subprocess
import sys
from pathlib import Path

MODELS = Path(__file__).resolve().parent.parent / "models"


def test_sigint_during_compile(tmp_path):
    out = tmp_path / "proj"
    p = subprocess.Popen([sys.executable, "-m", "tinyc.cli", "compile", str(MODELS / "vww_mbv1_float.onnx"),
                          "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env={k: v for k, v in os.environ.items() if k != "TINYC_DEBUG"})
    first = p.stderr.readline()
    assert first.startswith("tinyc: warning: no --calib"), first
    p.send_signal(signal.SIGINT)
    _, rest = p.communicate(timeout=120)
    assert p.returncode == 2, rest
    assert rest.strip().splitlines() == ["tinyc: error: interrupted"]
    assert not out.exists()
    assert [x.name for x in tmp_path.iterdir()] == []
