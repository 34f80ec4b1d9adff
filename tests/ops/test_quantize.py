"""quantize (float32 -> int8/int16, int8/int16 requantize) and dequantize (int8/int16 -> float32).

Oracles: LiteRT BUILTIN_REF QUANTIZE / DEQUANTIZE (tests/tflite_builder.py) for
the numpy reference, including exact rounding ties; the numpy reference for
the generated C, bit for bit (float outputs compared as bytes), under ASan/UBSan.
"""
import shutil

import numpy as np
import pytest

from harness import assert_bitexact
from tflite_builder import TensorSpec, run_op
from tinyc.errors import TinycError
from tinyc.ir import Graph, Node, QParams, Tensor
from tinyc.ops import OPS
import tinyc.quant.fixedpoint as fp
from tinyc.quant.affine import quantize_f32, requantize_multiplier, roundf


def float_samples(rng, n, scale, extremes=True):
    """Random values, exact rounding ties of `scale`, values next to the ties, zeros and (optionally) extremes."""
    k = rng.integers(-300, 300, n // 4).astype(np.float32)
    ties = (k + np.float32(0.5)) * np.float32(scale)
    near = np.nextafter(ties, np.where(rng.random(ties.size) < 0.5, -np.inf, np.inf).astype(np.float32))
    rand = rng.normal(0, 40 * scale, n - 2 * ties.size - 6).astype(np.float32)
    big = [1e30, -1e30, 3e38, -3e38] if extremes else [1e5 * scale, -1e5 * scale, 2e9 * scale, -2e9 * scale]
    special = np.array([0.0, -0.0, *big], dtype=np.float32)
    return np.concatenate([ties, near, rand, special]).astype(np.float32)


def add(g, op, name, x, dtype, q, shape):
    g.add_tensor(Tensor(name, shape, dtype, q=q))
    g.nodes.append(Node(op, f"{op}_{name}", [x], [name]))
    g.outputs.append(name)
    return name


def quant_graph():
    """One graph with every (de)quantize dtype pair, and samples with ties, NaN and infinities."""
    rng = np.random.default_rng(21)
    n = 256
    g = Graph("quants", source="test")
    q8, q8b, q16 = QParams(0.125, 3), QParams(0.0371, -17), QParams(0.00052, 0)
    g.add_tensor(Tensor("xf", (n,), "float32"))
    g.add_tensor(Tensor("x8", (1, 4, 4, 16), "int8", q=QParams(0.05, 9)))
    g.add_tensor(Tensor("x16", (n,), "int16", q=QParams(0.0007, 0)))
    g.inputs += ["xf", "x8", "x16"]
    add(g, "quantize", "f_s8_tie", "xf", "int8", q8, (n,))
    add(g, "quantize", "f_s8", "xf", "int8", q8b, (n,))
    add(g, "quantize", "f_s16", "xf", "int16", q16, (n,))
    add(g, "quantize", "s8_s8", "x8", "int8", q8b, (1, 4, 4, 16))
    add(g, "quantize", "s8_s8_big", "x8", "int8", QParams(0.0004, 100), (1, 4, 4, 16))  # saturates
    add(g, "quantize", "s8_s16", "x8", "int16", q16, (1, 4, 4, 16))
    add(g, "quantize", "s16_s8", "x16", "int8", q8b, (n,))
    add(g, "quantize", "s16_s16", "x16", "int16", q16, (n,))
    add(g, "dequantize", "s8_f", "x8", "float32", None, (1, 4, 4, 16))
    add(g, "dequantize", "s16_f", "x16", "float32", None, (n,))
    # in place: an int8 -> int8 requantize of an intermediate tensor
    g.add_tensor(Tensor("t", (1, 4, 16, 4), "int8", q=QParams(0.05, 9)))
    g.nodes.append(Node("transpose", "tr", ["x8"], ["t"], dict(perm=(0, 2, 1, 3))))
    add(g, "quantize", "t_req", "t", "int8", QParams(0.09, -60), (1, 4, 16, 4))
    samples = []
    for scale in (0.125, 0.0371):
        xf = float_samples(rng, n, scale)
        rng.shuffle(xf)
        samples.append([xf, rng.integers(-128, 128, (1, 4, 4, 16)).astype(np.int8),
                        rng.integers(-32768, 32768, n).astype(np.int16)])
    samples[0][0][:3] = [np.nan, np.inf, -np.inf]
    return g, samples


def test_quantize_dequantize_c_matches_ref():
    """C tc_quantize_* / tc_requantize_* / tc_dequantize_* == numpy reference on the host (ASan/UBSan)."""
    assert_bitexact(*quant_graph())


@pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="needs qemu-system-arm")
def test_quantize_dequantize_cortex_m4f_matches_ref():
    """The same graph built for Cortex-M4F (mps2-an386, QEMU): float32 (de)quantization gives the host's bytes."""
    assert_bitexact(*quant_graph(), board="mps2-an386")


def _quant_node(in_dtype, in_q, out_dtype, out_q, shape, op="quantize"):
    g = Graph("q", source="test")
    g.add_tensor(Tensor("x", shape, in_dtype, q=in_q))
    g.add_tensor(Tensor("y", shape, out_dtype, q=out_q))
    g.inputs, g.outputs = ["x"], ["y"]
    g.nodes.append(Node(op, "n", ["x"], ["y"]))
    return g


@pytest.mark.parametrize("out_dtype,scale,zp", [("int8", 0.125, 3), ("int8", 0.0371, -17), ("int8", 0.3, 127),
                                                ("int16", 0.00052, 0)])
