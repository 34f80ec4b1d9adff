"""End to end on the bundled MLPerf Tiny models, through `tinyc run`.

Oracles:
- int8 TFLite: LiteRT with BUILTIN_REF, byte for byte;
- QDQ ONNX: the same bytes as the TFLite original (through LiteRT);
- boards: the host build's bytes.
"""
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from oracle import litert_run
from tinyc.pipeline import Options
from tinyc.runner import run_model

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
INT8 = ["ad_autoencoder", "kws_dscnn", "vww_mbv1"]
N_SAMPLES = 20


def int8_inputs(name, n=N_SAMPLES, seed=0):
    from oracle import litert_io_details
    (inp,), _ = litert_io_details(MODELS / f"{name}_int8.tflite")
    shape = tuple(inp["shape"][1:])
    return np.random.default_rng(seed).integers(-128, 128, (n, *shape)).astype(np.int8)


def tinyc_run(model, x, tmp_path, board="host", tag="run"):
    np.save(tmp_path / f"{tag}_x.npy", x)
    guard = [] if board == "host" else ["-DTC_ARENA_GUARD=1"]  # arena guards + stack check on boards
    stats = run_model(model, tmp_path / f"{tag}_x.npy", tmp_path / f"{tag}_y.npy", None,
                      tmp_path / f"{tag}_proj", Options(board=board, extra_cflags=guard))
    return np.load(tmp_path / f"{tag}_y.npy"), stats


def litert_outputs(name, x):
    return np.stack([litert_run(MODELS / f"{name}_int8.tflite", [xi[None]])[0][0] for xi in x])


@pytest.mark.parametrize("name", INT8)
def test_tflite_int8_host_matches_litert(name, tmp_path):
    x = int8_inputs(name)
    got, _ = tinyc_run(MODELS / f"{name}_int8.tflite", x, tmp_path)
    want = litert_outputs(name, x)
    assert got.shape == want.shape
    assert int((got != want).sum()) == 0


@pytest.mark.parametrize("name", INT8)
def test_qdq_onnx_matches_tflite(name, tmp_path):
    x = int8_inputs(name, n=5, seed=1)
    got, _ = tinyc_run(MODELS / f"{name}_qdq.onnx", x, tmp_path)
    want = litert_outputs(name, x)
    assert got.dtype == np.int8
    assert int((got.reshape(want.shape) != want).sum()) == 0


@pytest.mark.qemu
@pytest.mark.parametrize("name,board", [("ad_autoencoder", "mps2-an386"), ("kws_dscnn", "mps2-an500")])
def test_tflite_int8_qemu_matches_litert(name, board, tmp_path):
    x = int8_inputs(name, n=N_SAMPLES if name == "ad_autoencoder" else 4)
    got, stats = tinyc_run(MODELS / f"{name}_int8.tflite", x, tmp_path, board=board)
    assert int((got != litert_outputs(name, x)).sum()) == 0
    assert stats["instructions"] > 0
    # sram_bytes = .data + .bss (the linker's symbols, not its heap/stack reserve) + stack high-water
    elf = next((tmp_path / "run_proj" / "build").glob("*.elf"))
    sym = {ln.split()[2]: int(ln.split()[0], 16) for ln in subprocess.run(
        ["arm-none-eabi-nm", str(elf)], capture_output=True, text=True, check=True).stdout.splitlines()
        if len(ln.split()) == 3}
    assert stats["static_ram_bytes"] == sym["__bss_end__"] - sym["__data_start"]
    assert stats["ram_reserve_bytes"] == (sym["__heap_start"] - sym["__bss_end__"]) + sym["__heap_min"] + (
        sym["__StackTop"] - sym["__StackLimit"])
    assert stats["sram_bytes"] == stats["static_ram_bytes"] + stats["stack_bytes"] and stats["stack_bytes"] > 0
    image = json.loads((tmp_path / "run_proj" / "report.json").read_text())["image"]  # compile's link check
    assert image["static_ram_bytes"] == stats["static_ram_bytes"] and image["flash_bytes"] == stats["flash_bytes"]


FLOAT = ["ad_autoencoder", "kws_dscnn", "vww_mbv1"]
BOARDS = ["netduinoplus2", "mps2-an386", "mps2-an500", "stm32f746g-disco"]
# one float model per board in the default run (VWW on boards: the slow sweep and
# tests/test_instruction_counts.py's int8 VWW on mps2-an386)
DEFAULT_PAIRS = [("ad_autoencoder", "netduinoplus2"), ("kws_dscnn", "mps2-an386"),
                 ("ad_autoencoder", "mps2-an500"), ("kws_dscnn", "stm32f746g-disco")]


def float_inputs(name, n=3, seed=2):
    if name == "ad_autoencoder":
        return np.load(MODELS / "ad_samples_float.npy")[:n]
    import onnx
    m = onnx.load(MODELS / f"{name}_float.onnx")
    shape = [d.dim_value for d in m.graph.input[0].type.tensor_type.shape.dim][1:]
    return np.random.default_rng(seed).standard_normal((n, *shape)).astype(np.float32)


def board_vs_host(name, board, tmp_path):
    x = float_inputs(name)
    model = MODELS / f"{name}_float.onnx"
    host, _ = tinyc_run(model, x, tmp_path, tag="host")
    got, stats = tinyc_run(model, x, tmp_path, board=board, tag=board)
    assert got.dtype == np.float32 and got.shape == host.shape
    assert got.tobytes() == host.tobytes()
    return stats


@pytest.mark.qemu
@pytest.mark.parametrize("name,board", DEFAULT_PAIRS)
def test_float_onnx_board_matches_host(name, board, tmp_path):
    """Every board is covered by one float model in the default run (the full sweep is slow)."""
    stats = board_vs_host(name, board, tmp_path)
    assert stats["instructions"] > 0 and stats["stack_bytes"] > 0


@pytest.mark.slow
@pytest.mark.qemu
@pytest.mark.parametrize("board", BOARDS)
@pytest.mark.parametrize("name", FLOAT)
def test_float_onnx_every_board_matches_host(name, board, tmp_path):
    board_vs_host(name, board, tmp_path)


@pytest.mark.qemu
def test_instruction_count_is_deterministic(tmp_path):
    x = int8_inputs("ad_autoencoder", n=2)
    _, a = tinyc_run(MODELS / "ad_autoencoder_int8.tflite", x, tmp_path, board="mps2-an386", tag="a")
    _, b = tinyc_run(MODELS / "ad_autoencoder_int8.tflite", x, tmp_path, board="mps2-an386", tag="b")
    assert a["instructions_per_sample"] == b["instructions_per_sample"]
    assert a["instructions"] > 100_000
