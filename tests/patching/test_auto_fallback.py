"""--patch auto never stops a compile on a lowering limit: if the plan it chose cannot be lowered to
the C patch loop (a case the search's checks miss), it says so on stderr and compiles layer by
layer. A forced plan (--patch S:RxC) still fails with the one-line error.

Oracle: the layer-by-layer compile of the same model (same report figures, no patch section).
"""
from __future__ import annotations

import pytest

import tinyc.backend.patch_lower as patch_lower
from tinyc.errors import TinycError
from tinyc.pipeline import Options, compile_model

MODEL = "models/digits_cnn.onnx"
CALIB = "models/digits_calib.npy"


def _refuse(*_a, **_k):
    raise TinycError("a kernel the C patch loop cannot run", "node 'x' (conv2d)")


def test_auto_falls_back_to_layer_by_layer(monkeypatch, capsys):
    lbl = compile_model(MODEL, None, Options(calib=CALIB))
    patched = compile_model(MODEL, None, Options(calib=CALIB, patch="auto"))
    assert patched.report.get("patch")  # auto engages on this model normally
    monkeypatch.setattr(patch_lower, "lower_patched", _refuse)
    got = compile_model(MODEL, None, Options(calib=CALIB, patch="auto"))
    err = capsys.readouterr().err
    assert "cannot be lowered to the C patch loop" in err and "compiling layer by layer" in err
    assert not got.report.get("patch")
    assert got.report["work_bytes"] == lbl.report["work_bytes"]
    assert got.report["arena_bytes"] == lbl.report["arena_bytes"]


def test_forced_plan_still_fails(monkeypatch):
    plan = compile_model(MODEL, None, Options(calib=CALIB, patch="auto")).report["patch"]["plan"]
    monkeypatch.setattr(patch_lower, "lower_patched", _refuse)
    with pytest.raises(TinycError, match="cannot run"):
        compile_model(MODEL, None, Options(calib=CALIB, patch=plan))
