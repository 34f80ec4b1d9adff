"""LEAKY_RELU, SUB, STRIDED_SLICE, TRANSPOSE_CONV (and int16 ADD), int8 and int16, through tinyc's TFLite
frontend: numpy reference == LiteRT BUILTIN_REF, and the generated C == LiteRT, byte for byte.

Oracle: LiteRT BUILTIN_REF on random single-op models (tests/ops/new_op_cases.py: random shapes,
broadcasts, masks, strides, paddings, qparams, fused activations). The C of every case is built
into one host binary with ASan + UBSan (tests/batch_c.py).
"""
from __future__ import annotations

import numpy as np
import pytest

from batch_c import run_batch
from new_op_cases import GENERATORS
from tflite_builder import run_litert
from tinyc.pipeline import load_model
from tinyc.ref import run_int

N_CASES = 5  # per op and dtype in the default run


def _cases(tmp_path, n, seed0=0):
    out = []
    for op, gen in GENERATORS.items():
        for dtype in ("int8", "int16"):
            if op == "ADD" and dtype == "int8":
                continue  # int8 ADD has its own tests (test_add_mul.py)
            for k in range(n):
                rng = np.random.default_rng([seed0, k, len(op), ord(dtype[-1])])
                model, xs = gen(rng, dtype)
                path = tmp_path / f"{op.lower()}_{dtype}_{k}.tflite"
                path.write_bytes(model)
                out.append((path, xs, run_litert(model, xs)[0]))
    return out


def _check(tmp_path, n, seed0=0):
    cases = _cases(tmp_path, n, seed0)
    graphs, bad = [], []
    for path, xs, want in cases:
        g = load_model(path)
        got = run_int(g, dict(zip(g.inputs, xs)))[g.outputs[0]]
        if got.dtype != want.dtype or got.tobytes() != want.tobytes():
            bad.append(f"ref {path.stem}: {np.count_nonzero(got.reshape(-1) != want.reshape(-1))} of {want.size} differ")
        graphs.append(g)
    assert not bad, bad
    outs = run_batch(graphs, [xs for _, xs, _ in cases], sanitize=True)
    bad = [f"C {p.stem}" for (p, _, want), o in zip(cases, outs) if o[0].tobytes() != want.tobytes()]
    assert not bad, bad
    # not degenerate: outputs take many values (saturation does not hide the arithmetic)
    big = [w for _, _, w in cases if w.size >= 24]
    assert len(big) > len(cases) // 2 and np.mean([len(np.unique(w)) > 4 for w in big]) >= 0.75
    return len(cases)


def test_new_ops_ref_and_c_match_litert(tmp_path):
    """5 random models per op and dtype: ref == LiteRT and C == LiteRT, byte for byte."""
    assert _check(tmp_path, N_CASES) == 9 * N_CASES


@pytest.mark.slow
def test_new_ops_sweep(tmp_path):
    """The same with 60 models per op and dtype."""
    _check(tmp_path, 60, seed0=1)


def test_sub_rounding_is_negated_multiplier():
    """SUB = ADD with input 2's multiplier negated: SaturatingRoundingDoublingHighMul(x, -m) differs from
    -SRDHM(x, m) on exact ties (x * m an odd multiple of 2^30), so the two ways to subtract are different
    functions; tinyc follows LiteRT's source (input2_multiplier *= -1) and the random LiteRT cases above
    agree with it."""
    from tinyc.quant.fixedpoint import srdhm
    x = np.arange(-(1 << 12), 1 << 12, dtype=np.int64)
    m = np.int64(1 << 30)
    assert np.any(srdhm(x, -m) != -srdhm(x, m))


def test_int16_add_pot_path_is_refused(tmp_path):
    """LiteRT's shift-only int16 ADD (pot_scale_int16 with power-of-two scales) differs from the general path
    tinyc implements: the frontend refuses it with one line instead of giving different bytes."""
    from tflite_builder import TensorSpec, build_model
    from tinyc.errors import TinycError
    a, b = TensorSpec("a", (1, 8), "int16", 2 ** -10, 0), TensorSpec("b", (1, 8), "int16", 2 ** -12, 0)
    y = TensorSpec("y", (1, 8), "int16", 2 ** -10, 0)
    path = tmp_path / "pot.tflite"
    path.write_bytes(build_model("ADD", [a, b], [y], {}))
    with pytest.raises(TinycError, match="pot_scale_int16"):
        load_model(path)
    path.write_bytes(build_model("ADD", [a, b], [y], {"pot_scale_int16": False}))
    assert load_model(path).nodes[0].op == "add"
