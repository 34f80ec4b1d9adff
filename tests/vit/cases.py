"""Single-op TFLite cases as the converter emits them for a ViT, and helpers to check them.

Each case is a .tflite built by tests/tflite_builder.py plus its input arrays.
`litert_vs_ref` runs LiteRT BUILTIN_REF (the oracle) and tinyc's numpy
reference through the real frontend; `merged` joins the loaded graphs into
one graph (names prefixed) so one C build checks them all.
"""
from __future__ import annotations

import copy
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tflite_builder import TensorSpec, build_model, run_litert
from tinyc.frontend.tflite_loader import load_tflite
from tinyc.ir import Graph
from tinyc.ref import run_int

QMAX = {"int8": 127, "int16": 32767}


@dataclass
class Case:
    name: str
    op: str
    inputs: list
    outputs: list
    options: dict = field(default_factory=dict)
    feeds: list = field(default_factory=list)  # one array per non-constant input


def act(name, shape, dtype, scale, zp=0):
    return TensorSpec(name, tuple(shape), dtype, float(scale), int(zp) if dtype == "int8" else 0)


def rand_q(rng, dtype, lo=0.005, hi=0.2):
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi)))), (int(rng.integers(-60, 60)) if dtype == "int8" else 0)


def rand_x(rng, shape, dtype):
    q = QMAX[dtype]
    return rng.integers(-q - 1, q + 1, size=shape).astype(dtype)


def load_case(c: Case, tmp: Path) -> Graph:
    path = tmp / f"{c.name}.tflite"
    path.write_bytes(build_model(c.op, c.inputs, c.outputs, c.options))
    return load_tflite(path)


def litert_vs_ref(c: Case, tmp: Path) -> tuple[Graph, list[np.ndarray], list[np.ndarray]]:
    """(graph, LiteRT outputs, numpy reference outputs) for one case."""
    g = load_case(c, tmp)
    want = run_litert(build_model(c.op, c.inputs, c.outputs, c.options), c.feeds)
    env = run_int(g, dict(zip(g.inputs, c.feeds)))
    got = [env[n] for n in g.outputs]
    return g, want, got


def merged(graphs: list[Graph], name="cases") -> Graph:
    """One graph holding every graph's nodes side by side (tensor and node names prefixed)."""
    out = Graph(name, source="test")
    for i, g in enumerate(graphs):
        p = f"c{i}_"
        for t in g.tensors.values():
            t2 = copy.copy(t)
            t2.name = p + t.name
            out.add_tensor(t2)
        for n in g.nodes:
            n2 = copy.copy(n)
            n2.name, n2.inputs, n2.outputs = p + n.name, [p + x if x else x for x in n.inputs], [p + x for x in n.outputs]
            out.nodes.append(n2)
        out.inputs += [p + x for x in g.inputs]
        out.outputs += [p + x for x in g.outputs]
    return out


def tmpdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="tinyc-vit-"))
