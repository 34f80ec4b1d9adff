"""tests/tflite_builder.py builds single-op models that LiteRT (BUILTIN_REF) runs.

Oracle: hand-computed values (quantize/dequantize/relu/max pool/pad/transpose/
concat/resize are exact data movement or simple formulas) and float numpy
for the arithmetic ops, within one quantization step.
"""
import numpy as np
import pytest

from tflite_builder import OPS, TensorSpec, build_model, run_litert, run_op

RNG = np.random.default_rng(0)


def i8(shape, name="x", scale=0.05, zp=0, data=None):
    return TensorSpec(name, shape, "int8", scale, zp, data)


def rand_i8(shape):
    return RNG.integers(-128, 128, size=shape).astype(np.int8)


def test_quantize_dequantize_exact():
    """Oracle: TFLite Quantize = zp + round_half_away(x / s), Dequantize = s * (q - zp)."""
    x = np.array([0.0, 0.25, -0.25, 0.75, -1.0, 100.0, -100.0], np.float32)
    (q,) = run_op("QUANTIZE", [TensorSpec("x", x.shape, "float32")],
                  [i8(x.shape, "q", 0.5, 1)], {}, [x])
    assert q.tolist() == [1, 2, 0, 3, -1, 127, -128]
    (d,) = run_op("DEQUANTIZE", [i8(x.shape, "q", 0.5, 1)],
                  [TensorSpec("d", x.shape, "float32")], {}, [q])
    np.testing.assert_array_equal(d, np.float32(0.5) * (q.astype(np.float32) - 1))


def test_relu_same_qparams_is_clamp_at_zero_point():
    """Oracle: RELU with equal in/out qparams is max(q, zp)."""
    x = np.arange(-128, 128, dtype=np.int8)
    (y,) = run_op("RELU", [i8(x.shape, "x", 0.1, -5)], [i8(x.shape, "y", 0.1, -5)], {}, [x])
    np.testing.assert_array_equal(y, np.maximum(x, -5))


def test_conv_per_channel_fused_relu():
    """Oracle: float conv of the dequantized values, requantized, within 1 LSB."""
    sx, sy, sw = 0.05, 0.2, np.array([0.01, 0.02, 0.03], np.float32)
    w = RNG.integers(-127, 128, size=(3, 3, 3, 2)).astype(np.int8)
    b = RNG.integers(-500, 500, size=3).astype(np.int32)
    x = rand_i8((1, 5, 5, 2))
    specs = [i8(x.shape, "x", sx, 0), TensorSpec("w", w.shape, "int8", sw, 0, w, 0),
             TensorSpec("b", (3,), "int32", sx * sw, 0, b)]
    (y,) = run_op("CONV_2D", specs, [i8((1, 2, 2, 3), "y", sy, -128)],
                  {"padding": "VALID", "stride_w": 2, "stride_h": 2,
                   "fused_activation_function": "RELU"}, [x])
    xf = x.astype(np.float64) * sx
    acc = np.zeros((2, 2, 3))
    for i in range(2):
        for j in range(2):
            patch = xf[0, 2 * i:2 * i + 3, 2 * j:2 * j + 3, :]
            acc[i, j] = np.einsum("hwc,ohwc->o", patch, w * sw.astype(np.float64)[:, None, None, None])
    real = np.maximum(acc + b * sx * sw, 0)
    want = np.clip(np.round(real / sy) - 128, -128, 127)
    assert np.abs(y[0].astype(int) - want).max() <= 1


def test_data_movement_ops_exact():
    """Oracle: numpy transpose / pad / concatenate / max over windows / nearest resize."""
    x = rand_i8((1, 4, 4, 3))
    q = dict(scale=0.1, zp=2)
    perm = np.array([0, 3, 1, 2], np.int32)
    (t,) = run_op("TRANSPOSE", [i8(x.shape, **q), TensorSpec("p", (4,), "int32", data=perm)],
                  [i8((1, 3, 4, 4), "y", **q)], {}, [x])
    np.testing.assert_array_equal(t, x.transpose(0, 3, 1, 2))
    pads = np.array([[0, 0], [1, 2], [0, 1], [0, 0]], np.int32)
    (p,) = run_op("PAD", [i8(x.shape, **q), TensorSpec("pads", (4, 2), "int32", data=pads)],
                  [i8((1, 7, 5, 3), "y", **q)], {}, [x])
    np.testing.assert_array_equal(p, np.pad(x, pads, constant_values=2))
    (c,) = run_op("CONCATENATION", [i8(x.shape, "a", **q), i8(x.shape, "b", **q)],
                  [i8((1, 4, 4, 6), "y", **q)], {"axis": 3}, [x, x[:, ::-1]])
    np.testing.assert_array_equal(c, np.concatenate([x, x[:, ::-1]], axis=3))
    (m,) = run_op("MAX_POOL_2D", [i8(x.shape, **q)], [i8((1, 2, 2, 3), "y", **q)],
                  {"padding": "VALID", "stride_w": 2, "stride_h": 2,
                   "filter_width": 2, "filter_height": 2}, [x])
    np.testing.assert_array_equal(m, x.reshape(1, 2, 2, 2, 2, 3).max(axis=(2, 4)))
    size = np.array([8, 8], np.int32)
    (r,) = run_op("RESIZE_NEAREST_NEIGHBOR", [i8(x.shape, **q), TensorSpec("s", (2,), "int32", data=size)],
                  [i8((1, 8, 8, 3), "y", **q)], {}, [x])
    np.testing.assert_array_equal(r, x.repeat(2, axis=1).repeat(2, axis=2))


