"""Patch-based inference: planned work memory and MACs, layer by layer vs patch plans.

For VWW (models/vww_mbv1_int8.tflite) and MobileNetV2 1.0 at 224x224 (built
with seeded weights by tests/patching/mbv2.py) it prints the layer-by-layer
baseline, the `--patch auto` choice (MAC overhead <= 30%), and the Pareto
front of work_bytes vs MACs over the candidates. work_bytes is the planned
arena with the model input in its own buffer; arena_bytes holds it too.
Plans are scored as the generated C runs them: each patch copies its input
window into a per-patch buffer (copy_input=True). With --qemu it also builds
VWW for mps2-an386 layer by layer, with the 7:3x6 grid and with `--patch auto`
(the streamed 7:24s plan), and prints instructions per inference (QEMU -icount),
stack high-water, .data + .bss, work_bytes and whether the outputs are identical.

    python bench/patching.py [--quick] [--qemu | --qemu-only]
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


def qemu_table(models=("vww_mbv1_int8",), modes=("off", "7:3x6", "auto"), board="mps2-an386") -> None:
    """On the device (QEMU, -icount): instructions per inference, painted stack high-water,
    .data + .bss and work_bytes, layer by layer vs patch plans (same input, outputs compared).
    work_bytes of layer by layer is its real plan with the model input in the caller's buffer
    (report.json patch.work_bytes_layer_by_layer_input_outside of a patched compile)."""
    import json
    import tempfile

    import numpy as np
    from tinyc.pipeline import Options
    from tinyc.runner import run_model
    print(f"\n| model | mode | plan | work_bytes | stack B | .data+.bss B | work + stack | instructions | "
          f"vs layer by layer | same output |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for model in models:
        path = ROOT / "models" / f"{model}.tflite"
        g = load_model(path)
        x = np.random.default_rng(0).integers(-128, 128, (1, *g.tensors[g.inputs[0]].shape[1:])).astype(np.int8)
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            np.save(tmp / "x.npy", x)
            rows = {}
            for mode in modes:
                s = run_model(path, tmp / "x.npy", tmp / f"{mode}.npy", None, tmp / mode.replace(":", "_"),
                              Options(board=board, patch=mode))
                rep = json.loads((tmp / mode.replace(":", "_") / "report.json").read_text())
                rows[mode] = (s, rep, np.load(tmp / f"{mode}.npy").tobytes())
            lbl_work = next((r["patch"]["work_bytes_layer_by_layer_input_outside"] for _, r, _ in rows.values()
                             if r.get("patch")), None)
            s0, _, y0 = rows["off"]
            for mode, (s, rep, y) in rows.items():
                p = rep.get("patch")
                work = rep["work_bytes"] if p else lbl_work
                print(f"| {model} | {mode} | {p['plan'] if p else 'layer by layer'} | {work:,} | {s['stack_bytes']:,} | "
                      f"{s['static_ram_bytes']:,} | {work + s['stack_bytes']:,} | {s['instructions']:,} | "
                      f"{s['instructions'] / s0['instructions']:.2f}x | {y == y0} |", flush=True)


def main() -> None:
    quick = "--quick" in sys.argv
    if "--qemu" in sys.argv or "--qemu-only" in sys.argv:
        qemu_table()
        if "--qemu-only" in sys.argv:
            return
    vww = load_model(ROOT / "models" / "vww_mbv1_int8.tflite")
    report("VWW (vww_mbv1_int8.tflite), target work_bytes <= 24,530", vww,
           candidates(vww, square_only=quick))
    mb = build_mbv2()
    early = [c for c in candidates(mb, square_only=True) if mb.tensors[mb.nodes[c[0]].outputs[0]].shape[1] >= 14]
    report("MobileNetV2 1.0 224 (seeded int8), target work_bytes <= 176,128", mb,
           early[::4] if quick else early)


if __name__ == "__main__":
    main()
