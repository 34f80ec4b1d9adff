"""Progress display: drawn on a terminal for calibration and the searches, silent with --quiet
and whenever stderr is not a terminal (pipes, CI, this test run).

Oracle: what rich writes to a forced-terminal console standing in for stderr.
"""
import io
from pathlib import Path

import numpy as np
from rich.console import Console

import tinyc.progress as progress
from tinyc.cli import main

MODELS = Path(__file__).resolve().parent.parent / "models"


def test_progress_only_on_a_terminal_and_not_with_quiet(monkeypatch, tmp_path, capsys):
    assert progress._console() is None  # pytest's stderr is not a terminal: silent
    buf = io.StringIO()
    monkeypatch.setattr(progress, "_terminal", lambda: Console(file=buf, force_terminal=True, width=120))
    calib = tmp_path / "c.npy"
    np.save(calib, np.load(MODELS / "mnist_calib.npy")[:8])
    args = ["inspect", str(MODELS / "mnist_cnn.onnx"), "--calib", str(calib), "--patch", "auto"]
    assert main(args) == 0
    shown = buf.getvalue()
    assert "calibrating on 8 samples" in shown and "patch plan (auto)" in shown
    capsys.readouterr()
    buf.truncate(0)
    buf.seek(0)
    assert main(["inspect", str(MODELS / "mnist_cnn.onnx"), "--calib", str(calib), "-q"]) == 0
    assert buf.getvalue() == ""
    assert main(args) == 0 and "calibrating" in buf.getvalue()  # -q lasts for its own command only


def test_tables_not_cut_when_piped(capsys):
    """stdout captured (not a terminal): rows keep their full width, nothing is elided."""
    assert main(["inspect", str(MODELS / "kws_dscnn_int8.tflite")]) == 0
    out = capsys.readouterr().out
    assert "…" not in out and max(len(line) for line in out.splitlines()) > 80
    assert main(["boards"]) == 0
    out = capsys.readouterr().out
    assert "…" not in out and "stm32f746g-disco" in out and "qemu mps2-an500 (twin; make flash)" in out
