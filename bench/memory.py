"""Activation memory: tinyc's planned arena vs TFLite Micro's, for every .tflite in models/.

TFLM figures are measured live with the `tflite-micro` pip package's
RecordingMicroAllocator (print_allocations), in a child process because a
too-small arena can crash it. "head" is TFLM's planned activation memory,
"total" adds the interpreter's persistent data. tinyc's arena holds every
activation (input and output included) and all kernel scratch.

    python bench/memory.py
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tinyc.pipeline import Options, compile_model  # noqa: E402

TFLM_PROBE = """
from tflite_micro.python.tflite_micro import runtime
it = runtime.Interpreter.from_file({path!r}, arena_size=4 * 1024 * 1024)
it.print_allocations()
"""


def tflm_arena(path: Path) -> tuple[int | None, int | None]:
    try:
        p = subprocess.run([sys.executable, "-c", TFLM_PROBE.format(path=str(path))],
                           capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return None, None
    text = p.stdout + p.stderr
    head = re.search(r"Arena allocation head (\d+) bytes", text)
    total = re.search(r"Arena allocation total (\d+) bytes", text)
    return (int(head.group(1)) if head else None, int(total.group(1)) if total else None)


def fmt(v) -> str:
    return f"{v:,}" if isinstance(v, int) else "n/a"


def main() -> None:
    rows = []
    for path in sorted((ROOT / "models").glob("*.tflite")):
        rep = compile_model(path, None, Options()).report
        head, total = tflm_arena(path)
        rows.append((path.stem, rep["arena_bytes"], rep["lower_bound_bytes"], rep["plan_strategy"], head, total))
    print("| model | tinyc arena | lower bound (max live set) | strategy | TFLM head | TFLM total | tinyc / TFLM head |")
    print("|---|---|---|---|---|---|---|")
    for name, arena, lb, strat, head, total in rows:
        ratio = f"{arena / head:.2f}" if head else "n/a"
        print(f"| {name} | {fmt(arena)} | {fmt(lb)} | {strat} | {fmt(head)} | {fmt(total)} | {ratio} |")


if __name__ == "__main__":
    main()
