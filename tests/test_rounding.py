"""Which requantization rounding does the oracle use? LiteRT BUILTIN_REF decides.

Oracle: LiteRT on models/ad_autoencoder_int8.tflite (fully connected layers only,
so requantization is the only rounding in play).
"""
import numpy as np
import pytest

from oracle import litert_run
import tinyc.quant.fixedpoint as fp
from tinyc.pipeline import load_model
from tinyc.ref import run_int

MODEL = "models/ad_autoencoder_int8.tflite"


def mismatches(g, xs, refs):
    return sum(int((run_int(g, {g.inputs[0]: x[None]})[g.outputs[0]] != r).sum()) for x, r in zip(xs, refs))


def test_oracle_uses_single_rounding(monkeypatch):
    g = load_model(MODEL)
    xs = np.random.default_rng(0).integers(-128, 128, (5, 640)).astype(np.int8)
    refs = [litert_run(MODEL, [x[None]])[0] for x in xs]
    assert mismatches(g, xs, refs) == 0  # tinyc's mbqm_away: single rounding, halves away from zero
    monkeypatch.setattr(fp, "mbqm_away", fp.mbqm_double)
    assert mismatches(g, xs, refs) > 0  # double rounding would not match the oracle


@pytest.mark.parametrize("x,m,shift", [(1000, 1 << 30, -1), (-1000, 1 << 30, -1), (-3, 1 << 30, -1),
                                       (12345, 1690499128, -6), (-(1 << 20), 2147483647, 0)])
def test_single_rounding_spot_values(x, m, shift):
    """Half rounds up (toward +inf) in single rounding: -3 * 0.25 = -0.75 -> -1, 2.5 -> 3."""
    want = int(np.floor(x * m / 2.0 ** (31 - shift) + 0.5))
    assert int(fp.mbqm(x, m, shift)) == want
