"""16x8 FULLY_CONNECTED (2-D and 3-D inputs, with and without bias, per-channel and per-tensor
weights) where the requantization rounding shows: power-of-two scales that put many sums exactly
on a half, and ViT-like random scales with large int16 sums.

Oracle: LiteRT BUILTIN_REF, byte for byte, for tinyc's numpy reference (round in double, halves
away from zero) and for the generated C (tc_fully_connected_s16, one host build with ASan + UBSan).
A 32-bit multiplier with single rounding fails the tie cases (int8: tests/ops/test_fc_ties.py).
"""
from __future__ import annotations

import numpy as np
import pytest

from batch_c import run_batch
from tflite_builder import TensorSpec, build_model, run_litert
from tinyc.frontend.tflite_loader import load_tflite
from tinyc.ref import run_int


def _case(rng, k):
    ties = k % 2 == 0
    n, depth, cout = int(rng.integers(1, 70)), int(rng.integers(4, 130)), int(rng.integers(1, 40))
    rank3 = bool(rng.random() < 0.6)
    if ties:  # s_x * s_w / s_y = 2^-e: a sum that is 2^(e-1) mod 2^e lands on a half
        sx, sw, e = 2.0 ** -12, [2.0 ** -7] * cout, int(rng.integers(3, 6))
        sy = sx * sw[0] * 2.0 ** e
    else:
        sx = float(np.exp(rng.uniform(np.log(5e-5), np.log(5e-3))))
        sw = list(rng.uniform(0.002, 0.02, cout))
        sy = sx * float(np.mean(sw)) * np.sqrt(depth) * float(rng.uniform(5e3, 2e4))
    per_tensor = bool(rng.random() < 0.3)
    w = rng.integers(-127, 128, (cout, depth)).astype(np.int8)
    ws = TensorSpec("w", (cout, depth), "int8", sw[0] if per_tensor else sw, 0 if per_tensor else [0] * cout, w, 0)
    ins = [None, ws]
    if rng.random() < 0.5:
        bias = rng.integers(-3000, 3000, cout).astype(np.int64) * (1 if ties else 100)
        ins.append(TensorSpec("b", (cout,), "int64", [sx * s for s in sw] if not per_tensor else sx * sw[0],
                              [0] * cout if not per_tensor else 0, bias, 0))
    xshape, yshape = ((1, n, depth), (1, n, cout)) if rank3 else ((n, depth), (n, cout))
    ins[0] = TensorSpec("x", xshape, "int16", sx, 0)
    act = str(rng.choice(["NONE", "NONE", "RELU"]))
    opts = {"fused_activation_function": act, "keep_num_dims": rank3}
    model = build_model("FULLY_CONNECTED", ins, [TensorSpec("y", yshape, "int16", float(sy), 0)], opts)
    lim = 128 if ties else 32768  # small inputs keep the tie models' outputs in range
    return model, rng.integers(-lim, lim, xshape).astype(np.int16)


def test_fc16_rounding_matches_litert(tmp_path):
    """24 models (half with exact ties): numpy reference and C == LiteRT."""
    rng = np.random.default_rng(7)
    graphs, feeds, wants, bad, ties = [], [], [], [], 0
    for k in range(24):
        model, x = _case(rng, k)
        want = run_litert(model, [x])[0]
        path = tmp_path / f"fc16_{k}.tflite"
        path.write_bytes(model)
        g = load_tflite(path)
        got = run_int(g, {g.inputs[0]: x})[g.outputs[0]]
        if got.tobytes() != want.tobytes():
            bad.append(f"model {k}: {np.count_nonzero(got != want)} of {want.size}")
        graphs.append(g)
        feeds.append([x])
        wants.append(want)
        ties += k % 2 == 0 and len(np.unique(want)) > 8 and np.abs(want).max() < 32767
    assert not bad, "numpy reference != LiteRT: " + "; ".join(bad)
    assert ties >= 8  # the tie models really produce spread outputs
    outs = run_batch(graphs, feeds, sanitize=True)
    bad = [k for k, (o, w) in enumerate(zip(outs, wants)) if o[0].tobytes() != w.tobytes()]
    assert not bad, f"C != LiteRT for models {bad}"
