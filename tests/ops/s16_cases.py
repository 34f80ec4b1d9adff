"""Random single-op TFLite 16x8 models (int16 activations, int8 weights, int64 bias) for the ops
issue 13 lists, each with its input arrays; deterministic per rng."""
from __future__ import annotations

import numpy as np

from new_op_cases import ACTS, _values
from tflite_builder import TensorSpec, build_model


def _a(name, shape, rng, scale=None, dtype="int16"):
    s = float(rng.uniform(2e-4, 1e-3)) if scale is None else scale
    return TensorSpec(name, shape, dtype, s, 0 if dtype == "int16" else int(rng.integers(-100, 100)))


def _weights(rng, shape, axis):
    c = shape[axis]
    ws = np.exp(rng.uniform(np.log(1e-3), np.log(1e-1), c)).astype(np.float32)
    return TensorSpec("w", shape, "int8", ws.tolist(), [0] * c, rng.integers(-127, 128, shape).astype(np.int8), axis), ws


def _bias(rng, x, ws):
    return TensorSpec("b", (len(ws),), "int64", (np.float32(x.scale) * ws).tolist(), [0] * len(ws),
                      rng.integers(-2_000_000, 2_000_000, len(ws)).astype(np.int64), 0)


def _out_scale(x, ws, taps):
    return 3 * float(np.sqrt(taps) * 18900 * x.scale * 73 * float(np.median(ws))) / 32767


def conv(rng, depthwise=False):
    h, w, cin = (int(v) for v in rng.integers(3, 9, 3))
    kh, kw = (int(v) for v in rng.integers(1, 4, 2))
    s = int(rng.integers(1, 3))
    padding = str(rng.choice(["SAME", "VALID"]))
    x = _a("x", (1, h, w, cin), rng)
    oh = (h + s - 1) // s if padding == "SAME" else (h - kh + s) // s
    ow = (w + s - 1) // s if padding == "SAME" else (w - kw + s) // s
    act = str(rng.choice(ACTS))
    opts = {"padding": padding, "stride_h": s, "stride_w": s, "fused_activation_function": act}
    if depthwise:
        dm = int(rng.integers(1, 3))
        wt, ws = _weights(rng, (1, kh, kw, cin * dm), 3)
        opts["depth_multiplier"] = dm
        taps, cout, op = kh * kw, cin * dm, "DEPTHWISE_CONV_2D"
    else:
        cout = int(rng.integers(1, 9))
        wt, ws = _weights(rng, (cout, kh, kw, cin), 0)
        taps, op = kh * kw * cin, "CONV_2D"
    y = _a("y", (1, oh, ow, cout), rng, _out_scale(x, ws, taps))
    return build_model(op, [x, wt, _bias(rng, x, ws)], [y], opts), [_values(x, rng)]  # 16x8 needs a bias


def fully_connected(rng):
    k, cout = int(rng.integers(4, 60)), int(rng.integers(1, 20))
    x = _a("x", (1, k), rng)
    wt, ws = _weights(rng, (cout, k), 0)
    y = _a("y", (1, cout), rng, _out_scale(x, ws, k))
    opts = {"fused_activation_function": str(rng.choice(ACTS))}
    return build_model("FULLY_CONNECTED", [x, wt, _bias(rng, x, ws)], [y], opts), [_values(x, rng)]


def mul(rng):
    shp = [((1, 4, 5, 6), (1, 4, 5, 6)), ((1, 4, 5, 6), (6,)), ((2, 7), (2, 1))][int(rng.integers(3))]
    a, b = _a("a", shp[0], rng), _a("b", shp[1], rng)
    y = _a("y", tuple(np.broadcast_shapes(*shp)), rng, a.scale * b.scale * 32768 * float(rng.uniform(0.1, 0.5)))
    return build_model("MUL", [a, b], [y], {"fused_activation_function": str(rng.choice(ACTS))}), \
        [_values(a, rng), _values(b, rng)]


