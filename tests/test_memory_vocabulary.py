"""One memory vocabulary: report.json, the model header, the CLI summary and `tinyc inspect`
state the same arena_bytes / work_bytes, in both modes.

Oracles: the memory checker (every plan behind a figure passed it); the header's macros
and the CLI's printed numbers must equal report.json's; the layer-by-layer work_bytes
must be a real plan, so on VWW (input 27,648 B, first conv output 18,432 B, live
together at layer 0) it is larger than arena_bytes - input_bytes (18,432).
"""
import re
from pathlib import Path

import pytest

from tinyc.cli import main
from tinyc.pipeline import Options, compile_model

MODELS = Path(__file__).resolve().parent.parent / "models"
VWW = MODELS / "vww_mbv1_int8.tflite"


@pytest.fixture(scope="module")
def vww():
    # "auto" is the plan --patch auto picks on VWW (forced here: the search has its own tests)
    return {mode: compile_model(VWW, None, Options(patch="7:3x6" if mode == "auto" else mode)) for mode in ("off", "auto")}


def macros(c) -> dict[str, int]:
    h = c.files[f"{c.program.name}.h"]
    return {k: int(v) for k, v in re.findall(r"#define \w+?_(ARENA_BYTES|WORK_BYTES|STATIC_ARENA_BYTES) (\d+)", h)}


def test_layer_by_layer_work_bytes_is_a_real_plan(vww):
    r = vww["off"].report
    assert r["arena_bytes"] == r["static_arena_bytes"] and r["input_in_arena"]
    assert r["input_bytes"] == 96 * 96 * 3
    # layer 0 reads the caller's input while writing 48x48x8: the old arena - input figure was too small
    assert r["arena_bytes"] - r["input_bytes"] < r["work_bytes"] <= r["arena_bytes"]
    assert r["work_bytes"] >= r["work_lower_bound_bytes"] >= 48 * 48 * 8 * 2
    assert max(layer["work_live_bytes"] for layer in r["layers"]) == r["work_lower_bound_bytes"]


def test_patched_figures_and_both_modes_same_convention(vww):
    r, base = vww["auto"].report, vww["off"].report
    p = r["patch"]
    assert r["work_bytes"] == r["static_arena_bytes"] == p["work_bytes"] and not r["input_in_arena"]
    assert r["work_bytes"] <= r["arena_bytes"] <= r["work_bytes"] + r["input_bytes"]
    assert p["work_bytes_layer_by_layer"] == base["work_bytes"]
    assert p["arena_bytes_layer_by_layer"] == base["arena_bytes"]
    assert p["live_bytes_layer_by_layer"] == [layer["work_live_bytes"] for layer in base["layers"]]
    assert p["live_bytes"] == [layer["work_live_bytes"] for layer in r["layers"]]


@pytest.mark.parametrize("mode", ["off", "auto"])
def test_header_equals_report(vww, mode):
    c = vww[mode]
    m = macros(c)
    assert m == {"ARENA_BYTES": c.report["arena_bytes"], "WORK_BYTES": c.report["work_bytes"],
                 "STATIC_ARENA_BYTES": c.report["static_arena_bytes"]}
    assert f"arena[{c.report['static_arena_bytes']}]" in c.files[f"{c.program.name}.c"]


def test_cli_summary_and_inspect_print_the_report_numbers(vww, capsys, tmp_path):
    out = tmp_path / "proj"
    assert main(["compile", str(VWW), "-o", str(out), "--patch", "7:3x6"]) == 0
    text = capsys.readouterr().out
    import json
    r = json.loads((out / "report.json").read_text())
    assert re.search(rf"arena\s+{r['arena_bytes']:,} B", text) and re.search(rf"work\s+{r['work_bytes']:,} B", text)
    assert f"{r['patch']['work_bytes_layer_by_layer']:,} B layer by layer" in text
    assert "lower bound" not in text.split("static")[0]  # no bound printed next to another figure
    assert main(["inspect", str(VWW)]) == 0
    text = capsys.readouterr().out
    base = vww["off"].report
    assert f"arena {base['arena_bytes']:,} B, work {base['work_bytes']:,} B" in text
    assert f"{base['work_lower_bound_bytes']:,} <- peak" in text
