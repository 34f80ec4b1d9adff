"""TFLite ops as the converter emits them for a ViT: numpy reference vs LiteRT, C vs numpy reference.

Oracles: LiteRT BUILTIN_REF for tinyc's numpy reference (every case goes
through the real TFLite frontend); the numpy reference for the generated C
(one ASan/UBSan host build per dtype holding every case). Shapes, qparams and
options are random (seeded); `make test-slow` runs more seeds.
"""
import numpy as np
import pytest

from tests.vit.cases import Case, act, litert_vs_ref, merged, rand_q, rand_x, tmpdir
from harness import assert_bitexact
from tflite_builder import TensorSpec

ALL8 = np.arange(-128, 128, dtype=np.int8)


def batch_matmul(rng, dtype, i):
    nb = int(rng.integers(0, 3))
    batch = [int(d) for d in rng.integers(1, 5, nb)]
    rb = [d if rng.random() < 0.7 else 1 for d in batch]  # rhs broadcasts some batch dims
    m, k, n = (int(d) for d in rng.integers(1, 40, 3))
    adj_x, adj_y = bool(rng.random() < 0.3), bool(rng.random() < 0.5)
    xs = (*batch, k, m) if adj_x else (*batch, m, k)
    ws = (*rb, n, k) if adj_y else (*rb, k, n)
    (sx, zx), (sw, zw) = rand_q(rng, dtype), rand_q(rng, dtype)
    gain = rng.uniform(20, 80) if dtype == "int8" else rng.uniform(1e4, 4e4)
    sy, zy = sx * sw * np.sqrt(k) * gain, rand_q(rng, dtype)[1]
    return Case(f"bmm_{dtype}_{i}", "BATCH_MATMUL", [act("x", xs, dtype, sx, zx), act("w", ws, dtype, sw, zw)],
                [act("y", (*batch, m, n), dtype, sy, zy)], {"adj_x": adj_x, "adj_y": adj_y},
                [rand_x(rng, xs, dtype), rand_x(rng, ws, dtype)])


def rsqrt(rng, i):
    sx, zx = rand_q(rng, "int8", 0.001, 0.5)
    sy = 1 / np.sqrt(sx) / 127 * rng.uniform(0.05, 1.0)
    zy = int(rng.integers(-128, 0))
    x = np.arange(zx, 128, dtype=np.int8)  # LiteRT rejects inputs below the zero point
    return Case(f"rsqrt_{i}", "RSQRT", [act("x", x.shape, "int8", sx, zx)], [act("y", x.shape, "int8", sy, zy)],
                {}, [x])


def gelu(rng, i, approximate):
    sx, zx = rand_q(rng, "int8", 0.01, 0.1)
    sy, zy = sx * rng.uniform(0.5, 1.5), int(rng.integers(-100, -20))
    return Case(f"gelu_{int(approximate)}_{i}", "GELU", [act("x", (256,), "int8", sx, zx)],
                [act("y", (256,), "int8", sy, zy)], {"approximate": approximate}, [ALL8])


def gather(rng, dtype, i):
    rank = int(rng.integers(1, 4))
    shape = tuple(int(d) for d in rng.integers(1, 9, rank))
    axis = int(rng.integers(0, rank))
    ind = rng.integers(0, shape[axis], () if rng.random() < 0.4 else int(rng.integers(1, 4))).astype(np.int32)
    s, z = rand_q(rng, dtype)
    out = shape[:axis] + ind.shape + shape[axis + 1:]
    return Case(f"gather_{dtype}_{i}", "GATHER",
                [act("x", shape, dtype, s, z), TensorSpec("i", ind.shape, "int32", data=ind)],
                [act("y", out, dtype, s, z)], {"axis": axis}, [rand_x(rng, shape, dtype)])


def fc3d(rng, dtype, i):
    n, k, cout = int(rng.integers(2, 70)), int(rng.integers(4, 64)), int(rng.integers(1, 40))
    sx, zx = rand_q(rng, dtype)
    sw = rng.uniform(0.002, 0.02, cout)
    w = rng.integers(-127, 128, (cout, k)).astype(np.int8)
    bt = "int32" if dtype == "int8" else "int64"
    b = rng.integers(-3000, 3000, cout).astype(bt)
    gain = rng.uniform(10, 40) if dtype == "int8" else rng.uniform(5e3, 2e4)
    sy, zy = sx * float(sw.mean()) * np.sqrt(k) * gain, rand_q(rng, dtype)[1]
    return Case(f"fc3d_{dtype}_{i}", "FULLY_CONNECTED",
                [act("x", (1, n, k), dtype, sx, zx),
                 TensorSpec("w", (cout, k), "int8", list(sw), [0] * cout, data=w),
                 TensorSpec("b", (cout,), bt, list(sx * sw), [0] * cout, data=b)],
                [act("y", (1, n, cout), dtype, sy, zy)], {"keep_num_dims": True}, [rand_x(rng, (1, n, k), dtype)])


