"""Emission: a Program -> a self-contained C project directory, through Jinja2 templates.

The project is written to a staging directory and installed at the end
(tinyc/outdir.py), so an error or Ctrl-C never leaves a half-written OUTDIR, and
nothing tinyc did not write is ever removed.
"""
from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import jinja2
import numpy as np

from tinyc import __version__
from tinyc.backend.lower import Program
from tinyc.errors import TinycError
from tinyc.outdir import check_outdir, install_project, staging_dir
from tinyc.paths import BOARDS, RUNTIME_C, TEMPLATES


def cval(v, ctype: str) -> str:
    """A C literal for one constant value (floats as exact hex literals)."""
    if ctype == "float":
        f = float(np.float32(v))
        if math.isnan(f) or math.isinf(f):
            raise ValueError("non-finite constant")
        return f"{f.hex()}f"
    if ctype == "double":
        f = float(v)
        if math.isnan(f) or math.isinf(f):
            raise ValueError("non-finite constant")
        return f.hex()
    if ctype == "int32_t" and v == -(1 << 31):
        return "INT32_MIN"
    if ctype == "int64_t":
        return f"INT64_C({int(v)})"
    return str(int(v))


def cval_rows(values, ctype: str, per_row: int = 16) -> list[list[str]]:
    """The C literals of a constant array, `per_row` to a row: cval of each value, with
    integers converted in bulk (a full-size CNN has millions of weights)."""
    if ctype in ("float", "double", "int64_t"):
        lits = [cval(v, ctype) for v in values]
    else:
        lits = list(map(str, map(int, values)))
        if ctype == "int32_t" and lits and min(map(int, values)) == -(1 << 31):
            lits = ["INT32_MIN" if v == "-2147483648" else v for v in lits]
    return [lits[i:i + per_row] for i in range(0, len(lits), per_row)]


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.filters["cval"] = cval
    env.filters["cval_rows"] = cval_rows
    env.filters["cfloat"] = lambda v: cval(v, "float")
    return env


def runtime_sources() -> list[str]:
    """Every runtime_c source, as paths relative to OUTDIR (sorted: reproducible)."""
    return sorted(f"runtime/src/{p.relative_to(RUNTIME_C / 'src').as_posix()}"
                  for p in (RUNTIME_C / "src").rglob("*.c"))


def render_project(prog: Program, board: dict, source: str, extra_cflags=(), *, memory: dict) -> dict[str, str]:
    """All generated text files of the project, by relative path. `memory` holds the report's
    arena_bytes and work_bytes (the header states them in the report's vocabulary)."""
    env = environment()
    ctx = dict(prog=prog, refs=prog.refs, version=__version__, source=Path(source).name,
               memory={k: int(memory[k]) for k in ("arena_bytes", "work_bytes")})
    files = {
        f"{prog.name}.h": env.get_template("model.h.j2").render(**ctx),
        f"{prog.name}.c": env.get_template("model.c.j2").render(**ctx),
        "main.c": env.get_template("main.c.j2").render(**ctx),
    }
    sources = [f"{prog.name}.c", "main.c", *runtime_sources()]
    files["Makefile"] = env.get_template("Makefile.j2").render(
        model=prog.name, sources=sources, board=board, extra_cflags=list(extra_cflags),
        inputs=prog.inputs, outputs=prog.outputs)
    return files


def write_project(outdir: Path, files: dict[str, str], board_name: str, report: dict,
                  force: bool = False, check=None) -> None:
    """Write the project into a staging directory, then install it at outdir
    (tinyc.outdir: only a missing/empty dir or a previous tinyc project is written).
    check(staging dir) -> dict runs before report.json is written and before the install (the
    board's link check: a project that does not link is never installed); its result is
    report["image"]."""
    outdir = Path(outdir).absolute()
    check_outdir(outdir, force)
    try:
        tmp = staging_dir(outdir)
    except OSError as e:
        raise TinycError(f"cannot create output directory: {e.strerror}", str(outdir)) from None
    try:
        for rel, text in files.items():
            (tmp / rel).write_text(text)
        shutil.copytree(RUNTIME_C / "include", tmp / "runtime" / "include")
        shutil.copytree(RUNTIME_C / "src", tmp / "runtime" / "src")
        shutil.copytree(BOARDS / board_name, tmp / "board")
        common = BOARDS / "common"
        if common.is_dir() and board_name != "host":
            shutil.copytree(common, tmp / "board" / "common")
        if check is not None:
            report["image"] = check(tmp)
        (tmp / "report.json").write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
        install_project(tmp, outdir, force)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise TinycError(f"cannot write the project: {e.strerror}", str(outdir)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
