"""Arena, work memory and compile time of every model in a set, for comparing two tinyc trees.

    PYTHONPATH=<tree> python bench/arena_compare.py OUT.json [--patch auto] [MODEL ...]
    python bench/arena_compare.py --table BEFORE.json AFTER.json

Without MODELs: tests/zoo/cnn/*.onnx, models/*.onnx|tflite, the MLPerf Tiny models of
../shared/models/mlperf-tiny and ../shared/models/tflm/mobilenet_v2_224_int8.tflite.
Each model is compiled in-process (tinyc.api.compile, host board, generated calibration) with
the tinyc found on PYTHONPATH; OUT.json records arena_bytes, work_bytes, the seconds of the whole
compile and of the operator-order search, and a digest of the generated files. --table prints
the markdown comparison of two such files (and exits 1 if any arena grew).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = next((d / "shared" / "models" for d in (ROOT.parent, ROOT.parent.parent) if (d / "shared").is_dir()),
              ROOT.parent / "shared" / "models")  # ../shared of /work/main, ../../shared of a worktree


def default_models() -> list[Path]:
    out = sorted((ROOT / "tests/zoo/cnn").glob("*.onnx"))
    out += sorted(p for p in (ROOT / "models").iterdir() if p.suffix in (".onnx", ".tflite"))
    out += sorted((SHARED / "mlperf-tiny").glob("*.tflite"))
    out.append(SHARED / "tflm" / "mobilenet_v2_224_int8.tflite")
    return [p for p in out if p.exists()]


def measure(model: Path, patch: str) -> dict:
    import tinyc
    from tinyc.backend import schedule
    spent = [0.0]
    inner = schedule.best_order

    def timed(*a, **k):
        t = time.perf_counter()
        try:
            return inner(*a, **k)
        finally:
            spent[0] += time.perf_counter() - t

    schedule.best_order = timed
    t = time.perf_counter()
    try:
        m = tinyc.compile(str(model), patch=patch)
    except Exception as e:  # noqa: BLE001  (recorded, not fatal: a model the tree does not support)
        return {"error": f"{type(e).__name__}: {e}"[:200]}
    finally:
        schedule.best_order = inner
    dt = time.perf_counter() - t
    digest = hashlib.sha256()
    for name in sorted(m.files):
        if name != "report.json":
            digest.update(name.encode() + b"\0" + m.files[name].encode() + b"\0")
    r = m.report
    return {"arena_bytes": r.get("arena_bytes"), "work_bytes": r["work_bytes"], "seconds": round(dt, 2),
            "order_seconds": round(spent[0], 3), "digest": digest.hexdigest()[:16]}


def table(before: dict, after: dict) -> int:
    grew = 0
    print("| model | arena before | arena after | work before | work after | compile before | compile after | C |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for name in before:
        b, a = before[name], after.get(name, {})
        if "error" in b or "error" in a:
            print(f"| {name} | {b.get('error', '')[:40]} | {a.get('error', '')[:40]} | | | | | |")
            continue
        grew += a["arena_bytes"] > b["arena_bytes"] or a["work_bytes"] > b["work_bytes"]
        same = "same" if a["digest"] == b["digest"] else "differs"
        print(f"| {name} | {b['arena_bytes']:,} | {a['arena_bytes']:,} | {b['work_bytes']:,} | {a['work_bytes']:,} "
              f"| {b['seconds']:.1f} s | {a['seconds']:.1f} s | {same} |")
    return 1 if grew else 0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?")
    ap.add_argument("models", nargs="*", type=Path)
    ap.add_argument("--patch", default="off")
    ap.add_argument("--table", nargs=2, type=Path)
    a = ap.parse_intermixed_args()
    if a.table:
        sys.exit(table(*(json.loads(p.read_text()) for p in a.table)))
    res = json.loads(Path(a.out).read_text()) if Path(a.out).exists() else {}  # resumes / extends
    for model in a.models or default_models():
        key = f"{model.parent.name}/{model.name}"
        if key in res:
            continue
        res[key] = measure(model, a.patch)
        print(key, res[key], flush=True)
        Path(a.out).write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
