"""The demo: compile the bundled KWS model, show its memory report, run it on the host and in QEMU.

Checks the int8 outputs against LiteRT (TFLite's reference kernels) when it is installed.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "kws_dscnn_int8.tflite"
LABELS = ["silence", "unknown", "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]


def tinyc(*args) -> None:
    print("$ tinyc " + " ".join(str(a) for a in args), flush=True)
    p = subprocess.run([sys.executable, "-m", "tinyc.cli", *map(str, args)])
    if p.returncode != 0:
        sys.exit(p.returncode)


def litert(x: np.ndarray) -> np.ndarray | None:
    try:
        from ai_edge_litert.interpreter import Interpreter, OpResolverType
    except ImportError:
        return None
    it = Interpreter(model_path=str(MODEL), experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    i, o = it.get_input_details()[0], it.get_output_details()[0]
    ys = []
    for xi in x:
        it.set_tensor(i["index"], xi[None])
        it.invoke()
        ys.append(it.get_tensor(o["index"])[0])
    return np.stack(ys)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="build/demo")
    ap.add_argument("--board", default="mps2-an386")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    x = np.random.default_rng(0).integers(-128, 128, (4, 49, 10, 1)).astype(np.int8)
    np.save(out / "x.npy", x)

    tinyc("inspect", MODEL, "--plot", out / "kws_memory.png")
    tinyc("compile", MODEL, "-o", out / "kws_host")
    tinyc("run", MODEL, "--input", out / "x.npy", "--output", out / "y_host.npy", "-o", out / "kws_host")
    tinyc("run", MODEL, "--board", args.board, "--input", out / "x.npy", "--output", out / f"y_{args.board}.npy",
          "--stats", out / "stats.json", "-o", out / f"kws_{args.board}")

    y_host = np.load(out / "y_host.npy")
    y_board = np.load(out / f"y_{args.board}.npy")
    stats = json.loads((out / "stats.json").read_text())
    print("\nKWS outputs (int8 scores, 12 classes) per sample:")
    for i, y in enumerate(y_host):
        print(f"  sample {i}: {y.tolist()}  -> '{LABELS[int(np.argmax(y))]}'")
    print(f"host == {args.board}: {np.array_equal(y_host, y_board)}")
    ref = litert(x)
    if ref is not None:
        print(f"host == LiteRT (BUILTIN_REF): {np.array_equal(y_host, ref)}")
    print(f"{args.board}: {stats['instructions']:,} instructions per inference, flash {stats['flash_bytes']:,} B, "
          f"SRAM {stats['sram_bytes']:,} B (static {stats['static_ram_bytes']:,} B + stack {stats['stack_bytes']:,} B)")
    print(f"memory plot: {out / 'kws_memory.png'}")
    if not np.array_equal(y_host, y_board) or (ref is not None and not np.array_equal(y_host, ref)):
        sys.exit(1)


if __name__ == "__main__":
    main()
