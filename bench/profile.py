"""Where the time goes: `tinyc run --profile` on every int8 model in models/, per op type and top layers.

    python bench/profile.py [--board mps2-an386] [--top 5]

Instructions are from QEMU (-icount shift=0 + SysTick marks after every kernel call,
docs/profiling.md), first of one seeded random int8 input.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tinyc.pipeline import Options, load_model  # noqa: E402
from tinyc.runner import run_model  # noqa: E402


def profile_of(model: Path, board: str, tmp: Path, **opts) -> dict:
    g = load_model(model)
    shape = g.tensors[g.inputs[0]].shape
    np.save(tmp / "x.npy", np.random.default_rng(0).integers(-128, 128, (1, *shape[1:])).astype(np.int8))
    s = run_model(model, tmp / "x.npy", tmp / "y.npy", None, tmp / f"{model.stem}_{board}",
                  Options(board=board, profile=True, **opts))
    return s["profile"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--board", default="mps2-an386")
    ap.add_argument("--top", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for model in sorted((ROOT / "models").glob("*.tflite")):
            prof = profile_of(model, args.board, Path(tmp))
            total = prof["sum_instructions"]
            by_op: dict = defaultdict(lambda: [0, 0, 0])
            for r in prof["layers"]:
                e = by_op[r["op"]]
                e[0] += r["instructions"]
                e[1] += r.get("macs", 0)
                e[2] += 1
            print(f"\n#### {model.stem} on {args.board}: {total:,} instructions "
                  f"(whole invoke {prof['invoke_instructions']:,})\n")
            print("| op | layers | instructions | share | instr / MAC |")
            print("|---|---|---|---|---|")
            for op, (ins, macs, n) in sorted(by_op.items(), key=lambda kv: -kv[1][0]):
                print(f"| {op} | {n} | {ins:,} | {100 * ins / total:.1f}% | "
                      f"{f'{ins / macs:.2f}' if macs else '-'} |")
            print(f"\nTop {args.top} layers:\n")
            print("| layer | op | instructions | share | MACs | instr / MAC |")
            print("|---|---|---|---|---|---|")
            for r in sorted(prof["layers"], key=lambda r: -r["instructions"])[:args.top]:
                print(f"| {r['name'][-40:]} | {r['op']} | {r['instructions']:,} | "
                      f"{100 * r['instructions'] / total:.1f}% | {r.get('macs', 0):,} | "
                      f"{r.get('instructions_per_mac', '-')} |", flush=True)


if __name__ == "__main__":
    main()