def int16_unary(rng, i):
    """RSQRT and GELU (exact / approximate) in 16x8, every int16 value (LUTPopulate<int16_t>)."""
    allx = np.arange(-32768, 32768, dtype=np.int16)
    pos = np.arange(0, 32768, dtype=np.int16)  # LiteRT rejects negative RSQRT inputs
    si = float(np.exp(rng.uniform(np.log(1e-5), np.log(1e-2))))
    so = 1 / np.sqrt(si * 64) / 32767 * rng.uniform(0.3, 1.0)
    gi = float(np.exp(rng.uniform(np.log(5e-5), np.log(1e-3))))
    go = gi * rng.uniform(0.5, 1.2)
    return [Case(f"rsqrt16_{i}", "RSQRT", [act("x", pos.shape, "int16", si)], [act("y", pos.shape, "int16", so)], {}, [pos]),
            Case(f"gelu16_{i}", "GELU", [act("x", allx.shape, "int16", gi)], [act("y", allx.shape, "int16", go)],
                 {"approximate": False}, [allx]),
            Case(f"gelu16a_{i}", "GELU", [act("x", allx.shape, "int16", gi)], [act("y", allx.shape, "int16", go)],
                 {"approximate": True}, [allx])]


def transpose16(rng, i):
    n, h = int(rng.integers(2, 66)), int(rng.integers(1, 5))
    perm = np.array([0, 2, 1, 3], np.int32)
    s = rand_q(rng, "int16")[0]
    return Case(f"transpose16_{i}", "TRANSPOSE", [act("x", (1, n, h, 8), "int16", s),
                                                  TensorSpec("p", (4,), "int32", data=perm)],
                [act("y", (1, h, n, 8), "int16", s)], {}, [rand_x(rng, (1, n, h, 8), "int16")])


