"""Random valid int8 graphs for the property tests (hypothesis strategies).

`graphs()` draws a small NHWC int8 graph: an input, one to four blocks
(conv2d, depthwise_conv2d, max/avg pool, clamp, a residual add, a concat of
two branches) and maybe a fully_connected tail. Every structural choice
(op, kernel, stride, dilation, pads, groups, channels, scales, zero points)
is a hypothesis draw, so failures shrink; weight and bias values come from a
numpy generator seeded by one more draw. Only ops registered in
tinyc.ops.OPS are generated. Shapes are consistent by construction: kernels
that would not fit the padded input are shrunk until they do.
"""
from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

from tinyc.ir import Graph, Node, QParams, Tensor
from tinyc.ops import OPS

INF = math.inf
ACTS = [(-INF, INF), (0.0, INF), (0.0, 6.0), (-1.0, 1.0)]
MAX_C = 16
MAX_HW = 24
MAX_FC_K = 2048


class Builder:
    """Adds nodes to one graph; `draw` is hypothesis's, `rng` fills weights."""

    def __init__(self, draw, rng: np.random.Generator, g: Graph, channel_step: int = 1):
        self.draw, self.rng, self.g = draw, rng, g
        self.count = 0
        self.step = channel_step  # input and ungrouped conv channel counts are multiples of it

    def name(self, base: str) -> str:
        return self.g.unique_name(base)

    def shape(self, x: str) -> tuple[int, ...]:
        return self.g.tensors[x].shape

    def scale(self, lo: float = -3.0, hi: float = 0.0) -> float:
        """A log-uniform scale in [10^lo, 10^hi]."""
        return float(10.0 ** self.draw(st.floats(lo, hi)))

    def qparams(self) -> QParams:
        return QParams(self.scale(), self.draw(st.integers(-128, 127)))

    def act(self):
        return self.draw(st.sampled_from(ACTS))

    def tensor(self, shape, q: QParams | None = None) -> str:
        """A new int8 activation tensor (random per-tensor QParams unless q is given)."""
        t = self.g.add_tensor(Tensor(self.name("t"), shape, "int8", q=q or self.qparams()))
        return t.name

    def node(self, op: str, inputs: list[str], y: str, **attrs) -> str:
        """Append op(inputs) -> y; checks y's shape against the op's own shape function."""
        self.count += 1
        n = Node(op, f"n{self.count}_{op}", inputs, [y], attrs)
        self.g.nodes.append(n)
        want = tuple(OPS[op].shape(n, self.g)[0])
        assert want == self.shape(y), (op, want, self.shape(y))
        return y

    # -- constants -----------------------------------------------------------
    def weights(self, x: str, y: str, shape, axis: int, fan_in: int):
        """int8 weights with per-channel scales aimed near a useful multiplier; int32 bias or ""."""
        cout = shape[axis]
        sx, sy = self.g.tensors[x].q.s(), self.g.tensors[y].q.s()
        target = sy / (sx * 40.0 * 60.0 * math.sqrt(fan_in))
        spread = self.draw(st.floats(-1.5, 1.5))
        ws = (target * 10.0 ** (spread + self.rng.uniform(-0.5, 0.5, cout))).astype(np.float32)
        wname = self.name("w")
        self.g.const(wname, self.rng.integers(-127, 128, shape).astype(np.int8),
                     QParams(ws, np.zeros(cout, np.int64), axis=axis))
        if not self.draw(st.booleans()):
            return wname, ""
        bname = self.name("b")
        bs = (np.float32(sx) * ws).astype(np.float32)
        span = self.draw(st.sampled_from([0, 1000, 100000]))
        self.g.const(bname, self.rng.integers(-span, span + 1, cout).astype(np.int32),
                     QParams(bs, np.zeros(cout, np.int64), axis=0))
        return wname, bname


def _fit(size: int, k: int, d: int, pads: tuple[int, int]) -> int:
    """Shrink kernel k until its dilated extent fits size + pads."""
    while k > 1 and d * (k - 1) + 1 > size + pads[0] + pads[1]:
        k -= 1
    return k


def spatial(b: Builder, x: str, max_k: int, strides: bool, dilations: bool, pool: bool) -> dict:
    """Kernel, strides, dilations and (top, left, bottom, right) pads that fit x's H x W."""
    _, h, w, _ = b.shape(x)
    geo = {}
    for axis, size in (("h", h), ("w", w)):
        k = b.draw(st.integers(1, max_k))
        s = b.draw(st.integers(1, 2)) if strides else 1
        d = b.draw(st.integers(1, 2)) if dilations else 1
        limit = k - 1 if pool else d * (k - 1)
        pads = (b.draw(st.integers(0, limit)), b.draw(st.integers(0, limit)))
        k = _fit(size, k, d, pads)
        if pool:
            pads = (min(pads[0], k - 1), min(pads[1], k - 1))
        geo[axis] = (k, s, d, pads)
    (kh, sh, dh, ph), (kw, sw, dw, pw) = geo["h"], geo["w"]
    return dict(kernel=(kh, kw), strides=(sh, sw), dilations=(dh, dw), pads=(ph[0], pw[0], ph[1], pw[1]))


