"""Test harness: compile an int8 IR graph to C, build it, run it (hls4ml's compile()/predict()).

Oracle for everything that goes through here: tinyc.ref.run_int, bit for bit.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from tinyc.backend.build import run_project
from tinyc.backend.emit import write_project
from tinyc.ir import Graph
from tinyc.pipeline import Options, compile_graph
from tinyc.ref import run_int


def run_graph_c(g: Graph, samples: list[list[np.ndarray]], board: str = "host", sanitize: bool = True,
                workdir: Path | None = None, return_result: bool = False, extra_cflags=()):
    """Run g's generated C on each sample (a list with one array per graph input).

    Returns per sample a list with one array per graph output (or the RunResult too).
    """
    opts = Options(board=board, extra_cflags=list(extra_cflags))
    c = compile_graph(g, opts)
    with tempfile.TemporaryDirectory(prefix="tinyc-test-") as tmp:
        out = Path(workdir or tmp) / "project"
        write_project(out, c.files, board, c.report)
        make_vars = {"SANITIZE": 1} if (sanitize and board == "host") else None
        res = run_project(out, samples, [g.tensors[n].dtype for n in g.inputs],
                          [g.tensors[n].shape for n in g.outputs], [g.tensors[n].dtype for n in g.outputs],
                          make_vars=make_vars)
    return (res.outputs, res) if return_result else res.outputs


def run_graph_ref(g: Graph, samples: list[list[np.ndarray]]) -> list[list[np.ndarray]]:
    """The numpy integer reference on the same samples, same format as run_graph_c."""
    outs = []
    for s in samples:
        env = run_int(g, dict(zip(g.inputs, s)))
        outs.append([env[n] for n in g.outputs])
    return outs


def mismatches(g: Graph, samples, **kw) -> list[str]:
    """One line per (sample, output) where the C differs from the numpy reference."""
    got, want = run_graph_c(g, samples, **kw), run_graph_ref(g, samples)
    bad = []
    for i, (a, b) in enumerate(zip(got, want)):
        for j, (x, y) in enumerate(zip(a, b)):
            if x.tobytes() != y.tobytes():
                diff = np.flatnonzero(x.reshape(-1) != y.reshape(-1))
                bad.append(f"sample {i} output {g.outputs[j]}: {diff.size} of {x.size} values differ, "
                           f"first at {diff[:5].tolist()}: C {x.reshape(-1)[diff[:5]].tolist()} "
                           f"vs ref {y.reshape(-1)[diff[:5]].tolist()}")
    return bad


def assert_bitexact(g: Graph, samples, **kw) -> None:
    """C output == numpy reference output, byte for byte, for every sample and output."""
    bad = mismatches(g, samples, **kw)
    if bad:
        raise AssertionError("; ".join(bad))
