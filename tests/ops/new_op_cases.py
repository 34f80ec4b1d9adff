"""Random single-op TFLite models (tests/tflite_builder.py) for LEAKY_RELU, SUB, ADD, STRIDED_SLICE and
TRANSPOSE_CONV, int8 and int16 (16x8), each with its input arrays. Deterministic per seed."""
from __future__ import annotations

import numpy as np

from tflite_builder import TensorSpec, build_model

ACTS = ("NONE", "RELU", "RELU6")


def _act_spec(name, shape, dtype, rng, scale=None):
    scale = float(rng.uniform(0.005, 0.2)) if scale is None else scale
    zp = int(rng.integers(-100, 100)) if dtype == "int8" else 0
    return TensorSpec(name, shape, dtype, scale, zp)


def _values(spec, rng):
    lo, hi = (-128, 128) if spec.dtype == "int8" else (-32768, 32768)
    return rng.integers(lo, hi, spec.shape).astype(spec.dtype)


def _shape(rng, rank=None):
    rank = int(rng.integers(1, 5)) if rank is None else rank
    return tuple(int(d) for d in rng.integers(2, 7, rank))


def leaky_relu(rng, dtype):
    shape = _shape(rng)
    x = _act_spec("x", shape, dtype, rng)
    y = _act_spec("y", shape, dtype, rng)
    if dtype == "int16":
        x.scale, y.scale = x.scale / 200, y.scale / 200
    alpha = float(rng.choice([0.01, 0.2, 0.3, -0.5, 1.7]))
    return build_model("LEAKY_RELU", [x], [y], {"alpha": alpha}), [_values(x, rng)]


BCAST = [((1, 5, 6, 8), (1, 5, 6, 8)), ((1, 4, 3, 7), (7,)), ((1, 1, 1, 7), (1, 4, 3, 7)),
         ((1, 4, 3, 7), (1,)), ((1, 4, 1, 7), (1, 1, 5, 1)), ((3, 10), (3, 10)), ((2, 3, 4, 5), (2, 1, 4, 1))]


def binary(op):
    def make(rng, dtype):
        sa, sb = BCAST[int(rng.integers(len(BCAST)))]
        a, b = _act_spec("a", sa, dtype, rng), _act_spec("b", sb, dtype, rng)
        if dtype == "int16":
            a.scale, b.scale = a.scale / 200, b.scale / 200
        out = tuple(np.broadcast_shapes(sa, sb))
        y = _act_spec("y", out, dtype, rng, scale=(a.scale + b.scale) * float(rng.uniform(0.3, 1.5)))
        const_b = bool(rng.integers(3) == 0)
        xs = [_values(a, rng)]
        if const_b:
            b.data = _values(b, rng)
        else:
            xs.append(_values(b, rng))
        act = str(rng.choice(ACTS))
        return build_model(op, [a, b], [y], {"fused_activation_function": act}), xs
    return make


def strided_slice(rng, dtype):
    shape = _shape(rng, int(rng.integers(1, 6)))
    rank = len(shape)
    begin, end, strides = [], [], []
    bm = em = sm = 0
    out = []
    for i, d in enumerate(shape):
        s = int(rng.choice([1, 1, 2, 3, -1, -2]))
        b, e = int(rng.integers(-d - 1, d + 2)), int(rng.integers(-d - 1, d + 2))
        mb, me = bool(rng.integers(4) == 0), bool(rng.integers(4) == 0)
        shrink = bool(rng.integers(6) == 0) and s > 0
        if shrink:
            b = int(rng.integers(-d, d))
        begin.append(b)
        end.append(e)
        strides.append(s)
        bm |= int(mb) << i
        em |= int(me) << i
        sm |= int(shrink) << i
        if not shrink:
            out.append(len(range(d)[slice(None if mb else b, None if me else e, s)]))
    if not out or min(out) == 0:
        return strided_slice(rng, dtype)  # keep every output non-empty
    x = _act_spec("x", shape, dtype, rng)
    y = TensorSpec("y", out, dtype, x.scale, x.zero_point)
    ints = [TensorSpec(n, (rank,), "int32", data=np.array(v, dtype=np.int32))
            for n, v in (("begin", begin), ("end", end), ("strides", strides))]
    opts = {"begin_mask": bm, "end_mask": em, "shrink_axis_mask": sm}
    return build_model("STRIDED_SLICE", [x, *ints], [y], opts), [_values(x, rng)]


def transpose_conv(rng, dtype):
    h, w = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    cin, cout = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    kh, kw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    sh, sw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    padding = str(rng.choice(["SAME", "VALID"]))
    oh, ow = (h * sh, w * sw) if padding == "SAME" else ((h - 1) * sh + kh, (w - 1) * sw + kw)
    x = _act_spec("x", (1, h, wd := w, cin), dtype, rng)
    del wd
    if dtype == "int16":
        x.scale /= 200
    ws = np.exp(rng.uniform(np.log(1e-3), np.log(1e-1), cout)).astype(np.float32)
    wt = TensorSpec("w", (cout, kh, kw, cin), "int8", ws.tolist(), [0] * cout,
                    rng.integers(-127, 128, (cout, kh, kw, cin)).astype(np.int8), 0)
    bias = None
    if rng.integers(3):
        bdt, span = ("int64", 200000) if dtype == "int16" else ("int32", 20000)
        bias = TensorSpec("b", (cout,), bdt, (np.float32(x.scale) * ws).tolist(), [0] * cout,
                          rng.integers(-span, span, cout).astype(bdt), 0)
    x_std, qmax = (74, 127) if dtype == "int8" else (18900, 32767)  # uniform integers over the range
    typical = np.sqrt(max(kh * kw * cin / (sh * sw), 1)) * x_std * x.scale * 73 * float(np.median(ws))
    y = _act_spec("y", (1, oh, ow, cout), dtype, rng, scale=3 * float(typical) / qmax)
    shp = TensorSpec("shape", (4,), "int32", data=np.array([1, oh, ow, cout], dtype=np.int32))
    opts = {"padding": padding, "stride_h": sh, "stride_w": sw}
    act = str(rng.choice(ACTS))
    if act != "NONE":
        opts["fused_activation_function"] = act
    return build_model("TRANSPOSE_CONV", [shp, wt, x, bias], [y], opts), [_values(x, rng)]


GENERATORS = {"LEAKY_RELU": leaky_relu, "SUB": binary("SUB"), "ADD": binary("ADD"),
              "STRIDED_SLICE": strided_slice, "TRANSPOSE_CONV": transpose_conv}
