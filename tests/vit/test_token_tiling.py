"""Token tiling (tinyc/passes/token_tiling.py) on hand-built int8 graphs with odd token counts.

Oracles: the numpy reference of the untiled graph for the tiled graph's numpy reference (same
semantics by construction) and for its generated C (ASan/UBSan), bit for bit. Covers T = 1
(a prime token count), T < R, a residual written over its input token by token, LayerNorm-like
reductions, a constant with one row per token, and attention tiled by head and query rows.
"""
import numpy as np
import pytest

from harness import assert_bitexact, run_graph_ref
from tinyc.ir import Graph, Node, QParams, Tensor
from tinyc.passes.token_tiling import tile_tokens

INF = float("inf")


def block(rows, c=16, hidden=24, heads=2, seed=0):
    rng = np.random.default_rng(seed)
    g = Graph(f"tok{rows}", source="test")

    def act(name, shape, s=None):
        g.add_tensor(Tensor(name, shape, "int8", q=QParams(s or float(rng.uniform(0.02, 0.1)),
                                                            int(rng.integers(-20, 20)))))
        return name

    def fc(name, x, k, n):
        w = g.const(f"{name}_w", rng.integers(-127, 128, (n, k)).astype(np.int8),
                    QParams(rng.uniform(0.005, 0.02, n).astype(np.float32), np.zeros(n, np.int64), axis=0))
        b = g.const(f"{name}_b", rng.integers(-500, 500, n).astype(np.int32),
                    QParams((g.tensors[x].q.s() * w.q.scale).astype(np.float32), np.zeros(n, np.int64), axis=0))
        y = act(name, (1, rows, n))
        g.nodes.append(Node("fully_connected", name, [x, w.name, b.name], [y], {"act": (-INF, INF)}))
        return y

    def op(kind, name, ins, shape, **attrs):
        y = act(name, shape, attrs.pop("s", None))
        if kind in ("add", "sub", "mul"):
            attrs.setdefault("act", (-INF, INF))
        g.nodes.append(Node(kind, name, ins, [y], attrs))
        return y

    x = act("x", (1, rows, c))
    g.inputs.append(x)
    pos = g.const("pos", rng.integers(-128, 128, (1, rows, c)).astype(np.int8), QParams(0.05, 3))
    x1 = op("add", "x1", [x, pos.name], (1, rows, c))
    m = op("mean", "m", [x1], (1, rows, 1), axes=(2,), keepdims=True)
    d = op("sub", "d", [x1, m], (1, rows, c))
    gam = g.const("gamma", rng.integers(-128, 128, (c,)).astype(np.int8), QParams(0.01, 0))
    n = op("mul", "n", [d, gam.name], (1, rows, c))
    h = fc("fc1", n, c, hidden)
    a = op("gelu", "a", [h], (1, rows, hidden))
    o = fc("fc2", a, hidden, c)
    y = op("add", "y", [x1, o], (1, rows, c))
    # attention: q, k, v from y, heads of c // heads, score tiles per head
    hd = c // heads
    q, k, v = (fc(f"{t}", y, c, c) for t in "qkv")
    qh, kh, vh = (op("reshape", f"{t}h", [t], (1, rows, heads, hd)) for t in "qkv")
    qt, kt, vt = (op("transpose", f"{t}t", [f"{t}h"], (1, heads, rows, hd), perm=(0, 2, 1, 3)) for t in "qkv")
    s = op("batch_matmul", "s", [qt, kt], (1, heads, rows, rows), adj_x=False, adj_y=True, s=0.5)
    p = op("softmax", "p", [s], (1, heads, rows, rows), beta=1.0, s=1 / 256)
    g.tensors[p].q = QParams(1 / 256, -128)
    ov = op("batch_matmul", "ov", [p, vt], (1, heads, rows, hd), adj_x=False, adj_y=False)
    g.outputs += [y, ov]
    return g


@pytest.mark.parametrize("rows", [13, pytest.param(7, marks=pytest.mark.slow), pytest.param(12, marks=pytest.mark.slow)])
def test_token_tiling_c_and_ref_equal_untiled(rows):
    g = block(rows, seed=rows)
    t = tile_tokens(g)
    stages = [n for n in t.nodes if n.op == "token_stage"]
    assert stages and all(rows % n.attrs["tile_rows"] == 0 for n in stages)
    assert any("s" in n.attrs["internal"] for n in stages)  # the score matrix is never whole
    rng = np.random.default_rng(1)
    samples = [[rng.integers(-128, 128, (1, rows, 16)).astype(np.int8)] for _ in range(2)]
    want = run_graph_ref(g, samples)
    got = run_graph_ref(t, samples)
    for a, b in zip(want, got):
        for u, v in zip(a, b):
            np.testing.assert_array_equal(u, v)
    assert_bitexact(g, samples)  # compile_graph tiles by default: C == the untiled numpy reference