def test_mean_and_avg_pool_close_to_float():
    """Oracle: float mean of dequantized values, within 1 LSB."""
    x = rand_i8((1, 4, 4, 3))
    axes = np.array([1, 2], np.int32)
    (m,) = run_op("MEAN", [i8(x.shape), TensorSpec("axes", (2,), "int32", data=axes)],
                  [i8((1, 1, 1, 3), "y")], {"keep_dims": True}, [x])
    assert np.abs(m.ravel() - x.astype(float).mean(axis=(0, 1, 2))).max() <= 1
    (a,) = run_op("AVERAGE_POOL_2D", [i8(x.shape)], [i8((1, 1, 1, 3), "y")],
                  {"padding": "VALID", "stride_w": 1, "stride_h": 1,
                   "filter_width": 4, "filter_height": 4}, [x])
    assert np.abs(a.ravel() - x.astype(float).mean(axis=(0, 1, 2))).max() <= 1


@pytest.mark.parametrize("op,fn,sy,zy", [
    ("ADD", lambda a, b: a + b, 0.1, 0),
    ("MUL", lambda a, b: a * b, 0.1, 0),
])
def test_binary_ops_close_to_float(op, fn, sy, zy):
    """Oracle: float op on dequantized inputs, within 1 LSB."""
    a, b = rand_i8((1, 2, 2, 8)), rand_i8((1, 2, 2, 8))
    (y,) = run_op(op, [i8(a.shape, "a", 0.05, 1), i8(b.shape, "b", 0.03, -2)],
                  [i8(a.shape, "y", sy, zy)], {"fused_activation_function": "NONE"}, [a, b])
    real = fn(0.05 * (a.astype(float) - 1), 0.03 * (b.astype(float) + 2))
    assert np.abs(y - np.clip(np.round(real / sy) + zy, -128, 127)).max() <= 1


def test_fc_and_depthwise_close_to_float():
    """Oracle: float matmul / depthwise product of dequantized values, within 1 LSB."""
    x = rand_i8((1, 16))
    w = RNG.integers(-127, 128, size=(4, 16)).astype(np.int8)
    (y,) = run_op("FULLY_CONNECTED", [i8(x.shape, "x", 0.05), TensorSpec("w", w.shape, "int8", 0.01, 0, w), None],
                  [i8((1, 4), "y", 0.1)], {"fused_activation_function": "NONE"}, [x])
    real = (x.astype(float) * 0.05) @ (w.astype(float) * 0.01).T
    assert np.abs(y - np.clip(np.round(real / 0.1), -128, 127)).max() <= 1
    xd = rand_i8((1, 1, 1, 4))
    wd = RNG.integers(-127, 128, size=(1, 1, 1, 4)).astype(np.int8)
    sw = np.array([0.01, 0.02, 0.01, 0.02], np.float32)
    bd = TensorSpec("b", (4,), "int32", 0.05 * sw, 0, np.zeros(4, np.int32))
    (yd,) = run_op("DEPTHWISE_CONV_2D", [i8(xd.shape, "x", 0.05), TensorSpec("w", wd.shape, "int8", sw, 0, wd, 3), bd],
                   [i8(xd.shape, "y", 0.1)], {"padding": "SAME", "stride_w": 1, "stride_h": 1,
                                              "depth_multiplier": 1}, [xd])
    real = xd.astype(float).ravel() * 0.05 * wd.ravel() * sw
    assert np.abs(yd.ravel() - np.clip(np.round(real / 0.1), -128, 127)).max() <= 1


@pytest.mark.parametrize("op,opts,sy,zy,fn", [
    ("LOGISTIC", {}, 1 / 256, -128, lambda v: 1 / (1 + np.exp(-v))),
    ("TANH", {}, 1 / 128, 0, np.tanh),
    ("HARD_SWISH", {}, 0.05, -10, lambda v: v * np.clip(v + 3, 0, 6) / 6),
    ("SOFTMAX", {"beta": 1.0}, 1 / 256, -128, lambda v: np.exp(v) / np.exp(v).sum()),
    ("LOG_SOFTMAX", {}, 16 / 256, 127, lambda v: v - np.log(np.exp(v).sum())),
])
def test_activation_ops_close_to_float(op, opts, sy, zy, fn):
    """Oracle: float activation of the dequantized input, within 2 LSB (the int8 kernels approximate)."""
    x = np.arange(-128, 128, 16, dtype=np.int8).reshape(1, 16)
    (y,) = run_op(op, [i8(x.shape, "x", 0.05, 3)], [i8(x.shape, "y", sy, zy)], opts, [x])
    want = np.clip(np.round(fn(0.05 * (x.astype(float) - 3)) / sy) + zy, -128, 127)
    assert np.abs(y.astype(int) - want).max() <= 2


def test_errors_and_model_identifier():
    """Oracle: the flatbuffer file identifier is TFL3; unknown ops/fields are rejected."""
    m = build_model("RELU6", [i8((3,))], [i8((3,), "y")])
    assert m[4:8] == b"TFL3"
    assert run_litert(m, [np.array([-100, 0, 127], np.int8)])[0].tolist() == [0, 0, 120]
    with pytest.raises(ValueError):
        build_model("NOPE", [i8((3,))], [i8((3,), "y")])
    with pytest.raises(ValueError):
        build_model("SOFTMAX", [i8((3,))], [i8((3,), "y")], {"bogus": 1})
    assert {"SOFTMAX", "CONV_2D", "MEAN", "TRANSPOSE"} <= set(OPS)
