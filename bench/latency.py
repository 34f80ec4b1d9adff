"""Instructions per inference in QEMU (-icount shift=0 + SysTick), flash, RAM and stack,
for every int8 .tflite in models/, compared with TFLite Micro's figures.

The TFLM columns are the figures measured by the issue author with TFLM in the
same QEMU set-up (arm-none-eabi-gcc 12.2, -O2, hard float), counting only the
invoke call; they are constants here, not re-measured.

Each model is built twice per board: with the board's DSP kernels (TC_DSP=1 on
Cortex-M4/M7) and with the portable C kernels only (extra CFLAGS -UTC_DSP). Both
are reported, with whether their outputs are the same bytes.

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


PORTABLE_CFLAGS = ["-UTC_DSP"]  # the board's DSP_FLAGS define TC_DSP=1; this undoes it


def run_one(model: Path, board: str, samples: int, tmp: Path, extra_cflags=()) -> tuple[dict, bytes]:
    """Stats of one build + run, and the output bytes."""
    from tinyc.pipeline import load_model
    g = load_model(model)  # only the interface is needed here; run_model compiles
    shape = g.tensors[g.inputs[0]].shape
    x = np.random.default_rng(0).integers(-128, 128, (samples, *shape[1:])).astype(np.int8)
    np.save(tmp / "x.npy", x)
    tag = "port" if extra_cflags else "dsp"
    y = tmp / f"{model.stem}_{board}_{tag}.npy"
    s = run_model(model, tmp / "x.npy", y, None, tmp / f"{model.stem}_{board}_{tag}",
                  Options(board=board, extra_cflags=list(extra_cflags)))
    return s, np.load(y).tobytes()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--boards", nargs="*", default=["mps2-an386", "mps2-an500"])
    ap.add_argument("--samples", type=int, default=2)
    args = ap.parse_args()
    print("| model | board | instructions / inference (DSP) | instructions / MAC | portable C | "
          "TFLM+CMSIS-NN | DSP / TFLM+CMSIS | TFLM reference (M4) | portable / TFLM reference | "
          "DSP == portable bytes | flash B (DSP) | flash B (portable) | DSP / portable flash | static RAM B | stack B |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for model in sorted((ROOT / "models").glob("*.tflite")):
            for board in args.boards:
                s, y_dsp = run_one(model, board, args.samples, Path(tmp))
                p, y_port = run_one(model, board, args.samples, Path(tmp), PORTABLE_CFLAGS)
                ins, port = s["instructions"], p["instructions"]
                peer = TFLM_CMSIS.get((model.stem, board))
                ratio = f"{ins / peer:.2f}x" if peer else "n/a"
                ref = TFLM_REF_M4.get(model.stem) if board == "mps2-an386" else None
                print(f"| {model.stem} | {board} | {ins:,} | {ins / s['macs']:.2f} | {port:,} | "
                      f"{f'{peer:,}' if peer else '-'} | {ratio} | {f'{ref:,}' if ref else '-'} | "
                      f"{f'{port / ref:.2f}x' if ref else '-'} | {'yes' if y_dsp == y_port else 'NO'} | "
                      f"{s['flash_bytes']:,} | {p['flash_bytes']:,} | {s['flash_bytes'] / p['flash_bytes']:.2f}x | "
                      f"{s['static_ram_bytes']:,} | {s['stack_bytes']:,} |", flush=True)


if __name__ == "__main__":
    main()
