"""Instructions per inference in QEMU (-icount shift=0 + SysTick), flash, RAM and stack,
for every int8 .tflite in models/, compared with TFLite Micro's figures.

The TFLM columns are the figures measured by the issue author with TFLM in the
same QEMU set-up (arm-none-eabi-gcc 12.2, -O2, hard float), counting only the
invoke call; they are constants here, not re-measured.

    python bench/latency.py [--boards mps2-an386 mps2-an500] [--samples 2]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tinyc.pipeline import Options  # noqa: E402
from tinyc.runner import run_model  # noqa: E402

TFLM_CMSIS = {  # guest instructions per inference, TFLM + CMSIS-NN
    ("kws_dscnn_int8", "mps2-an386"): 7_697_760, ("kws_dscnn_int8", "mps2-an500"): 7_643_560,
    ("vww_mbv1_int8", "mps2-an386"): 24_102_760, ("vww_mbv1_int8", "mps2-an500"): 24_026_360,
    ("ad_autoencoder_int8", "mps2-an386"): 583_280, ("ad_autoencoder_int8", "mps2-an500"): 583_560,
}
TFLM_REF_M4 = {"kws_dscnn_int8": 43_028_040, "vww_mbv1_int8": 100_192_440, "ad_autoencoder_int8": 1_952_640}


def run_one(model: Path, board: str, samples: int, tmp: Path) -> dict:
    from tinyc.pipeline import load_model
    g = load_model(model)  # only the interface is needed here; run_model compiles
    shape = g.tensors[g.inputs[0]].shape
    x = np.random.default_rng(0).integers(-128, 128, (samples, *shape[1:])).astype(np.int8)
    np.save(tmp / "x.npy", x)
    return run_model(model, tmp / "x.npy", tmp / "y.npy", None, tmp / f"{model.stem}_{board}", Options(board=board))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--boards", nargs="*", default=["mps2-an386", "mps2-an500"])
    ap.add_argument("--samples", type=int, default=2)
    args = ap.parse_args()
    print("| model | board | instructions / inference | instructions / MAC | TFLM+CMSIS-NN | tinyc / TFLM+CMSIS | "
          "TFLM reference (M4) | flash B | static RAM B | stack B |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for model in sorted((ROOT / "models").glob("*.tflite")):
            for board in args.boards:
                s = run_one(model, board, args.samples, Path(tmp))
                ins = s["instructions"]
                peer = TFLM_CMSIS.get((model.stem, board))
                ratio = f"{ins / peer:.2f}x" if peer else "n/a"
                ref = TFLM_REF_M4.get(model.stem) if board == "mps2-an386" else None
                print(f"| {model.stem} | {board} | {ins:,} | {ins / s['macs']:.2f} | "
                      f"{peer:,} | {ratio} | {f'{ref:,}' if ref else '-'} | {s['flash_bytes']:,} | "
                      f"{s['ram_bytes']:,} | {s['stack_bytes']:,} |")


if __name__ == "__main__":
    main()
