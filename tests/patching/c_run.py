"""Build and run a graph's generated C with a --patch plan (the harness's run, plus the patch option).

Oracles used with it: tinyc.ref.run_int (layer by layer in numpy) and the
layer-by-layer generated C (tests/harness.py), byte for byte.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from tinyc.backend.build import run_project
from tinyc.backend.emit import write_project
from tinyc.ir import Graph
from tinyc.pipeline import Options, compile_graph


def run_c(g: Graph, xs: list[np.ndarray], patch: str = "off", board: str = "host", sanitize: bool = True,
          **opts):
    """(outputs per sample, Compiled, RunResult) of g's C compiled with --patch `patch`."""
    c = compile_graph(g, Options(board=board, patch=patch, **opts))
    with tempfile.TemporaryDirectory(prefix="tinyc-patch-") as tmp:
        out = Path(tmp) / "project"
        write_project(out, c.files, board, c.report)
        make_vars = {"SANITIZE": 1} if (sanitize and board == "host") else None
        res = run_project(out, [[x] for x in xs], [g.tensors[n].dtype for n in g.inputs],
                          [g.tensors[n].shape for n in g.outputs], [g.tensors[n].dtype for n in g.outputs],
                          make_vars=make_vars)
    return [o[0] for o in res.outputs], c, res
