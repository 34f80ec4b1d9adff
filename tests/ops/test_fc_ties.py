"""int8 FULLY_CONNECTED at exact ties: LiteRT 2.x rounds round(double(acc) * scale), halves away
from zero; TFLite Micro's single-rounding multiplier rounds -2.5 to -2. With power-of-two scales
(s_x s_w / s_y = 2^-e) many sums land exactly on a half, so these models tell the two apart.

Oracle: LiteRT BUILTIN_REF, byte for byte: the numpy reference, the portable C on the host (ASan,
UBSan) and the DSP build on mps2-an386 in QEMU, whose specialised kernel folds the rounding into
one 64-bit constant per channel (tc_fc_sr) when in_ch % 4 == 0 and takes the generic path
otherwise.
"""
from __future__ import annotations

import numpy as np
import pytest

from batch_c import run_batch
from harness import run_graph_c
from tflite_builder import TensorSpec, build_model, run_litert
from tinyc.pipeline import load_model
from tinyc.ref import run_int
from union import union_graph

# (in_ch, out_ch, batches, per-channel weights, output exponent e, input zero point, output zero point)
CASES = [(16, 8, 64, True, 3, 0, 0), (16, 8, 64, False, 4, 0, 5), (20, 6, 30, True, 5, -3, -7),
         (13, 5, 40, False, 3, 2, 0), (64, 12, 16, True, 6, 0, 3), (8, 3, 50, True, 2, 0, 0)]

def _models(tmp_path):
    out = []
    for k, (cin, cout, n, per_channel, e, x_zp, y_zp) in enumerate(CASES):
        rng = np.random.default_rng([13, k])
        sx, sw = 2.0 ** -4, 2.0 ** -7
        w = rng.integers(-127, 128, (cout, cin)).astype(np.int8)
        bias = rng.integers(-100, 100, cout).astype(np.int32)
        chan = (lambda v: [v] * cout) if per_channel else (lambda v: v)
        ins = [TensorSpec("x", (n, cin), "int8", sx, x_zp),
               TensorSpec("w", (cout, cin), "int8", chan(sw), chan(0), w, 0),
               TensorSpec("b", (cout,), "int32", chan(sx * sw), chan(0), bias, 0)]
        model = build_model("FULLY_CONNECTED", ins, [TensorSpec("y", (n, cout), "int8", sx * sw * 2.0 ** e, y_zp)],
                            {})
        x = rng.integers(-16, 16, (n, cin)).astype(np.int8)
        path = tmp_path / f"fc_ties_{k}.tflite"
        path.write_bytes(model)
        out.append((load_model(path), x, run_litert(model, [x])[0]))
    return out

def test_fc_int8_exact_ties_numpy_and_host_c(tmp_path):
    models = _models(tmp_path)
    for g, x, want in models:
        got = run_int(g, {g.inputs[0]: x})[g.outputs[0]]
        np.testing.assert_array_equal(got, want)
    outs = run_batch([g for g, _, _ in models], [[x] for _, x, _ in models], sanitize=True)
    bad = [k for k, (o, (_, _, w)) in enumerate(zip(outs, models)) if o[0].tobytes() != w.tobytes()]
    assert not bad, f"host C != LiteRT for cases {bad}"

def test_cases_hold_negative_ties(tmp_path):
    """Guard for the test itself: without the away-from-zero rounding the reference would differ."""
    import tinyc.ops.fully_connected as fc
    from tinyc.quant import fixedpoint as fp
    differ = 0
    for g, x, want in _models(tmp_path):
        node = next(n for n in g.nodes if n.op == "fully_connected")
        _, _, m0, sh, _, _ = fc.weighted_quant(node, g, want.shape[-1])
        w = g.tensors[node.inputs[1]].data.astype(np.int64)
        b = g.tensors[node.inputs[2]].data.astype(np.int64)
        x_zp = g.tensors[node.inputs[0]].q.zp()
        acc = (x.astype(np.int64) - x_zp) @ w.T + b
        differ += int(np.count_nonzero(fp.mbqm(acc, m0, sh) != fp.mbqm_away(acc, m0, sh)))
    assert differ >= 50

@pytest.mark.qemu
def test_fc_int8_exact_ties_on_mps2_an386(tmp_path):
    models = _models(tmp_path)
    g = union_graph([g for g, _, _ in models])
    (got,) = run_graph_c(g, [[x for _, x, _ in models]], board="mps2-an386")
    bad = [k for k, (y, (_, _, w)) in enumerate(zip(got, models)) if y.tobytes() != w.tobytes()]
    assert not bad, f"mps2-an386 != LiteRT for cases {bad}"
