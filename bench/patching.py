"""Patch-based inference: planned work memory and MACs, layer by layer vs patch plans.

For VWW (models/vww_mbv1_int8.tflite) and MobileNetV2 1.0 at 224x224 (built
with seeded weights by tests/patching/mbv2.py) it prints the layer-by-layer
baseline, the `--patch auto` choice (MAC overhead <= 30%), and the Pareto
front of work_bytes vs MACs over the candidates. work_bytes is the planned
arena with the model input in its own buffer; arena_bytes holds it too.
Plans are scored as the generated C runs them: each patch copies its input
window into a per-patch buffer (copy_input=True). With --qemu it also builds
VWW and KWS for mps2-an386 in both modes and prints instructions per inference
(QEMU -icount) and whether the outputs are identical.

    python bench/patching.py [--quick] [--qemu]
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "patching"))
from mbv2 import build_mbv2  # noqa: E402
from tinyc.patching.plan import ModelCosts, layer_by_layer  # noqa: E402
from tinyc.patching.search import candidates, evaluate_all, pareto, search  # noqa: E402
from tinyc.pipeline import load_model  # noqa: E402


def row(kind: str, p) -> str:
    grid = "-" if p.grid is None else f"{p.grid[0]}x{p.grid[1]}"
    split = "-" if p.split is None else f"{p.split} {list(p.split_shape[1:])}"
    return (f"| {kind} | {split} | {grid} | {p.work_bytes:,} | {p.arena_bytes:,} | {p.macs:,} | "
            f"{100 * p.mac_overhead:.1f}% |")


def report(name: str, g, cands) -> None:
    t = time.time()
    costs = ModelCosts(g)
    base = layer_by_layer(costs)
    auto = search(g, cands=cands, copy_input=True)
    front = pareto(evaluate_all(costs, cands, copy_input=True))
    print(f"\n### {name} ({len(cands)} candidates, {time.time() - t:.0f} s)\n")
    print("| plan | split after node [H, W, C] | grid | work_bytes | arena_bytes (input inside) | MACs | MAC overhead |")
    print("|---|---|---|---|---|---|---|")
    print(row("layer by layer", base))
    print(row("auto (<= 30% MACs)", auto))
    for p in front:
        print(row("Pareto", p))


def qemu_table() -> None:
    """Instructions per inference on mps2-an386, layer by layer vs --patch auto (same input)."""
    import numpy as np
    from c_run import run_c
    print("\n| model | mode | plan | work_bytes | MACs | MAC overhead | instructions / inference | same output |")
    print("|---|---|---|---|---|---|---|---|")
    for model in ("vww_mbv1_int8", "kws_dscnn_int8"):
        g = load_model(ROOT / "models" / f"{model}.tflite")
        x = np.random.default_rng(0).integers(-128, 128, g.tensors[g.inputs[0]].shape).astype(np.int8)
        first = None
        for mode in ("off", "auto"):
            got, c, res = run_c(g, [x], mode, board="mps2-an386")
            r, p = c.report, c.report.get("patch")
            first = got[0].tobytes() if first is None else first
            plan = p["plan"] if p else "layer by layer"
            ovh = f"{100 * p['mac_overhead']:.1f}%" if p else "0%"
            print(f"| {model} | {mode} | {plan} | {r['work_bytes']:,} | {r['macs']:,} | {ovh} | "
                  f"{res.instructions[0]:,} | {got[0].tobytes() == first} |")


def main() -> None:
    quick = "--quick" in sys.argv
    if "--qemu" in sys.argv:
        qemu_table()
    vww = load_model(ROOT / "models" / "vww_mbv1_int8.tflite")
    report("VWW (vww_mbv1_int8.tflite), target work_bytes <= 24,530", vww,
           candidates(vww, square_only=quick))
    mb = build_mbv2()
    early = [c for c in candidates(mb, square_only=True) if mb.tensors[mb.nodes[c[0]].outputs[0]].shape[1] >= 14]
    report("MobileNetV2 1.0 224 (seeded int8), target work_bytes <= 176,128", mb,
           early[::4] if quick else early)


if __name__ == "__main__":
    main()
