"""Build a generated project with its Makefile and run it on samples (host or QEMU)."""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tinyc.errors import BuildError, TinycError
from tinyc.progress import step


@dataclass
class RunResult:
    outputs: list[list[np.ndarray]]  # per sample, per output
    instructions: list[int] = field(default_factory=list)  # per sample (0 on host)
    stack_bytes: int = 0
    stdout: str = ""


REASON = re.compile(r"overflowed|error:|error\b|undefined reference|does not fit|fault|Error \d+$")


def failure_reason(text: str, returncode: int) -> str:
    """The compiler's, linker's or program's own words: its first error lines (at most two,
    make's own lines last), else the last line of output."""
    lines = [re.sub(r"^\S*/(ld|cc1|as|collect2)(: )", r"\1\2", ln.strip()) for ln in text.splitlines() if ln.strip()]
    own = [ln for ln in lines if REASON.search(ln) and not ln.startswith("make")]
    if len(own) > 1:  # collect2's summary adds nothing to ld's own line
        own = [ln for ln in own if not ln.startswith("collect2:")] or own
    if own:
        return "; ".join(dict.fromkeys(own[:2]))
    return lines[-1] if lines else f"exit status {returncode}"


def make(outdir: Path, *targets: str, env_vars: dict | None = None, timeout: int = 600) -> str:
    """Run make in outdir; a failure is a BuildError carrying the compiler's own error lines."""
    if shutil.which("make") is None:
        raise TinycError("'make' is not installed")
    args = ["make", "-s", "--no-print-directory", "-C", str(outdir), *targets]
    args += [f"{k}={v}" for k, v in (env_vars or {}).items()]
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BuildError(f"'make {' '.join(targets)}' timed out after {timeout}s", str(outdir)) from None
    if p.returncode != 0:
        raise BuildError(f"'make {' '.join(targets)}' failed: {failure_reason(p.stderr + p.stdout, p.returncode)}",
                         str(outdir))
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


def _where(outdir: Path) -> str:
    """'QEMU <machine>' or 'host', from the project's Makefile."""
    m = re.search(r"^QEMU_MACHINE := (\S+)", (Path(outdir) / "Makefile").read_text(), re.M)
    return f"QEMU {m.group(1)}" if m else "host"


def run_project(outdir: Path, samples, in_dtypes, out_shapes, out_dtypes,
                make_vars: dict | None = None, timeout: int = 600) -> RunResult:
    """Build outdir, run every sample through `make run`, and read the outputs back."""
    outdir = Path(outdir)
    with step(f"building {outdir.name}"):
        make(outdir, "all", env_vars=make_vars, timeout=timeout)
    write_inputs(outdir, samples, in_dtypes)
    with step(f"running {len(samples)} sample(s) ({_where(outdir)})"):
        stdout = make(outdir, "run", env_vars=make_vars, timeout=timeout)
    outputs = read_outputs(outdir, len(samples), out_shapes, out_dtypes)
    ins, stack = parse_stdout(stdout)
    return RunResult(outputs, ins, stack, stdout)
