"""The issue-13 kernels on a Cortex-M4 (mps2-an386, DSP build, QEMU): LEAKY_RELU, SUB, STRIDED_SLICE,
TRANSPOSE_CONV in int8 and int16 and the 16x8 ops, all as one union graph in one build.

Oracle: LiteRT BUILTIN_REF, byte for byte (the DSP build must give the portable kernels' bytes; int8
SUB takes tc_add_s8's portable loop because its second multiplier is negative).
"""
from __future__ import annotations

import numpy as np
import pytest

from harness import run_graph_c
from new_op_cases import GENERATORS
from s16_cases import S16_GENERATORS
from tflite_builder import run_litert
from tinyc.pipeline import load_model
from union import union_graph


@pytest.mark.qemu
def test_issue13_ops_on_mps2_an386(tmp_path):
    graphs, inputs, wants = [], [], []
    gens = [(f"{op}_{dt}", (lambda rng, f=f, dt=dt: f(rng, dt))) for op, f in GENERATORS.items()
            for dt in ("int8", "int16")] + list(S16_GENERATORS.items())
    for k, (name, gen) in enumerate(gens):
        model, xs = gen(np.random.default_rng([5, k]))
        path = tmp_path / f"{name.lower()}.tflite"
        path.write_bytes(model)
        graphs.append(load_model(path))
        inputs += xs
        wants.append(run_litert(model, xs)[0])
    g = union_graph(graphs)
    (got,) = run_graph_c(g, [inputs], board="mps2-an386")
    bad = [n for n, y, w in zip(gens, got, wants) if y.tobytes() != w.tobytes()]
    assert not bad, [n for n, _ in bad]
