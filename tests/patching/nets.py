"""Seeded int8 NHWC graphs for the patching tests: a small layer builder.

Scales are chosen so that accumulators land in a useful int8 range (outputs
spread over many codes rather than saturating), so bit-exactness tests
compare real values, not constants.
"""
from __future__ import annotations

import math

import numpy as np

from tinyc.ir import Graph, Node, QParams, Tensor, verify
from tinyc.ops import op_module

INF = math.inf
RELU, RELU6, NONE = (0.0, INF), (0.0, 6.0), (-INF, INF)


class Builder:
    """Appends int8 layers to a graph; every method returns the output tensor's name."""

    def __init__(self, name: str, h: int, w: int, c: int, seed: int = 0):
        self.rng = np.random.default_rng(seed)
        self.g = Graph(name, source=f"<{name}>")
        self.g.add_tensor(Tensor("input", (1, h, w, c), "int8", q=QParams(1 / 255, -128)))
        self.g.inputs.append("input")
        self.k = 0

    def _out(self, node: Node, q: QParams) -> str:
        y = f"t{self.k}"
        self.k += 1
        node.outputs = [y]
        self.g.add_tensor(Tensor(y, (1, 1, 1, 1), "int8", q=q))
        self.g.nodes.append(node)
        self.g.tensors[y].shape = tuple(op_module(node.op).shape(node, self.g)[0])
        return y

    def _act_q(self, act) -> QParams:
        if act == RELU6:
            return QParams(6 / 255, -128)
        if act == RELU:
            return QParams(float(self.rng.uniform(0.02, 0.05)), -128)
        return QParams(float(self.rng.uniform(0.03, 0.06)), int(self.rng.integers(-10, 10)))

    def _weights(self, name: str, shape, axis: int, x: str, fan_in: int, act) -> tuple[str, str]:
        """Per-channel int8 weights and int32 bias scaled so outputs spread over the act's range."""
        cout = shape[axis]
        sx = self.g.tensors[x].q.s()
        target = 3.0 if act != NONE else 1.5
        base = target / (sx * 90 * 73 * math.sqrt(fan_in))
        ws = (base * np.exp(self.rng.uniform(-0.3, 0.3, cout))).astype(np.float32)
        self.g.const(f"{name}_w", self.rng.integers(-127, 128, shape).astype(np.int8), QParams(ws, np.zeros(cout), axis))
        bs = (np.float32(sx) * ws).astype(np.float32)
        bias = self.rng.normal(0, 0.3, cout) / bs.astype(np.float64)
        self.g.const(f"{name}_b", np.clip(bias, -2**30, 2**30).astype(np.int32), QParams(bs, np.zeros(cout), 0))
        return f"{name}_w", f"{name}_b"

    def conv(self, x, cout, k=(3, 3), s=(1, 1), pads=(0, 0, 0, 0), d=(1, 1), act=RELU6, groups=1) -> str:
        cin = self.g.tensors[x].shape[3]
        name = f"conv{self.k}"
        w, b = self._weights(name, (cout, k[0], k[1], cin // groups), 0, x, k[0] * k[1] * cin // groups, act)
        node = Node("conv2d", name, [x, w, b], [], dict(strides=s, dilations=d, pads=pads, groups=groups, act=act))
        return self._out(node, self._act_q(act))

    def dw(self, x, k=(3, 3), s=(1, 1), pads=(1, 1, 1, 1), d=(1, 1), act=RELU6, mult=1) -> str:
        c = self.g.tensors[x].shape[3]
        name = f"dw{self.k}"
        w, b = self._weights(name, (1, k[0], k[1], c * mult), 3, x, k[0] * k[1], act)
        node = Node("depthwise_conv2d", name, [x, w, b], [],
                    dict(strides=s, dilations=d, pads=pads, depth_multiplier=mult, act=act))
        return self._out(node, self._act_q(act))

    def pool(self, x, op="max_pool2d", k=(2, 2), s=(2, 2), pads=(0, 0, 0, 0)) -> str:
        node = Node(op, f"pool{self.k}", [x], [], dict(kernel=k, strides=s, pads=pads, act=NONE))
        return self._out(node, self.g.tensors[x].q)

    def add(self, a, b, act=NONE) -> str:
        qa, qb = self.g.tensors[a].q, self.g.tensors[b].q
        q = QParams(1.2 * max(qa.s(), qb.s()), int(self.rng.integers(-5, 5)))
        return self._out(Node("add", f"add{self.k}", [a, b], [], dict(act=act)), q)

    def concat(self, xs: list[str]) -> str:
        """Channel concat; the output scale covers the widest input (inputs requantized by LUT)."""
        q = QParams(max(self.g.tensors[x].q.s() for x in xs), int(self.rng.integers(-5, 5)))
        return self._out(Node("concat", f"cat{self.k}", list(xs), [], dict(axis=3)), q)

    def head(self, x, classes: int) -> str:
        """Global average pool, flatten, fully connected."""
        _, h, w, c = self.g.tensors[x].shape
        p = self._out(Node("avg_pool2d", f"gap{self.k}", [x], [], dict(kernel=(h, w), strides=(1, 1),
                                                                          pads=(0, 0, 0, 0), act=NONE)),
                      self.g.tensors[x].q)
        f = f"t{self.k}"
        self.k += 1
        self.g.add_tensor(Tensor(f, (1, c), "int8", q=self.g.tensors[p].q))
        self.g.nodes.append(Node("reshape", f"flat{self.k}", [p], [f]))
        name = f"fc{self.k}"
        w, b = self._weights(name, (classes, c), 0, f, c, NONE)
        return self._out(Node("fully_connected", name, [f, w, b], [], dict(act=NONE)), self._act_q(NONE))

    def finish(self, y: str) -> Graph:
        self.g.outputs = [y]
        return verify(self.g)


def same_pads(size: int, k: int, s: int) -> tuple[int, int]:
    """TF 'SAME' padding (before, after) along one axis."""
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2
