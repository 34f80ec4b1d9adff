"""-o safety: tinyc writes only a new/empty directory or its own previous project, and never
deletes a file it did not write. Oracle: the file system before and after (every user
file's bytes are unchanged)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tinyc.cli import main
from tinyc.outdir import MARKER

MODELS = Path(__file__).resolve().parents[1] / "models"
MODEL = MODELS / "ad_autoencoder_int8.tflite"


def snapshot(d: Path) -> dict[str, bytes]:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def compile_to(out, *extra) -> int:
    return main(["compile", str(MODEL), "-o", str(out), *extra])


def test_dot_in_a_users_directory_is_refused(tmp_path, monkeypatch, capsys):
    (tmp_path / "notes.txt").write_text("my notes")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.c").write_text("int main(void){return 0;}")
    before = snapshot(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert compile_to(".") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not empty and was not written by tinyc" in err and "notes.txt" in err
    assert snapshot(tmp_path) == before
    assert sorted(os.listdir(tmp_path)) == ["notes.txt", "src"]  # no staging dir left


def test_the_models_own_folder_is_refused(tmp_path, capsys):
    d = tmp_path / "m"
    d.mkdir()
    model = d / "ad.tflite"
    model.write_bytes(MODEL.read_bytes())
    (d / "notes.md").write_text("x")
    before = snapshot(d)
    assert main(["compile", str(model), "-o", str(d)]) == 2
    assert snapshot(d) == before
    assert sorted(os.listdir(tmp_path)) == ["m"]


def test_an_existing_file_is_refused(tmp_path, capsys):
    f = tmp_path / "out"
    f.write_text("data")
    assert compile_to(f) == 2
    assert "not a directory" in capsys.readouterr().err
    assert f.read_text() == "data"


def test_run_refuses_too(tmp_path, capsys):
    import numpy as np
    (tmp_path / "keep.txt").write_text("k")
    x = tmp_path / "x.npy"
    np.save(x, np.zeros((1, 640), np.int8))
    before = snapshot(tmp_path)
    assert main(["run", str(MODEL), "--input", str(x), "--output", str(tmp_path / "y.npy"), "-o", str(tmp_path)]) == 2
    assert snapshot(tmp_path) == before


def test_new_empty_and_own_project_are_written(tmp_path, monkeypatch):
    out = tmp_path / "a" / "b"
    assert compile_to(out) == 0
    marker = json.loads((out / MARKER).read_text())
    assert "report.json" in marker["files"] and "Makefile" in marker["files"]
    assert set(marker["files"]) == {k for k in snapshot(out) if k != MARKER}
    # build products of the project's own Makefile and a stale tinyc file are replaced
    (out / "build").mkdir()
    (out / "build" / "x.o").write_bytes(b"\0")
    (out / "input.bin").write_bytes(b"\0")
    assert compile_to(out) == 0
    assert not (out / "build").exists() and not (out / "input.bin").exists()
    # an empty current directory
    e = tmp_path / "empty"
    e.mkdir()
    monkeypatch.chdir(e)
    assert compile_to(".") == 0
    assert (e / "report.json").is_file() and Path.cwd() == e
    assert not [p for p in os.listdir(e) if p.startswith((".tinyc-tmp", ".tinyc-old"))], "staging dirs left behind"


def test_own_project_with_user_files_needs_force_and_keeps_them(tmp_path, capsys):
    out = tmp_path / "proj"
    assert compile_to(out) == 0
    (out / "notes.txt").write_text("mine")
    (out / "runtime" / "extra.h").write_text("/* mine */")
    before = snapshot(out)
    assert compile_to(out) == 2
    err = capsys.readouterr().err
    assert "--force" in err and "notes.txt" in err
    assert snapshot(out) == before
    assert compile_to(out, "--force") == 0
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "runtime" / "extra.h").read_text() == "/* mine */"
    assert (out / "report.json").is_file()


def test_a_forged_or_broken_marker_is_not_trusted(tmp_path):
    out = tmp_path / "proj"
    out.mkdir()
    (out / "data.csv").write_text("1,2")
    (out / MARKER).write_text("{not json")
    assert compile_to(out, "--force") == 2
    (out / MARKER).write_text(json.dumps({"files": ["../../etc/passwd", "data.csv"]}))
    assert compile_to(out) == 0  # data.csv is listed as tinyc's, the path escaping outdir is ignored
    assert not (out / "data.csv").exists()


def test_errors_come_before_any_work(tmp_path, capsys):
    """A refused -o is reported even when the model is also bad: nothing is loaded first."""
    (tmp_path / "keep").write_text("k")
    assert main(["compile", str(tmp_path / "missing.onnx"), "-o", str(tmp_path)]) == 2
    assert "was not written by tinyc" in capsys.readouterr().err


def test_replacing_a_built_project_whose_new_version_was_built_too(tmp_path):
    """A board compile builds in staging (the linker's fit check), so old and new projects both
    carry build/: replacing one must not trip over the other (found by running `make demo` twice)."""
    from tinyc.outdir import install_project, staging_dir
    out = tmp_path / "proj"
    for round_ in range(3):
        tmp = staging_dir(out)
        (tmp / "main.c").write_text(f"/* {round_} */")
        (tmp / "build").mkdir()
        (tmp / "build" / "main.o").write_bytes(bytes([round_]))
        install_project(tmp, out)
        (out / "build" / "qemu.log").write_text("run output")  # make run adds to build/
        (out / "input.bin").write_bytes(b"\0")
    assert (out / "main.c").read_text() == "/* 2 */" and (out / "build" / "main.o").read_bytes() == b"\2"
    assert sorted(os.listdir(out)) == [MARKER, "build", "input.bin", "main.c"]
    assert json.loads((out / MARKER).read_text())["files"] == ["main.c"]


def test_a_failed_replacement_puts_the_old_project_back(tmp_path, monkeypatch):
    import tinyc.outdir as od
    out = tmp_path / "proj"
    tmp = od.staging_dir(out)
    (tmp / "a.c").write_text("old")
    (tmp / "sub").mkdir()
    (tmp / "sub" / "b.h").write_text("old")
    od.install_project(tmp, out)
    before = snapshot(out)
    tmp = od.staging_dir(out)
    (tmp / "a.c").write_text("new")
    (tmp / "z.c").write_text("new")
    real, calls = od._move_in, []

    def failing(src_root, dst_root, rel):
        calls.append(rel)
        if rel == "z.c":
            raise OSError(28, "No space left on device")
        return real(src_root, dst_root, rel)
    monkeypatch.setattr(od, "_move_in", failing)
    with pytest.raises(OSError):
        od.install_project(tmp, out)
    assert snapshot(out) == before
    assert not [p for p in os.listdir(out) if p.startswith((".tinyc-tmp", ".tinyc-old"))]
