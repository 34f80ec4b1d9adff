"""`--patch auto` on every image CNN: the README table "Engagement on real and PyTorch-exported CNNs".

For each model (default: the 18 CNNs of tests/zoo/cnn/, the MLPerf VWW int8 and float, and the
real MobileNetV2-1.0-224 int8 when ../shared/models/tflm/ has it) it prints one markdown row:
layer-by-layer arena_bytes and work_bytes, the auto plan's work_bytes (and how many times less),
the plan, its extra MACs, and whether the numpy patch executor's output is identical byte for
byte to layer by layer (tinyc.ref.run_int, one seeded sample). The plan is also lowered
(tinyc.backend.patch_lower.lower_patched) and its checked arena must equal the plan's
work_bytes. Notes tinyc prints (a plan short of 2x, no stage) go to stderr as they come.
Calibration: 32 seeded N(0,1) samples (no --calib), as the tests do.

    python bench/patch_zoo.py [MODEL ...]      # minutes per model on a loaded machine
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tinyc.backend.patch_choice import choose_plan  # noqa: E402
from tinyc.backend.patch_lower import lower_patched  # noqa: E402
from tinyc.patching.execute import run_patched  # noqa: E402
from tinyc.patching.plan import ModelCosts, layer_by_layer  # noqa: E402
from tinyc.pipeline import Options, load_model, quantize  # noqa: E402
from tinyc.ref import run_int  # noqa: E402

MBV2 = ROOT.parent / "shared" / "models" / "tflm" / "mobilenet_v2_224_int8.tflite"
DEFAULT = sorted((ROOT / "tests" / "zoo" / "cnn").glob("*.onnx")) + \
    [ROOT / "models" / "vww_mbv1_int8.tflite", ROOT / "models" / "vww_mbv1_float.onnx"] + \
    ([MBV2] if MBV2.exists() else [])


def sample(g) -> np.ndarray:
    t = g.tensors[g.inputs[0]]
    rng = np.random.default_rng(0)
    if t.dtype == "float32":
        return rng.standard_normal(t.shape).astype(np.float32)
    return rng.integers(-128, 128, t.shape).astype(t.dtype)


def row(path: Path) -> str:
    t0 = time.time()
    g = quantize(load_model(path), Options())
    base = layer_by_layer(ModelCosts(g))
    plan = choose_plan(g, "auto", None, 0.30)
    same = "-"
    if plan.split is not None:
        pl = lower_patched(g, plan)
        assert pl.memory.arena_bytes == plan.work_bytes, (pl.memory.arena_bytes, plan.work_bytes)
        x = sample(g)
        want = run_int(g, {g.inputs[0]: x})[g.outputs[0]]
        got = run_patched(g, {g.inputs[0]: x}, plan.split, *plan.grid, stream=plan.stream)[g.outputs[0]]
        same = "identical" if got.tobytes() == want.tobytes() else "DIFFERENT"
    ratio = base.work_bytes / plan.work_bytes
    return (f"| {path.stem} | {base.arena_bytes:,} | {base.work_bytes:,} | {plan.work_bytes:,} ({ratio:.2f}x) | "
            f"{plan.label} | {100 * plan.mac_overhead:+.1f}% | {same} | {time.time() - t0:.0f} s |")


def main(paths: list[Path]) -> None:
    print("| model | arena LbL | work LbL | work patched | plan | extra MACs | output | time |")
    print("|---|---:|---:|---:|---|---:|---|---:|")
    for p in paths:
        print(row(p), flush=True)


if __name__ == "__main__":
    main([Path(a) for a in sys.argv[1:]] or DEFAULT)