def int16_cases(rng, i):
    """The other ops of the list in 16x8, in the shapes a ViT gives them (zero points 0, int64 bias)."""
    n, c, h = int(rng.integers(2, 66)), int(rng.choice([8, 16, 32, 128])), int(rng.integers(1, 5))
    d = int(rng.integers(1, 257))
    s, s2 = rand_q(rng, "int16", 1e-4, 1e-2)[0], rand_q(rng, "int16", 1e-4, 1e-2)[0]
    x16 = lambda shape: rand_x(rng, shape, "int16")  # noqa: E731
    out = [Case(f"softmax16_{i}", "SOFTMAX", [act("x", (1, h, 3, d), "int16", s)],
                [act("y", (1, h, 3, d), "int16", 1 / 32768)], {"beta": 1.0}, [x16((1, h, 3, d))]),
           Case(f"mean16_{i}", "MEAN", [act("x", (1, n, c), "int16", s),
                                        TensorSpec("a", (1,), "int32", data=np.array([2], np.int32))],
                [act("y", (1, n, 1), "int16", s2)], {"keep_dims": True}, [x16((1, n, c))]),
           Case(f"addb16_{i}", "ADD", [act("a", (1, n, c), "int16", s), act("b", (1, n, 1), "int16", s2)],
                [act("y", (1, n, c), "int16", s + s2)], {}, [x16((1, n, c)), x16((1, n, 1))]),
           Case(f"subb16_{i}", "SUB", [act("a", (1, n, c), "int16", s), act("b", (1, n, 1), "int16", s2)],
                [act("y", (1, n, c), "int16", s + s2)], {}, [x16((1, n, c)), x16((1, n, 1))]),
           Case(f"tanh16_{i}", "TANH", [act("x", (1, n, c), "int16", rand_q(rng, "int16", 5e-5, 5e-4)[0])],
                [act("y", (1, n, c), "int16", 1 / 32768)], {}, [x16((1, n, c))])]
    cst = rng.integers(-32768, 32768, (c,)).astype(np.int16)
    out.append(Case(f"mulb16_{i}", "MUL", [act("a", (1, n, c), "int16", s),
                                           TensorSpec("b", (c,), "int16", 1e-4, 0, data=cst)],
                    [act("y", (1, n, c), "int16", s * 2.0)], {}, [x16((1, n, c))]))
    out.append(Case(f"mulr16_{i}", "MUL", [act("a", (1, n, c), "int16", s), act("b", (1, n, 1), "int16", s2)],
                    [act("y", (1, n, c), "int16", s * s2 * 30000)], {}, [x16((1, n, c)), x16((1, n, 1))]))
    shp = np.array([1, n, h, c // h] if c % h == 0 else [1, n, 1, c], np.int32)
    out.append(Case(f"reshape16_{i}", "RESHAPE", [act("x", (1, n, c), "int16", s),
                                                  TensorSpec("s", (4,), "int32", data=shp)],
                    [act("y", tuple(int(v) for v in shp), "int16", s)],
                    {"new_shape": [int(v) for v in shp]}, [x16((1, n, c))]))
    cls = rng.integers(-32768, 32768, (1, 1, c)).astype(np.int16)
    out.append(Case(f"concat16_{i}", "CONCATENATION", [TensorSpec("t", (1, 1, c), "int16", s, 0, data=cls),
                                                       act("x", (1, n, c), "int16", s)],
                    [act("y", (1, n + 1, c), "int16", s)], {"axis": 1}, [x16((1, n, c))]))
    p, cin = int(rng.choice([2, 4])), 3
    hw = p * int(rng.integers(1, 5))
    w = rng.integers(-127, 128, (c, p, p, cin)).astype(np.int8)
    sw = rng.uniform(0.002, 0.02, c)
    b = rng.integers(-200000, 200000, c).astype(np.int64)
    out.append(Case(f"patch16_{i}", "CONV_2D",
                    [act("x", (1, hw, hw, cin), "int16", s),
                     TensorSpec("w", w.shape, "int8", list(sw), [0] * c, data=w),
                     TensorSpec("b", (c,), "int64", list(s * sw), [0] * c, data=b)],
                    [act("y", (1, hw // p, hw // p, c), "int16", s * float(sw.mean()) * 3000)],
                    {"padding": "VALID", "stride_w": p, "stride_h": p}, [x16((1, hw, hw, cin))]))
    return out


def int8_cases(rng, i):
    """The existing int8 ops in the shapes a ViT gives them."""
    n, c, h = int(rng.integers(2, 66)), int(rng.choice([8, 16, 32, 128])), int(rng.integers(1, 5))
    d = int(rng.integers(1, 257))
    s, z = rand_q(rng, "int8")
    s2, z2 = rand_q(rng, "int8")
    out = []
    out.append(Case(f"softmax_{i}", "SOFTMAX", [act("x", (1, h, 3, d), "int8", s, z)],
                    [act("y", (1, h, 3, d), "int8", 1 / 256, -128)], {"beta": 1.0}, [rand_x(rng, (1, h, 3, d), "int8")]))
    out.append(Case(f"mean_{i}", "MEAN", [act("x", (1, n, c), "int8", s, z),
                                          TensorSpec("a", (1,), "int32", data=np.array([2], np.int32))],
                    [act("y", (1, n, 1), "int8", s2, z2)], {"keep_dims": True}, [rand_x(rng, (1, n, c), "int8")]))
    out.append(Case(f"addb_{i}", "ADD", [act("a", (1, n, c), "int8", s, z), act("b", (1, n, 1), "int8", s2, z2)],
                    [act("y", (1, n, c), "int8", s + s2, -3)], {},
                    [rand_x(rng, (1, n, c), "int8"), rand_x(rng, (1, n, 1), "int8")]))
    cst = rng.integers(-128, 128, (c,)).astype(np.int8)
    out.append(Case(f"mulb_{i}", "MUL", [act("a", (1, n, c), "int8", s, z),
                                         TensorSpec("b", (c,), "int8", 0.01, 5, data=cst)],
                    [act("y", (1, n, c), "int8", s * 0.6, 7)], {}, [rand_x(rng, (1, n, c), "int8")]))
    out.append(Case(f"tanh_{i}", "TANH", [act("x", (1, n, c), "int8", s, z)],
                    [act("y", (1, n, c), "int8", 1 / 128, 0)], {}, [rand_x(rng, (1, n, c), "int8")]))
    perm = np.array([0, 2, 1, 3], np.int32)
    out.append(Case(f"transpose_{i}", "TRANSPOSE", [act("x", (1, n, h, 8), "int8", s, z),
                                                    TensorSpec("p", (4,), "int32", data=perm)],
                    [act("y", (1, h, n, 8), "int8", s, z)], {}, [rand_x(rng, (1, n, h, 8), "int8")]))
    shp = np.array([1, n, h, c // h] if c % h == 0 else [1, n, 1, c], np.int32)
    out.append(Case(f"reshape_{i}", "RESHAPE", [act("x", (1, n, c), "int8", s, z),
                                                TensorSpec("s", (4,), "int32", data=shp)],
                    [act("y", tuple(int(v) for v in shp), "int8", s, z)],
                    {"new_shape": [int(v) for v in shp]}, [rand_x(rng, (1, n, c), "int8")]))
    cls = rng.integers(-128, 128, (1, 1, c)).astype(np.int8)
    out.append(Case(f"concat_{i}", "CONCATENATION", [TensorSpec("t", (1, 1, c), "int8", s, z, data=cls),
                                                     act("x", (1, n, c), "int8", s, z)],
                    [act("y", (1, n + 1, c), "int8", s, z)], {"axis": 1}, [rand_x(rng, (1, n, c), "int8")]))
    p, cin = int(rng.choice([2, 4])), 3
    hw = p * int(rng.integers(1, 5))
    w = rng.integers(-127, 128, (c, p, p, cin)).astype(np.int8)
    sw = rng.uniform(0.002, 0.02, c)
    b = rng.integers(-2000, 2000, c).astype(np.int32)
    out.append(Case(f"patch_{i}", "CONV_2D",
                    [act("x", (1, hw, hw, cin), "int8", s, z),
                     TensorSpec("w", w.shape, "int8", list(sw), [0] * c, data=w),
                     TensorSpec("b", (c,), "int32", list(s * sw), [0] * c, data=b)],
                    [act("y", (1, hw // p, hw // p, c), "int8", s * float(sw.mean()) * 60, -5)],
                    {"padding": "VALID", "stride_w": p, "stride_h": p}, [rand_x(rng, (1, hw, hw, cin), "int8")]))
    return out


def all_cases(seed: int, dtype: str):
    rng = np.random.default_rng(seed)
    cs = [batch_matmul(rng, dtype, seed), gather(rng, dtype, seed), fc3d(rng, dtype, seed)]
    if dtype == "int8":
        cs += [rsqrt(rng, seed), gelu(rng, seed, False), gelu(rng, seed, True)] + int8_cases(rng, seed)
    else:
        cs += [transpose16(rng, seed), *int16_cases(rng, seed)] + (int16_unary(rng, seed) if seed % 8 == 0 else [])
    return cs


def check(seeds, dtype, c_build=True):
    tmp = tmpdir()
    graphs, feeds, bad = [], [], []
    for seed in seeds:
        for c in all_cases(seed, dtype):
            g, want, got = litert_vs_ref(c, tmp)
            for w, y in zip(want, got):
                if w.tobytes() != np.asarray(y).astype(w.dtype).reshape(w.shape).tobytes():
                    bad.append(f"{c.name}: {int((w.reshape(-1) != np.asarray(y).reshape(-1)).sum())} of {w.size} differ")
            graphs.append(g)
            feeds += c.feeds
    assert not bad, "numpy reference != LiteRT: " + "; ".join(bad)
    if c_build:
        assert_bitexact(merged(graphs, f"vit_ops_{dtype}"), [feeds])


@pytest.mark.parametrize("dtype", ["int8", "int16"])
def test_vit_ops(dtype):
    """Every op (1 seed): numpy reference == LiteRT; generated C == numpy reference."""
    check(range(1), dtype)


@pytest.mark.slow
@pytest.mark.parametrize("dtype", ["int8", "int16"])
def test_vit_ops_sweep(dtype):
    check(range(1, 40), dtype)


@pytest.mark.slow
def test_rsqrt_all_inputs_and_gelu_tables():
    """RSQRT over several qparams and both GELU forms, every int8 input value (numpy ref vs LiteRT)."""
    rng = np.random.default_rng(99)
    tmp = tmpdir()
    for i in range(6):
        for c in (rsqrt(rng, 100 + i), gelu(rng, 100 + i, False), gelu(rng, 100 + i, True)):
            _, want, got = litert_vs_ref(c, tmp)
            np.testing.assert_array_equal(got[0].reshape(-1), want[0].reshape(-1), err_msg=c.name)
