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


def test_run_summary_says_where_outputs_went_and_board_figures(tmp_path, capsys):
    """`tinyc run` on the host prints the output path and the memory figures of report.json;
    on a board (stats of a QEMU run, as runner.run_model returns them) also instructions and SRAM."""
    import json
    from tinyc.inspect_view import print_run
    x = tmp_path / "x.npy"
    np.save(x, np.zeros((2, 640), np.int8))
    args = ["run", str(MODELS / "ad_autoencoder_int8.tflite"), "--input", str(x), "--output", str(tmp_path / "y.npy")]
    assert main(args + ["-o", str(tmp_path / "p"), "--stats", str(tmp_path / "s.json")]) == 0
    out = capsys.readouterr().out
    stats = json.loads((tmp_path / "s.json").read_text())
    assert f"2 sample(s) on host -> {tmp_path / 'y.npy'}" in out and f"project {tmp_path / 'p'}" in out
    assert f"arena {stats['arena_bytes']:,} B · work {stats['work_bytes']:,} B" in out
    board = dict(stats, board="mps2-an386", instructions=507_720, instructions_per_sample=[507_720, 507_720],
                 static_ram_bytes=1_760, stack_bytes=708, sram_bytes=2_468, ram_reserve_bytes=24_576, flash_bytes=303_864)
    print_run(board, "y.npy", None, None)
    out = capsys.readouterr().out
    assert "instructions per inference 507,720" in out and "SRAM    2,468 B = static 1,760 B" in out
    assert "stack high-water 708 B" in out and "flash   303,864 B" in out and "temporary, removed" in out
