"""Unfused elementwise ops inside the patch stage: clamp, hard_swish, mul by a constant, logistic,
tanh, requantize (int8 -> int8 quantize) and a pad that cannot fold (non-zero fill).

Oracles: tinyc.ref.run_int (layer by layer, numpy), compared byte for byte with the numpy patch
executor (run_patched) and with the generated C patch loop on the host (ASan+UBSan).
"""
import numpy as np

from c_run import run_c
from nets import NONE, RELU6, Builder
from tinyc.backend.patch_choice import c_patchable
from tinyc.ir import Node, QParams
from tinyc.patching.execute import run_patched
from tinyc.ref import run_int


def _unary(b: Builder, op: str, x: str, q: QParams, **attrs) -> str:
    return b._out(Node(op, f"{op}{b.k}", [x], [], dict(attrs)), q)


def elementwise_cnn(seed: int = 0):
    """conv -> clamp -> hard_swish -> mul(const per channel) -> logistic -> requantize -> pad(fill 5)
    -> conv s2 -> tanh -> dw -> conv 1x1 (the split) -> head. 21x18 input."""
    b = Builder("elementwise", 21, 18, 3, seed)
    x = b.conv("input", 8, (3, 3), pads=(1, 1, 1, 1), act=NONE)
    x = _unary(b, "clamp", x, QParams(6 / 255, -128), act=(0.0, 6.0))
    x = _unary(b, "hard_swish", x, QParams(0.03, -100))
    c = b.g.tensors[x].shape[3]
    b.g.const("mul_c", b.rng.integers(-100, 127, (1, 1, 1, c)).astype(np.int8), QParams(0.02, 3))
    x = b._out(Node("mul", f"mul{b.k}", [x, "mul_c"], [], dict(act=NONE)), QParams(0.05, 7))
    x = _unary(b, "logistic", x, QParams(1 / 256, -128))
    x = _unary(b, "quantize", x, QParams(1 / 200, -20))
    q = b.g.tensors[x].q
    x = _unary(b, "pad", x, q, pads=((0, 0), (1, 2), (2, 1), (0, 0)), value=float(np.float32(q.s()) * 5))
    x = b.conv(x, 16, (3, 3), s=(2, 2), act=NONE)
    x = _unary(b, "tanh", x, QParams(1 / 128, 0))
    x = b.dw(x, (3, 3), pads=(1, 1, 1, 1), act=RELU6)
    x = b.conv(x, 16, (1, 1), act=RELU6)
    return b.finish(b.head(x, 5))


SPLIT = 10  # the 1x1 conv after the dw


def test_elementwise_stage_numpy_and_c():
    g = elementwise_cnn()
    assert g.nodes[SPLIT].op == "conv2d" and c_patchable(g, SPLIT)
    rng = np.random.default_rng(3)
    xs = [rng.integers(-128, 128, g.tensors["input"].shape).astype(np.int8) for _ in range(2)]
    got, c, _ = run_c(g, xs, f"{SPLIT}:3x2")
    assert c.report["patch"]["plan"] == f"{SPLIT}:3x2"
    for x, y in zip(xs, got):
        want = run_int(g, {"input": x})[g.outputs[0]]
        p = run_patched(g, {"input": x}, SPLIT, 3, 2)[g.outputs[0]]
        assert p.tobytes() == want.tobytes(), "numpy patch executor != layer by layer"
        assert y.tobytes() == want.astype(y.dtype).tobytes(), "C patch loop != layer by layer"


def test_concat_stage_numpy_and_c():
    """A fire-like module in the stage: squeeze 1x1, two 3x3 expands, channel concat (one input
    rescaled through a LUT, one copied), then a stride-2 conv as the split. (A 1x1 expand next to
    a 3x3 one reads a crop of the squeeze output, which the C loop only supports for add.)"""
    b = Builder("fire", 19, 17, 3, 5)
    x = b.conv("input", 8, (3, 3), pads=(1, 1, 1, 1), act=NONE)
    sq = b.conv(x, 4, (1, 1), act=RELU6)
    e1 = b.conv(sq, 6, (3, 3), pads=(1, 1, 1, 1), act=RELU6)
    e3 = b.conv(sq, 6, (3, 3), pads=(1, 1, 1, 1), act=RELU6)
    x = b._out(Node("concat", f"cat{b.k}", [e1, e3], [], dict(axis=3)), b.g.tensors[e1].q)
    x = b.conv(x, 8, (3, 3), s=(2, 2), pads=(1, 1, 1, 1), act=RELU6)
    g = b.finish(b.head(x, 4))
    split = 5
    assert g.nodes[split - 1].op == "concat" and c_patchable(g, split)
    rng = np.random.default_rng(4)
    xs = [rng.integers(-128, 128, g.tensors["input"].shape).astype(np.int8) for _ in range(2)]
    got, _, _ = run_c(g, xs, f"{split}:2x3")
    for x, y in zip(xs, got):
        want = run_int(g, {"input": x})[g.outputs[0]]
        assert run_patched(g, {"input": x}, split, 2, 3)[g.outputs[0]].tobytes() == want.tobytes()
        assert y.tobytes() == want.astype(y.dtype).tobytes()
