"""The test ViTs: parameters, tinyc arena vs TFLM head, instructions on mps2-an500, flash, bit-exactness.

    python bench/vit.py [--no-qemu]

- arena: tinyc's `arena_bytes` (model input included, token tiling on) and with
  `--token-tiling off`; TFLM head measured live (tflite-micro's print_allocations,
  bench/memory.py) on the same .tflite (TFLM has no GELU kernel: n/a for the
  builtin-GELU models). TFLM's GATHER has no int16 kernel, so for 16x8 the head is
  measured on the model with its one GATHER (the class token) rewritten as the
  equivalent STRIDED_SLICE (bench/tflm_vit16.py; LiteRT gives the same bytes), marked *.
- instructions / flash: `tinyc run --board mps2-an500` (QEMU -icount, only invoke
  counted), one seeded random input; bit-exact: that output == LiteRT BUILTIN_REF.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
from memory import tflm_arena  # noqa: E402
from oracle import litert_run  # noqa: E402
from tflm_vit16 import tflm_head_sliced  # noqa: E402
from tinyc.pipeline import Options, compile_graph, load_model  # noqa: E402
from tinyc.runner import run_model  # noqa: E402

VIT = ROOT / "tests" / "vit"
MODELS = ["vit_gelu_int8", "vit_tanh_int8", "vit_gelu_16x8", "vit_tanh_16x8"]


def params(g) -> int:
    return sum(t.size for t in g.tensors.values() if t.is_const and t.size > 1)


def row(name: str, qemu: bool, tmp: Path) -> tuple:
    path = VIT / f"{name}.tflite"
    g = load_model(path)
    tiled = compile_graph(g, Options()).report["arena_bytes"]
    plain = compile_graph(g, Options(token_tiling="off")).report["arena_bytes"]
    head, _ = tflm_arena(path)
    if head is None and "16x8" in name:
        head = tflm_head_sliced(path)
        head = None if head is None else f"{head:,}*"
    instr = flash = exact = None
    if qemu:
        dt = np.int16 if "16x8" in name else np.int8
        x = np.random.default_rng(0).integers(-128, 128, (1, 32, 32, 3)).astype(dt) * (200 if dt == np.int16 else 1)
        np.save(tmp / "x.npy", x)
        stats = run_model(path, tmp / "x.npy", tmp / "y.npy", tmp / "s.json", tmp / name, Options(board="mps2-an500"))
        instr, flash = stats["instructions"], stats["flash_bytes"]
        exact = bool(np.array_equal(np.load(tmp / "y.npy"), litert_run(path, [x])[0]))
    return name, params(g), tiled, plain, head, instr, flash, exact


def fmt(v) -> str:
    return "n/a" if v is None else (f"{v:,}" if isinstance(v, int) else str(v))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-qemu", action="store_true")
    ap.add_argument("--models", nargs="*", default=MODELS, choices=MODELS)
    args = ap.parse_args()
    qemu = not args.no_qemu
    print("| variant | parameters | tinyc arena B | tinyc arena, no token tiling | TFLM head B | arena / head "
          "| instructions (mps2-an500) | flash B | bit-exact vs LiteRT |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as d:
        for name in args.models:
            n, p, t, pl, h, i, f, e = row(name, qemu, Path(d))
            ratio = "n/a" if h is None else f"{t / int(str(h).rstrip('*').replace(',', '')):.2f}"
            ex = "n/a" if e is None else ("yes" if e else "no")
            print(f"| {n} | {fmt(p)} | {fmt(t)} | {fmt(pl)} | {fmt(h)} | {ratio} | {fmt(i)} | {fmt(f)} | {ex} |",
                  flush=True)


if __name__ == "__main__":
    main()
