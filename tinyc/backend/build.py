"""Build a generated project with its Makefile and run it on samples (host or QEMU)."""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tinyc.errors import TinycError


@dataclass
class RunResult:
    outputs: list[list[np.ndarray]]  # per sample, per output
    instructions: list[int] = field(default_factory=list)  # per sample (0 on host)
    stack_bytes: int = 0
    stdout: str = ""


def make(outdir: Path, *targets: str, env_vars: dict | None = None, timeout: int = 600) -> str:
    """Run make in outdir; a failure is a TinycError carrying the last compiler line."""
    if shutil.which("make") is None:
        raise TinycError("'make' is not installed")
    args = ["make", "-s", "--no-print-directory", "-C", str(outdir), *targets]
    args += [f"{k}={v}" for k, v in (env_vars or {}).items()]
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise TinycError(f"'make {' '.join(targets)}' timed out after {timeout}s", str(outdir)) from None
    if p.returncode != 0:
        lines = [ln for ln in (p.stderr + p.stdout).splitlines() if ln.strip()]
        errors = [ln for ln in lines if "error" in ln.lower() and not ln.startswith("make")]
        tail = (errors or lines or [f"exit status {p.returncode}"])[0 if errors else -1]
        raise TinycError(f"'make {' '.join(targets)}' failed: {tail}", str(outdir))
    return p.stdout


def write_inputs(outdir: Path, samples: list[list[np.ndarray]], dtypes: list[str]) -> None:
    """input.bin: per sample, every input's bytes in order."""
    with open(outdir / "input.bin", "wb") as f:
        for sample in samples:
            for arr, dt in zip(sample, dtypes):
                f.write(np.ascontiguousarray(arr, dtype=dt).tobytes())


def read_outputs(outdir: Path, n: int, shapes: list[tuple], dtypes: list[str]) -> list[list[np.ndarray]]:
    raw = (outdir / "output.bin").read_bytes()
    per = [int(np.prod(s)) * np.dtype(d).itemsize for s, d in zip(shapes, dtypes)]
    if len(raw) != n * sum(per):
        raise TinycError(f"output.bin has {len(raw)} bytes, expected {n * sum(per)}", str(outdir))
    out, pos = [], 0
    for _ in range(n):
        row = []
        for nb, s, d in zip(per, shapes, dtypes):
            row.append(np.frombuffer(raw[pos:pos + nb], dtype=d).reshape(s).copy())
            pos += nb
        out.append(row)
    return out


def parse_stdout(text: str) -> tuple[list[int], int]:
    ins = [int(m) for m in re.findall(r"tinyc: sample=\d+ instructions=(\d+)", text)]
    m = re.search(r"tinyc: samples=\d+ stack_bytes=(\d+)", text)
    return ins, int(m.group(1)) if m else 0


def run_project(outdir: Path, samples, in_dtypes, out_shapes, out_dtypes,
                make_vars: dict | None = None, timeout: int = 600) -> RunResult:
    """Build outdir, run every sample through `make run`, and read the outputs back."""
    outdir = Path(outdir)
    make(outdir, "all", env_vars=make_vars, timeout=timeout)
    write_inputs(outdir, samples, in_dtypes)
    stdout = make(outdir, "run", env_vars=make_vars, timeout=timeout)
    outputs = read_outputs(outdir, len(samples), out_shapes, out_dtypes)
    ins, stack = parse_stdout(stdout)
    return RunResult(outputs, ins, stack, stdout)
