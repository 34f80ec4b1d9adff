"""fold_pad: a constant H/W PAD joins the padding of the conv / depthwise / max pool that reads it.

Oracles: the numpy integer reference on the unfolded int8 graph (tinyc.ref.run_int, itself
LiteRT-exact per op) for hand-built int8 graphs; onnxruntime for float ONNX models; LiteRT
(BUILTIN_REF) for the real MobileNetV2-1.0-224 int8 file.
"""
import copy
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "patching"))
import onnx_models as om  # noqa: E402
from nets import NONE, RELU6, Builder  # noqa: E402

from tinyc.float_ref import run_float  # noqa: E402
from tinyc.ir import Node, Tensor, verify  # noqa: E402
from tinyc.passes import run_passes  # noqa: E402
from tinyc.passes.fold_pad import fold_pad  # noqa: E402
from tinyc.ref import run_int  # noqa: E402

MBV2 = Path("/work/shared/models/tflm/mobilenet_v2_224_int8.tflite")


def _pad(b: Builder, x: str, pads, fill_q: int | None = None) -> str:
    """A PAD of x's H/W by pads = (top, bottom, left, right), filled with the int8 value fill_q
    (default: x's zero point, i.e. real 0.0)."""
    q = b.g.tensors[x].q
    fill_q = q.zp() if fill_q is None else fill_q
    t, bo, l, r = pads
    value = float(np.float32(q.s()) * (fill_q - q.zp()))
    node = Node("pad", f"pad{b.k}", [x], [], dict(pads=((0, 0), (t, bo), (l, r), (0, 0)), value=value))
    return b._out(node, q)


def _int8_case(kind: str):
    b = Builder(f"fold_{kind}", 13, 11, 4, seed=len(kind))
    x = b.conv("input", 8, (3, 3), pads=(1, 1, 1, 1), act=NONE if kind.startswith("maxpool") else RELU6)
    if kind == "conv":
        y = b.conv(_pad(b, x, (0, 1, 0, 1)), 8, (3, 3), s=(2, 2), act=RELU6)
    elif kind == "conv_own_pads":
        y = b.conv(_pad(b, x, (1, 0, 2, 0)), 8, (3, 3), s=(1, 2), pads=(1, 1, 0, 1), act=RELU6)
    elif kind == "dw":
        y = b.dw(_pad(b, x, (1, 1, 1, 1)), (3, 3), (2, 2), pads=(0, 0, 0, 0))
    elif kind == "two_readers":
        p = _pad(b, x, (1, 1, 1, 1))
        y = b.add(b.conv(p, 8, (3, 3)), b.dw(p, (3, 3), pads=(0, 0, 0, 0)))
    elif kind == "maxpool":
        y = b.pool(_pad(b, x, (1, 1, 0, 1), fill_q=-128), "max_pool2d", (3, 3), (2, 2))
    elif kind == "avgpool":  # AVERAGE_POOL counts only real elements: a zero pad is not its padding
        y = b.pool(_pad(b, x, (1, 1, 1, 1)), "avg_pool2d", (3, 3), (2, 2))
    elif kind == "maxpool_zero":  # a zero-point fill is not a max pool's padding
        y = b.pool(_pad(b, x, (1, 1, 1, 1)), "max_pool2d", (3, 3), (2, 2))
    elif kind == "nonzero_fill":
        y = b.conv(_pad(b, x, (1, 1, 1, 1), fill_q=b.g.tensors[x].q.zp() + 3), 8, (3, 3))
    elif kind == "read_by_add":
        p = _pad(b, x, (1, 1, 1, 1))
        y = b.add(b.conv(p, 8, (3, 3), pads=(1, 1, 1, 1)), p)
    return b.finish(y)


FOLDS = {"conv": True, "conv_own_pads": True, "dw": True, "two_readers": True, "maxpool": True,
         "avgpool": False, "maxpool_zero": False, "nonzero_fill": False, "read_by_add": False}


@pytest.mark.parametrize("kind", FOLDS)
def test_fold_pad_int8_equals_unfolded(kind):
    g = _int8_case(kind)
    folded = verify(fold_pad(copy.deepcopy(g)))
    assert ("pad" not in [n.op for n in folded.nodes]) == FOLDS[kind]
    x = np.random.default_rng(7).integers(-128, 128, g.tensors["input"].shape).astype(np.int8)
    want = run_int(g, {"input": x})
    got = run_int(folded, {"input": x})
    for k in g.outputs:
        np.testing.assert_array_equal(got[k], want[k])


def _onnx_pad_conv(value: float, channel_pad: bool = False):
    b = om.Builder(seed=3)
    x = b.node("Conv", [b.input("x", [1, 3, 12, 10]), b.weight(3, 3, 1, 1), b.weight(3)], kernel_shape=[1, 1])
    pads = [0, 1 if channel_pad else 0, 1, 0, 0, 0, 2, 1]  # N C H W begins, then ends
    p = b.node("Pad", [x, b.const(np.array(pads, np.int64)), b.const(np.array(value, np.float32))])
    y = b.node("Conv", [p, b.weight(6, 4 if channel_pad else 3, 3, 3), b.weight(6)], kernel_shape=[3, 3],
               strides=[2, 2], pads=[1, 0, 0, 1])
    return b.model(b.node("Relu", [y]))


@pytest.mark.parametrize("value,channel_pad,folds", [(0.0, False, True), (0.5, False, False), (0.0, True, False)])
def test_fold_pad_float_matches_onnxruntime(tmp_path, value, channel_pad, folds):
    from tinyc.frontend.onnx_loader import load_onnx
    path = tmp_path / "m.onnx"
    onnx.save(_onnx_pad_conv(value, channel_pad), path)
    g = run_passes(load_onnx(path))
    assert ("pad" not in [n.op for n in g.nodes]) == folds
    x = np.random.default_rng(1).standard_normal((1, 3, 12, 10)).astype(np.float32)
    want = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    got = run_float(g, {"x": x})[g.outputs[0]]
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


@pytest.mark.skipif(not MBV2.exists(), reason="needs the shared MobileNetV2-224 file")
def test_mobilenet_v2_224_pads_folded():
    """All 18 explicit PADs of the real MobileNetV2-1.0-224 fold, the folded graph equals LiteRT, and
    layer by layer the arena fits MCUNetV2's 1372 kB plus one depthwise plane (1,406,000 B; TFLM
    needs 2,451,840 B)."""
    from oracle import litert_run
    from tinyc.frontend.tflite_loader import load_tflite
    from tinyc.pipeline import Options, compile_graph, load_model
    assert [n.op for n in load_tflite(MBV2).nodes].count("pad") == 18
    g = load_model(MBV2)
    assert [n.op for n in g.nodes].count("pad") == 0
    x = np.random.default_rng(0).integers(-128, 128, g.tensors[g.inputs[0]].shape).astype(np.int8)
    want = litert_run(MBV2, [x])[0]
    got = run_int(g, {g.inputs[0]: x})[g.outputs[0]]
    np.testing.assert_array_equal(got.reshape(want.shape), want)
    assert compile_graph(g, Options()).report["arena_bytes"] <= 1_406_000
