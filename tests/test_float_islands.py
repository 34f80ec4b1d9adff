"""Float islands in quantized TFLite models: float SOFTMAX / LOG_SOFTMAX after a DEQUANTIZE (int8 or int16)
or before a QUANTIZE.

Oracle: LiteRT BUILTIN_REF's float output, to 1e-5 (absolute), for the numpy reference and the generated
C (one host binary with ASan + UBSan); any other float op in a quantized model is refused with one line
naming it (CLI exit status 2).
"""
from __future__ import annotations

import subprocess
import sys

import numpy as np

from batch_c import run_batch
from tflite_builder import TensorSpec, build_graph, run_litert
from tinyc.pipeline import load_model
from tinyc.ref import run_int


def _tail(op, dtype, shape, rng):
    """int DEQUANTIZE -> float op: (model, input)."""
    lo, hi = (-128, 128) if dtype == "int8" else (-32768, 32768)
    scale = float(rng.uniform(0.02, 0.2)) if dtype == "int8" else float(rng.uniform(1e-4, 1e-3))
    x = TensorSpec("x", shape, dtype, scale, int(rng.integers(-20, 20)) if dtype == "int8" else 0)
    d, y = TensorSpec("d", shape, "float32"), TensorSpec("y", shape, "float32")
    opts = {"beta": float(rng.choice([1.0, 0.5]))} if op == "SOFTMAX" else None
    model = build_graph([("DEQUANTIZE", [x], [d], None), (op, [d], [y], opts)])
    return model, rng.integers(lo, hi, shape).astype(dtype)


def _head(rng):
    """float SOFTMAX -> QUANTIZE to int8: (model, input)."""
    x, s = TensorSpec("x", (2, 7), "float32"), TensorSpec("s", (2, 7), "float32")
    y = TensorSpec("y", (2, 7), "int8", 1 / 256, -128)
    model = build_graph([("SOFTMAX", [x], [s], {"beta": 1.0}), ("QUANTIZE", [s], [y], None)])
    return model, rng.normal(0, 3, (2, 7)).astype(np.float32)


def test_float_islands_match_litert(tmp_path):
    """12 tails (LOG_SOFTMAX / SOFTMAX after an int8 / int16 DEQUANTIZE) and a float head before a QUANTIZE:
    ref and C within 1e-5 of LiteRT (the head's int8 output: equal bytes)."""
    rng = np.random.default_rng(0)
    cases = [_tail(op, dt, shape, rng) for op in ("LOG_SOFTMAX", "SOFTMAX") for dt in ("int8", "int16")
             for shape in ((1, 10), (3, 17), (2, 2, 5))] + [_head(rng)]
    graphs, inputs, wants = [], [], []
    for k, (model, x) in enumerate(cases):
        path = tmp_path / f"island{k}.tflite"
        path.write_bytes(model)
        want = run_litert(model, [x])[0]
        g = load_model(path)
        got = run_int(g, {g.inputs[0]: x})[g.outputs[0]]
        if want.dtype == np.float32:
            assert np.abs(got - want).max() <= 1e-5, path.stem
        else:
            assert got.tobytes() == want.tobytes()
        graphs.append(g)
        inputs.append([x])
        wants.append(want)
    outs = run_batch(graphs, inputs, sanitize=True)
    for (y,), want in zip(outs, wants):
        if want.dtype == np.float32:
            assert np.abs(y.reshape(want.shape) - want).max() <= 1e-5
        else:
            assert y.tobytes() == want.tobytes()


def test_unsupported_float_op_is_named(tmp_path):
    """int8 -> DEQUANTIZE -> float LOGISTIC: one line naming the float op, exit status 2 (not the old
    'dequantize from int8 to int8')."""
    x = TensorSpec("x", (1, 8), "int8", 0.1, 0)
    d, y = TensorSpec("d", (1, 8), "float32"), TensorSpec("y", (1, 8), "float32")
    path = tmp_path / "logistic_tail.tflite"
    path.write_bytes(build_graph([("DEQUANTIZE", [x], [d], None), ("LOGISTIC", [d], [y], None)]))
    p = subprocess.run([sys.executable, "-m", "tinyc.cli", "compile", str(path), "-o", str(tmp_path / "out")],
                       capture_output=True, text=True)
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "logistic_1" in lines[0] and "float32 logistic" in lines[0], p.stderr
    assert not (tmp_path / "out").exists()