def pool(op):
    def make(rng):
        h, w, c = (int(v) for v in rng.integers(3, 9, 3))
        k, s = int(rng.integers(1, 4)), int(rng.integers(1, 3))
        padding = str(rng.choice(["SAME", "VALID"]))
        oh = (h + s - 1) // s if padding == "SAME" else (h - k + s) // s
        ow = (w + s - 1) // s if padding == "SAME" else (w - k + s) // s
        x = _a("x", (1, h, w, c), rng)
        y = TensorSpec("y", (1, oh, ow, c), "int16", x.scale, 0)
        opts = {"padding": padding, "stride_h": s, "stride_w": s, "filter_height": k, "filter_width": k,
                "fused_activation_function": str(rng.choice(ACTS))}
        return build_model(op, [x], [y], opts), [_values(x, rng)]
    return make


def concat(rng):
    axis = int(rng.integers(0, 4))
    base = [int(v) for v in rng.integers(1, 5, 4)]
    s = float(rng.uniform(2e-4, 1e-3))
    xs, shapes = [], []
    for i in range(int(rng.integers(2, 4))):
        sh = list(base)
        sh[axis] = int(rng.integers(1, 4))
        xs.append(TensorSpec(f"x{i}", sh, "int16", s, 0))
        shapes.append(sh)
    out = list(base)
    out[axis] = sum(sh[axis] for sh in shapes)
    y = TensorSpec("y", out, "int16", s, 0)
    return build_model("CONCATENATION", xs, [y], {"axis": axis}), [_values(x, rng) for x in xs]


def pad(rng):
    shape = tuple(int(v) for v in rng.integers(1, 5, 4))
    pads = rng.integers(0, 3, (4, 2)).astype(np.int32)
    x = _a("x", shape, rng)
    y = TensorSpec("y", tuple(int(d + p.sum()) for d, p in zip(shape, pads)), "int16", x.scale, 0)
    p = TensorSpec("p", (4, 2), "int32", data=pads)
    return build_model("PAD", [x, p], [y]), [_values(x, rng)]


def quantize(rng):
    kind = int(rng.integers(3))
    src, dst = [("int8", "int16"), ("int16", "int8"), ("int16", "int16")][kind]
    shape = (1, int(rng.integers(1, 40)))
    x = _a("x", shape, rng, float(rng.uniform(0.01, 0.1)) if src == "int8" else None, src)
    ys = x.scale * float(rng.uniform(0.5, 2)) * (128 / 32768 if (src, dst) == ("int8", "int16") else
                                                 32768 / 128 if (src, dst) == ("int16", "int8") else 1)
    y = _a("y", shape, rng, ys, dst)
    return build_model("QUANTIZE", [x], [y]), [_values(x, rng)]


def mean(rng):
    h, w, c = (int(v) for v in rng.integers(1, 8, 3))
    x = _a("x", (1, h, w, c), rng)
    y = _a("y", (1, 1, 1, c), rng, x.scale * float(rng.uniform(0.3, 1.5)))
    axes = TensorSpec("axes", (2,), "int32", data=np.array([1, 2], dtype=np.int32))
    return build_model("MEAN", [x, axes], [y], {"keep_dims": True}), [_values(x, rng)]


def softmax(rng):
    n = int(rng.integers(2, 40))
    x = _a("x", (1, n), rng, float(rng.uniform(1e-4, 1e-3)))
    y = TensorSpec("y", (1, n), "int16", 1 / 32768, 0)
    return build_model("SOFTMAX", [x], [y], {"beta": float(rng.choice([1.0, 0.5, 2.0]))}), [_values(x, rng)]


def sigmoid(op):
    def make(rng):
        shape = (1, int(rng.integers(1, 9)), int(rng.integers(1, 65)))
        s = 2.0 ** -12 if rng.random() < 0.25 else float(np.exp(rng.uniform(np.log(1e-5), np.log(1e-2))))
        x = _a("x", shape, rng, s)
        y = TensorSpec("y", shape, "int16", 1 / 32768, 0)
        return build_model(op, [x], [y]), [_values(x, rng)]
    return make


S16_GENERATORS = {"CONV_2D": conv, "DEPTHWISE_CONV_2D": lambda rng: conv(rng, True),
                  "FULLY_CONNECTED": fully_connected, "MUL": mul, "MAX_POOL_2D": pool("MAX_POOL_2D"),
                  "AVERAGE_POOL_2D": pool("AVERAGE_POOL_2D"), "CONCATENATION": concat, "PAD": pad,
                  "QUANTIZE": quantize, "MEAN": mean, "SOFTMAX": softmax, "TANH": sigmoid("TANH"),
                  "LOGISTIC": sigmoid("LOGISTIC")}
