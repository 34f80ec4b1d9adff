"""Build and run a graph's generated C with every hardening check on.

Like harness.run_graph_c, plus the arena guards (-DTC_ARENA_GUARD=1 through
Options.extra_cflags): the host binary is built with ASan + UBSan
(-fno-sanitize-recover) and fails on any overwrite of the guard bytes around
the arena.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from harness import run_graph_ref
from tinyc.backend.build import run_project
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


def run_guarded(g: Graph, samples: list[list[np.ndarray]]) -> list[list[np.ndarray]]:
    """Outputs of g's C (host, ASan + UBSan, arena guards) per sample and output."""
    with tempfile.TemporaryDirectory(prefix="tinyc-fuzz-") as tmp:
        out = write_guarded(g, Path(tmp))
        res = run_project(out, samples, [g.tensors[n].dtype for n in g.inputs],
                          [g.tensors[n].shape for n in g.outputs], [g.tensors[n].dtype for n in g.outputs],
                          make_vars={"SANITIZE": 1})
    return res.outputs


def mismatches(g: Graph, samples) -> list[str]:
    """One line per (sample, output) where the guarded C differs from the numpy reference."""
    got, want = run_guarded(g, samples), run_graph_ref(g, samples)
    bad = []
    for i, (a, b) in enumerate(zip(got, want)):
        for j, (x, y) in enumerate(zip(a, b)):
            if x.tobytes() != y.tobytes():
                diff = np.flatnonzero(x.reshape(-1) != y.reshape(-1))
                bad.append(f"sample {i} output {g.outputs[j]}: {diff.size}/{x.size} differ at "
                           f"{diff[:5].tolist()}: C {x.reshape(-1)[diff[:5]].tolist()} "
                           f"ref {y.reshape(-1)[diff[:5]].tolist()}")
    return bad
