"""Compilation is deterministic under CPU load: no search is bounded by the clock.

Oracle: the same compile on an idle machine. Each model is compiled in this
process, then again while two busy-loop processes load both cores (the old
wall-clock budgets of the memory planner, the operator-order search and the
patch search struck exactly then), and every generated file must be
byte-identical. A source scan keeps clocks out of the compiler's searches.
"""
import re
import subprocess
import sys
from pathlib import Path

from tinyc.pipeline import Options, compile_model

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
CASES = [("mnist_cnn.onnx", Options(patch="auto", calib=str(MODELS / "mnist_calib.npy"))),  # patch search
         ("kws_dscnn_int8.tflite", Options())]  # operator order + placement (exact search)
SEARCH_CODE = ["tinyc/memory", "tinyc/patching", "tinyc/backend", "tinyc/quant", "tinyc/quantmcu",
               "tinyc/pipeline.py"]


def compile_all() -> list[dict[str, str]]:
    return [compile_model(MODELS / name, None, opts).files for name, opts in CASES]


def test_same_bytes_with_and_without_cpu_hog():
    idle = compile_all()
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        loaded = compile_all()
    finally:
        for h in hogs:
            h.kill()
            h.wait()
    for (name, _), a, b in zip(CASES, idle, loaded):
        assert sorted(a) == sorted(b), name
        for f in a:
            assert a[f] == b[f], f"{name}: {f} differs under CPU load"


def test_no_clock_in_the_compiler():
    """time.time/monotonic/perf_counter/process_time must not steer a compile."""
    clock = re.compile(r"\b(time\.(time|monotonic|perf_counter|process_time)|import time\b|from time import)")
    hits = []
    for root in SEARCH_CODE:
        p = ROOT / root
        for f in ([p] if p.is_file() else sorted(p.rglob("*.py"))):
            for i, line in enumerate(f.read_text().splitlines(), 1):
                if clock.search(line):
                    hits.append(f"{f.relative_to(ROOT)}:{i}: {line.strip()}")
    assert not hits, "\n".join(hits)
