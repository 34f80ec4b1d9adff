"""Per-layer profile (`tinyc run --profile`): SysTick marks around every kernel call.

Oracles:
- the whole-inference count of the normal (non-profiling) build of the same model on
  QEMU mps2-an386: the per-layer figures must sum to within 1% of it;
- the model's own layer list (report.json): one profile row per call, in order;
- the numpy reference (tinyc.ref.run_int): a profiling build computes the same bytes;
- the patch loop's stage nodes: one row each, summed over the tiles.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "patching"))
from nets import NONE, RELU6, Builder  # noqa: E402
from tinyc.backend.build import run_project  # noqa: E402
from tinyc.backend.emit import write_project  # noqa: E402
from tinyc.backend.profile import parse_profile, read_profile  # noqa: E402
from tinyc.cli import main  # noqa: E402
from tinyc.pipeline import Options, compile_graph  # noqa: E402
from tinyc.ref import run_int  # noqa: E402

MODELS = Path(__file__).resolve().parent.parent / "models"
AD = MODELS / "ad_autoencoder_int8.tflite"
BOARD = "mps2-an386"


@pytest.mark.qemu
def test_profile_sums_to_whole_inference(tmp_path):
    """AD on mps2-an386: the layers' instructions sum to within 1% of the normal build's count."""
    x = np.random.default_rng(0).integers(-128, 128, (1, 640)).astype(np.int8)
    np.save(tmp_path / "x.npy", x)
    rc = main(["run", str(AD), "--input", str(tmp_path / "x.npy"), "--output", str(tmp_path / "y0.npy"),
               "--board", BOARD, "--stats", str(tmp_path / "plain.json"), "-o", str(tmp_path / "plain")])
    assert rc == 0
    rc = main(["run", str(AD), "--input", str(tmp_path / "x.npy"), "--output", str(tmp_path / "y1.npy"),
               "--board", BOARD, "--profile", "--stats", str(tmp_path / "prof.json"),
               "-o", str(tmp_path / "prof")])
    assert rc == 0
    plain = json.loads((tmp_path / "plain.json").read_text())
    prof = json.loads((tmp_path / "prof.json").read_text())["profile"]
    assert np.load(tmp_path / "y0.npy").tobytes() == np.load(tmp_path / "y1.npy").tobytes()
    report = json.loads((tmp_path / "prof" / "report.json").read_text())
    layers = [r for r in prof["layers"] if r["kind"] == "layer"]
    assert [r["name"] for r in layers] == [lay["name"] for lay in report["layers"]]
    assert all(r["instructions"] > 0 and r["op"] == "fully_connected" for r in layers)
    assert prof["sum_instructions"] == sum(r["instructions"] for r in prof["layers"])
    whole = plain["instructions"]
    print(f"AD: profile sum {prof['sum_instructions']:,} vs whole inference {whole:,} "
          f"({prof['sum_instructions'] / whole - 1:+.3%})")
    assert abs(prof["sum_instructions"] - whole) <= 0.01 * whole
    # `tinyc inspect --stats` shows it; a stats file without a profile is a one-line error
    assert main(["inspect", str(AD), "--stats", str(tmp_path / "prof.json")]) == 0
    assert main(["inspect", str(AD), "--stats", str(tmp_path / "plain.json")]) == 2


def _patch_net():
    b = Builder("profnet", 16, 16, 3, seed=4)
    x = b.conv("input", 8, s=(2, 2), pads=(1, 1, 1, 1))
    y = b.dw(x)
    y = b.conv(y, 8, k=(1, 1))
    y = b.add(x, y, act=NONE)
    y = b.conv(y, 16, s=(2, 2), pads=(1, 1, 1, 1), act=RELU6)
    return b.finish(b.head(y, 4))


@pytest.mark.qemu
def test_profile_patch_loop(tmp_path):
    """A patch-based build: one row per stage node (summed over tiles), the copies in a row of their own;
    the rows add up to the profiling build's own invoke count; outputs equal the numpy reference."""
    g = _patch_net()
    c = compile_graph(g, Options(board=BOARD, patch="3:2x2", profile=True))
    write_project(tmp_path / "p", c.files, BOARD, c.report)
    rng = np.random.default_rng(1)
    xs = [rng.integers(-128, 128, g.tensors["input"].shape).astype(np.int8) for _ in range(2)]
    res = run_project(tmp_path / "p", [[x] for x in xs], ["int8"], [g.tensors[g.outputs[0]].shape], ["int8"])
    for x, out in zip(xs, res.outputs):
        assert out[0].tobytes() == run_int(g, {"input": x})[g.outputs[0]].tobytes()
    prof = read_profile(c.report["profile_slots"], parse_profile(res.stdout), res.instructions)
    kinds = [r["kind"] for r in prof["layers"]]
    stage = [r for r in prof["layers"] if r["kind"] == "patch_node"]
    assert [r["name"] for r in stage] == [n.name for n in g.nodes[:4]]
    assert all(r["tiles"] == 4 and r["instructions"] > 0 and r["macs"] > 0 for r in stage)
    assert kinds.count("patch_copies") == 1 and kinds.count("layer") == len(g.nodes) - 4
    whole = res.instructions[0]
    assert abs(prof["sum_instructions"] - whole) <= 0.01 * whole


def test_profile_needs_a_board(tmp_path):
    """The host has no counter: --profile there is a one-line error, exit 2."""
    np.save(tmp_path / "x.npy", np.zeros((1, 640), np.int8))
    assert main(["run", str(AD), "--input", str(tmp_path / "x.npy"), "--output", str(tmp_path / "y.npy"),
                 "--profile"]) == 2
