"""Build and run a graph's generated C with every hardening check on.

Like harness.run_graph_c, plus the arena guards (-DTC_ARENA_GUARD=1 through
Options.extra_cflags): the host binary is built with ASan + UBSan
(-fno-sanitize-recover) and fails on any overwrite of the guard bytes around
the arena.
"""
from __future__ import annotations

from pathlib import Path

from harness import mismatches as harness_mismatches
from tinyc.backend.emit import write_project
from tinyc.ir import Graph
from tinyc.pipeline import Options, compile_graph

GUARD = "-DTC_ARENA_GUARD=1"


def write_guarded(g: Graph, outdir: Path, board: str = "host", extra: tuple[str, ...] = ()) -> Path:
    """Compile g with the arena guard (and `extra` C flags) into outdir/project; returns that path."""
    c = compile_graph(g, Options(board=board, extra_cflags=[GUARD, *extra]))
    out = Path(outdir) / "project"
    write_project(out, c.files, board, c.report)
    return out


def mismatches(g: Graph, samples) -> list[str]:
    """One line per (sample, output) where the guarded C (host, ASan + UBSan) differs from the numpy reference."""
    return harness_mismatches(g, samples, extra_cflags=[GUARD])