def test_quantize_float_ref_matches_litert(out_dtype, scale, zp):
    """numpy quantize ref (float32 divide, round half away, clamp) == LiteRT BUILTIN_REF QUANTIZE.

    Values with |x / scale| >= 2^31 are left out: TFLite's float->int32 cast is undefined there
    (x86 gives INT32_MIN, so +1e30 quantizes to -128); tinyc saturates them instead (C test above).
    """
    rng = np.random.default_rng(22)
    x = float_samples(rng, 400, scale, extremes=False)
    assert np.abs(x / np.float32(scale)).max() < 2.0**31
    g = _quant_node("float32", None, out_dtype, QParams(scale, zp), x.shape)
    want = OPS["quantize"].ref(g.nodes[0], g, x)[0]
    (got,) = run_op("QUANTIZE", [TensorSpec("x", x.shape, "float32")],
                    [TensorSpec("y", x.shape, out_dtype, scale, zp)], None, [x])
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("in_dtype,in_q,out_dtype,out_q", [
    ("int8", (0.05, 9), "int8", (0.0371, -17)),
    ("int8", (0.05, 9), "int8", (0.0004, 100)),
    ("int8", (0.05, 9), "int8", (0.05, 9)),
    ("int16", (0.0007, 0), "int16", (0.00052, 0)),
    ("int16", (0.0007, 0), "int8", (0.0371, -17)),
    ("int8", (0.05, 9), "int16", (0.0005, 0)),
])
def test_requantize_ref_matches_litert(in_dtype, in_q, out_dtype, out_q):
    """numpy requantize ref (MBQM of s_in / s_out) == LiteRT BUILTIN_REF QUANTIZE with an integer input."""
    lo, hi = np.iinfo(in_dtype).min, np.iinfo(in_dtype).max
    x = np.linspace(lo, hi, 512).round().astype(in_dtype)
    g = _quant_node(in_dtype, QParams(*in_q), out_dtype, QParams(*out_q), x.shape)
    want = OPS["quantize"].ref(g.nodes[0], g, x)[0]
    (got,) = run_op("QUANTIZE", [TensorSpec("x", x.shape, in_dtype, *in_q)],
                    [TensorSpec("y", x.shape, out_dtype, *out_q)], None, [x])
    np.testing.assert_array_equal(got, want)


def test_requantize_oracle_rounds_twice():
    """LiteRT BUILTIN_REF QUANTIZE (int8 -> int8) matches double rounding and not single rounding,
    over random scale pairs (the conv / FC kernels round once: tests/test_rounding.py)."""
    rng = np.random.default_rng(23)
    x = np.arange(-128, 128).astype(np.int8)
    single = double = 0
    for _ in range(12):
        (s_in, s_out), (z_in, z_out) = rng.uniform(1e-3, 0.1, 2), rng.integers(-128, 128, 2)
        s_in, s_out = float(np.float32(s_in)), float(np.float32(s_out))
        (got,) = run_op("QUANTIZE", [TensorSpec("x", x.shape, "int8", s_in, int(z_in))],
                        [TensorSpec("y", x.shape, "int8", s_out, int(z_out))], None, [x])
        m0, sh = requantize_multiplier(s_in, s_out)
        for name, f in (("single", fp.mbqm), ("double", fp.mbqm_double)):
            y = np.clip(f(x.astype(np.int64) - z_in, m0, sh) + z_out, -128, 127)
            if name == "single":
                single += int((y != got).sum())
            else:
                double += int((y != got).sum())
    assert double == 0
    assert single > 0


@pytest.mark.parametrize("in_dtype,scale,zp", [("int8", 0.0371, -17), ("int8", 1e-3, 127), ("int16", 0.00052, 0)])
def test_dequantize_ref_matches_litert(in_dtype, scale, zp):
    """numpy dequantize ref == LiteRT BUILTIN_REF DEQUANTIZE, compared as float32 bytes."""
    lo, hi = np.iinfo(in_dtype).min, np.iinfo(in_dtype).max
    x = np.linspace(lo, hi, 600).round().astype(in_dtype)
    g = _quant_node(in_dtype, QParams(scale, zp), "float32", None, x.shape, op="dequantize")
    want = OPS["dequantize"].ref(g.nodes[0], g, x)[0]
    (got,) = run_op("DEQUANTIZE", [TensorSpec("x", x.shape, in_dtype, scale, zp)],
                    [TensorSpec("y", x.shape, "float32")], None, [x])
    assert got.astype(np.float32).tobytes() == want.astype(np.float32).tobytes()


def test_roundf_exact_on_float32():
    """roundf: halves away from zero and no float32 double rounding (0.49999997 -> 0, 2^23 + 1 stays)."""
    x = np.array([0.5, -0.5, 1.5, -2.5, np.nextafter(np.float32(0.5), np.float32(0)), 8388609.0], dtype=np.float32)
    assert roundf(x).tolist() == [1.0, -1.0, 2.0, -3.0, 0.0, 8388609.0]
    assert quantize_f32(np.array([np.nan, np.inf, -np.inf]), 0.1, 5, -128, 127).tolist() == [-128, 127, -128]


def test_unsupported_dtypes_are_user_errors():
    """float -> float quantize, int32 dequantize, per-channel QParams: TinycError naming the node."""
    cases = [
        _quant_node("float32", None, "float32", None, (4,)),
        _quant_node("int32", QParams(0.1, 0), "float32", None, (4,), op="dequantize"),
        _quant_node("float32", None, "int8", QParams([0.1, 0.2], [0, 0], axis=0), (2,)),
    ]
    for g in cases:
        with pytest.raises(TinycError, match="node 'n'"):
            OPS[g.nodes[0].op].lower(g.nodes[0], g)