def same_spatial(b: Builder, x: str) -> dict:
    """Stride 1 and pads that keep H x W (odd or even kernels, pads split unevenly)."""
    _, h, w, _ = b.shape(x)
    out = dict(kernel=[], strides=(1, 1), dilations=[], pads=[0, 0, 0, 0])
    for i, size in enumerate((h, w)):
        k = b.draw(st.integers(1, 5))
        d = b.draw(st.integers(1, 2))
        total = d * (k - 1)
        before = b.draw(st.integers(0, total))
        out["kernel"].append(k)
        out["dilations"].append(d)
        out["pads"][i], out["pads"][i + 2] = before, total - before
    return dict(kernel=tuple(out["kernel"]), strides=(1, 1), dilations=tuple(out["dilations"]),
                pads=tuple(out["pads"]))


def out_hw(x_shape, geo: dict) -> tuple[int, int]:
    (kh, kw), (sh, sw), (dh, dw) = geo["kernel"], geo["strides"], geo["dilations"]
    pt, pl, pb, pr = geo["pads"]
    return ((x_shape[1] + pt + pb - dh * (kh - 1) - 1) // sh + 1,
            (x_shape[2] + pl + pr - dw * (kw - 1) - 1) // sw + 1)


def conv(b: Builder, x: str, geo: dict | None = None, cout: int | None = None) -> str:
    """conv2d with random groups (dividing Cin and Cout), bias or not, fused act."""
    geo = geo or spatial(b, x, 5, True, True, False)
    cin = b.shape(x)[3]
    groups = b.draw(st.sampled_from([gr for gr in range(1, cin + 1) if cin % gr == 0]))
    if cout is None or cout % groups:
        step = b.step if groups == 1 else groups
        cout = step * b.draw(st.integers(1, max(1, MAX_C // step)))
    oh, ow = out_hw(b.shape(x), geo)
    y = b.tensor((1, oh, ow, cout))
    kh, kw = geo["kernel"]
    w, bias = b.weights(x, y, (cout, kh, kw, cin // groups), 0, kh * kw * cin // groups)
    return b.node("conv2d", [x, w, bias], y, strides=geo["strides"], dilations=geo["dilations"],
                  pads=geo["pads"], groups=groups, act=b.act())


def depthwise(b: Builder, x: str, geo: dict | None = None, mult: int | None = None) -> str:
    """depthwise_conv2d, depth multiplier 1..2 (1 when Cin*2 would exceed MAX_C)."""
    geo = geo or spatial(b, x, 5, True, True, False)
    cin = b.shape(x)[3]
    if mult is None:
        mult = b.draw(st.integers(1, 2)) if 2 * cin <= MAX_C else 1
    oh, ow = out_hw(b.shape(x), geo)
    y = b.tensor((1, oh, ow, cin * mult))
    kh, kw = geo["kernel"]
    w, bias = b.weights(x, y, (1, kh, kw, cin * mult), 3, kh * kw)
    return b.node("depthwise_conv2d", [x, w, bias], y, strides=geo["strides"], dilations=geo["dilations"],
                  pads=geo["pads"], depth_multiplier=mult, act=b.act())


def pool(b: Builder, x: str, op: str) -> str:
    """max_pool2d / avg_pool2d: pads < kernel, output keeps the input's QParams."""
    geo = spatial(b, x, 4, True, False, True)
    oh, ow = out_hw(b.shape(x), geo)
    q = b.g.tensors[x].q
    y = b.tensor((1, oh, ow, b.shape(x)[3]), QParams(q.scale, q.zero_point))
    return b.node(op, [x], y, kernel=geo["kernel"], strides=geo["strides"], pads=geo["pads"], act=b.act())


def clamp(b: Builder, x: str) -> str:
    """Standalone clamp; output QParams equal to the input's half of the time (a pure clamp)."""
    q = b.g.tensors[x].q
    same = b.draw(st.booleans())
    y = b.tensor(b.shape(x), QParams(q.scale, q.zero_point) if same else None)
    act = b.draw(st.sampled_from(ACTS[1:]))
    return b.node("clamp", [x], y, act=act)


def residual(b: Builder, x: str) -> str:
    """add(x, f(x)) with f shape-preserving, or add(x, constant broadcast over H, W or C)."""
    kind = b.draw(st.sampled_from([k for k in ("conv", "depthwise", "clamp", "const") if _has(k)]))
    shp = b.shape(x)
    if kind == "conv":
        other = conv(b, x, same_spatial(b, x), cout=shp[3])
    elif kind == "depthwise":
        other = depthwise(b, x, same_spatial(b, x), mult=1)
    elif kind == "clamp":
        other = clamp(b, x)
    else:
        cshape = b.draw(st.sampled_from([(1, 1, 1, shp[3]), (1, shp[1], 1, 1), (1, 1, shp[2], shp[3]), shp]))
        other = b.name("k")
        b.g.const(other, b.rng.integers(-128, 128, cshape).astype(np.int8), b.qparams())
    a, c = (x, other) if b.draw(st.booleans()) else (other, x)
    y = b.tensor(shp)
    return b.node("add", [a, c], y, act=b.act())


def concat(b: Builder, x: str) -> str:
    """concat of x with f(x), or of two branches with one geometry; axis C, or H/W when shapes allow."""
    if b.draw(st.booleans()):
        parts = [x, conv(b, x, same_spatial(b, x))]
    else:
        geo = spatial(b, x, 3, True, True, False)
        first = conv(b, x, geo)
        second = depthwise(b, x, geo) if _has("depthwise") and b.draw(st.booleans()) else conv(b, x, geo)
        parts = [first, second]
    if b.draw(st.booleans()):
        parts.reverse()
    shapes = [b.shape(p) for p in parts]
    axes = [ax for ax in (1, 2, 3) if all(s[:ax] + s[ax + 1:] == shapes[0][:ax] + shapes[0][ax + 1:]
                                          for s in shapes)]
    axis = b.draw(st.sampled_from(axes))
    out = list(shapes[0])
    out[axis] = sum(s[axis] for s in shapes)
    copy_of = b.draw(st.sampled_from([None, 0, 1]))
    q = None if copy_of is None else b.g.tensors[parts[copy_of]].q
    y = b.tensor(tuple(out), None if q is None else QParams(q.scale, q.zero_point))
    return b.node("concat", parts, y, axis=axis)


def fully_connected(b: Builder, x: str) -> str:
    """FC over the channels (N = H*W rows) or over the flattened tensor (N = 1)."""
    shp = b.shape(x)
    size = int(np.prod(shp))
    k = shp[-1] if size > MAX_FC_K or b.draw(st.booleans()) else size
    cout = b.draw(st.integers(1, MAX_C))
    y = b.tensor((size // k, cout))
    w, bias = b.weights(x, y, (cout, k), 0, k)
    return b.node("fully_connected", [x, w, bias], y, act=b.act())


BLOCKS = {
    "conv": (("conv2d",), conv),
    "depthwise": (("depthwise_conv2d",), depthwise),
    "max_pool": (("max_pool2d",), lambda b, x: pool(b, x, "max_pool2d")),
    "avg_pool": (("avg_pool2d",), lambda b, x: pool(b, x, "avg_pool2d")),
    "clamp": (("clamp",), clamp),
    "residual": (("add",), residual),
    "concat": (("concat", "conv2d"), concat),
}
NEEDS = {"conv": "conv2d", "depthwise": "depthwise_conv2d", "clamp": "clamp", "const": "add"}


def _has(kind: str) -> bool:
    return NEEDS[kind] in OPS


def available_blocks() -> list[str]:
    """Block kinds whose ops are all registered right now (ops are still being added)."""
    return [k for k, (ops, _) in BLOCKS.items() if all(op in OPS for op in ops)]


@st.composite
def graphs(draw, max_blocks: int = 4, channel_step: int = 1) -> Graph:
    """A valid random int8 graph with one input and one output; its spec is in g.source.
    channel_step 4 makes the input's and the ungrouped convs' channel counts multiples of 4
    (what the DSP builds' specialised kernels take)."""
    seed = draw(st.integers(0, 2**32 - 1))
    b = Builder(draw, np.random.default_rng(seed), Graph("fuzz", source="fuzz"), channel_step)
    h, w = draw(st.integers(1, MAX_HW)), draw(st.integers(1, MAX_HW))
    x = b.tensor((1, h, w, channel_step * draw(st.integers(1, MAX_C // channel_step))))
    b.g.inputs.append(x)
    for _ in range(draw(st.integers(1, max_blocks))):
        kind = draw(st.sampled_from(available_blocks()))
        x = BLOCKS[kind][1](b, x)
    if "fully_connected" in OPS and draw(st.integers(0, 3)) == 0:
        x = fully_connected(b, x)
    b.g.outputs.append(x)
    return b.g


def samples_for(g: Graph, seed: int, n: int = 2) -> list[list[np.ndarray]]:
    """n random int8 samples plus the two extreme constant inputs (-128 and 127 everywhere)."""
    rng = np.random.default_rng(seed)
    shapes = [g.tensors[name].shape for name in g.inputs]
    out = [[rng.integers(-128, 128, s).astype(np.int8) for s in shapes] for _ in range(n)]
    out.append([np.full(s, -128, np.int8) for s in shapes])
    out.append([np.full(s, 127, np.int8) for s in shapes])
    return out


def merge(parts: list[Graph]) -> Graph:
    """Several independent graphs as one (inputs and outputs concatenated), to share one C build."""
    g = Graph("fuzz", source="fuzz")
    for i, p in enumerate(parts):
        ren = {name: f"g{i}_{name}" for name in p.tensors}
        for name, t in p.tensors.items():
            g.add_tensor(Tensor(ren[name], t.shape, t.dtype, t.data, t.q))
        for n in p.nodes:
            g.nodes.append(Node(n.op, f"g{i}_{n.name}", [ren[x] if x else "" for x in n.inputs],
                                [ren[y] for y in n.outputs], dict(n.attrs)))
        g.inputs += [ren[x] for x in p.inputs]
        g.outputs += [ren[y] for y in p.outputs]
    return g
