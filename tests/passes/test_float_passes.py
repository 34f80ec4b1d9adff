"""Structure after each float pass, on small ONNX models and hand-built IR.

Oracles: docs/ops.md (what the IR must look like after each pass) and onnxruntime (outputs of the
passed graph, float32, rtol/atol 1e-4).
"""
import math
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import onnx_models as om  # noqa: E402

from tinyc import ir  # noqa: E402
from tinyc.float_ref import run_float  # noqa: E402
from tinyc.frontend.onnx_loader import load_onnx  # noqa: E402
from tinyc.passes import FLOAT_PASSES, run_passes  # noqa: E402
from tinyc.passes.fold_constants import fold_constants  # noqa: E402
from tinyc.passes.fold_qdq import fold_qdq  # noqa: E402

INF = math.inf


def passed(model, tmp_path, upto=None):
    """(graph after the passes up to `upto` inclusive, max |diff| vs onnxruntime)."""
    path = tmp_path / "m.onnx"
    onnx.save(model, path)
    names = [p.__name__ for p in FLOAT_PASSES]
    g = run_passes(load_onnx(path), passes=FLOAT_PASSES[: names.index(upto) + 1] if upto else None)
    dims = [d.dim_value or 1 for d in model.graph.input[0].type.tensor_type.shape.dim]
    x = np.random.default_rng(2).standard_normal(dims).astype(np.float32)
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    want = sess.run(None, {"x": x})
    got = run_float(g, {"x": x})
    for w, name in zip(want, [o.name for o in sess.get_outputs()]):
        np.testing.assert_allclose(got[name], w, rtol=1e-4, atol=1e-4)
    return g


def ops(g):
    return [n.op for n in g.nodes]


def test_fold_batchnorm_into_conv(tmp_path):
    g = passed(om.bn_fold(), tmp_path, "fold_batchnorm")
    assert ops(g) == ["conv2d", "clamp"]


def test_fold_batchnorm_standalone_becomes_depthwise_or_mul_add(tmp_path):
    """A standalone BN on a rank-4 tensor is a 1x1 depthwise conv (per-channel int8 scales); the float
    reference after the pass still equals onnxruntime (passed() checks every prefix)."""
    g = passed(om.bn_standalone(), tmp_path, "fold_batchnorm")
    assert "batch_norm" not in ops(g)
    convs = [n for n in g.nodes if n.op == "conv2d" and n.attrs.get("groups", 1) > 1]
    assert convs and all(g.t(n.inputs[1]).shape[1:] == (1, 1, 1) for n in convs)


def test_to_nhwc_weights_and_shapes(tmp_path):
    g = passed(om.conv_chain(shape=(1, 3, 9, 7), cout=5, k=(3, 2)), tmp_path, "to_nhwc")
    assert ops(g) == ["transpose", "conv2d", "transpose"]  # NCHW model: interface transposes stay
    conv = g.nodes[1]
    assert g.t(conv.inputs[1]).shape == (5, 3, 2, 3)  # OHWI
    assert g.t(conv.inputs[0]).shape == (1, 9, 7, 3) and "layout" not in conv.attrs
    assert g.t("x").shape == (1, 3, 9, 7)


def test_to_nhwc_nhwc_model_needs_no_transpose(tmp_path):
    g = passed(om.nhwc_input(), tmp_path)
    assert ops(g) == ["conv2d"] and g.nodes[0].attrs["act"] == (0.0, INF)


def test_flatten_after_conv_folds_into_fc_columns(tmp_path):
    g = passed(om.flatten_after_conv(), tmp_path)
    assert ops(g) == ["transpose", "conv2d", "reshape", "fully_connected"]
    assert g.t(g.nodes[3].inputs[1]).shape == (7, 36)


def test_fuse_activations(tmp_path):
    g = passed(om.residual(), tmp_path, "fuse_activations")
    assert ops(g) == ["transpose", "conv2d", "conv2d", "add", "transpose"]
    assert g.nodes[1].attrs["act"] == (0.0, INF) and g.nodes[2].attrs["act"] == (-INF, INF)
    assert g.nodes[3].attrs["act"] == (0.0, INF)


def test_clamp_not_fused_into_shared_producer(tmp_path):
    b = om.Builder()
    x = b.input("x", [1, 2, 4, 4])
    c = b.node("Conv", [x, b.weight(2, 2, 1, 1)], kernel_shape=[1, 1])
    g = passed(b.model([b.node("Relu", [c]), b.node("Sigmoid", [c])]), tmp_path)
    assert "clamp" in ops(g)


def test_fuse_clip_intersects_ranges(tmp_path):
    g = passed(om.activations(), tmp_path)
    assert [n.attrs.get("act") for n in g.nodes if n.op == "conv2d"][0] == (0.0, 6.0)
    assert ("add", (np.float32(0.45), 1.0)) in [(n.op, n.attrs.get("act")) for n in g.nodes]


def test_canonicalise_depthwise_and_groups(tmp_path):
    g = passed(om.depthwise_models(), tmp_path)
    dw = [n for n in g.nodes if n.op == "depthwise_conv2d"]
    assert [n.attrs["depth_multiplier"] for n in dw] == [1, 2]
    assert [g.t(n.inputs[1]).shape for n in dw] == [(1, 3, 3, 4), (1, 3, 2, 8)]
    grouped = [n for n in g.nodes if n.op == "conv2d"]
    assert len(grouped) == 1 and grouped[0].attrs["groups"] == 2 and grouped[0].attrs["act"] == (0.0, INF)


def test_canonicalise_fc_bias_and_act(tmp_path):
    g = passed(om.matmul_add(), tmp_path)
    assert ops(g) == ["fully_connected", "fully_connected"]
    assert g.t(g.nodes[0].inputs[1]).shape == (16, 20) and g.t(g.nodes[0].inputs[2]).shape == (16,)
    assert g.nodes[0].attrs["act"] == (0.0, INF)


def test_canonicalise_sub_div_mean_reshape(tmp_path):
    g = passed(om.arithmetic(), tmp_path)
    assert "div" not in ops(g)
    # sub of a constant is an add; sub of two run-time tensors stays sub (TFLite SUB, docs/ops.md)
    assert all(not g.t(n.inputs[1]).is_const for n in g.nodes if n.op == "sub")
    g = passed(om.pools(), tmp_path)
    assert ("mean", (1, 2)) in [(n.op, n.attrs.get("axes")) for n in g.nodes]
    g = passed(om.layout_ops(), tmp_path)
    assert not {"identity", "dropout", "squeeze", "unsqueeze", "flatten", "reshape"} & set(ops(g))


def test_avg_pool_count_include_pad_becomes_pad(tmp_path):
    g = passed(om.pools(), tmp_path)
    assert ops(g).count("pad") == 1
    assert [n.attrs["pads"] for n in g.nodes if n.op == "pad"] == [((0, 0), (1, 1), (1, 0), (0, 0))]


def _ir_graph():
    g = ir.Graph("t")
    g.add_tensor(ir.Tensor("x", (1, 4)))
    g.inputs = ["x"]
    return g


def test_fold_constants_folds_float_but_keeps_quantized_ints():
    """Oracle: numpy on the same constants."""
    g = _ir_graph()
    c = np.arange(4, dtype=np.float32).reshape(4, 1)
    g.const("c", c)
    g.const("w", np.ones((4, 4), np.int8), ir.QParams(np.float32(0.5), np.int64(0)))
    for name, shape in (("ct", (1, 4)), ("wt", (4, 4)), ("y", (1, 4)), ("z", (1, 4))):
        g.add_tensor(ir.Tensor(name, shape))
    g.t("wt").dtype = "int8"
    g.nodes = [ir.Node("transpose", "t1", ["c"], ["ct"], {"perm": (1, 0)}),
               ir.Node("transpose", "t2", ["w"], ["wt"], {"perm": (1, 0)}),
               ir.Node("add", "a", ["x", "ct"], ["y"], {"act": (-INF, INF)}),
               ir.Node("fully_connected", "f", ["y", "wt", ""], ["z"], {"act": (-INF, INF)})]
    g.outputs = ["z"]
    g = ir.verify(fold_constants(g))
    assert ops(g) == ["transpose", "add", "fully_connected"]
    np.testing.assert_array_equal(g.t("ct").data, c.T)


def test_fold_qdq_moves_quantize_past_reshape():
    """Oracle: docs/ops.md QDQ annotations."""
    g = _ir_graph()
    q = ir.QParams(np.float32(0.1), np.int64(3))
    g.add_tensor(ir.Tensor("xq", (1, 4), "int8", q=q))
    g.add_tensor(ir.Tensor("r", (2, 2), "int8"))
    g.add_tensor(ir.Tensor("rf", (2, 2)))
    g.add_tensor(ir.Tensor("y", (2, 2), "int8", q=q))
    g.nodes = [ir.Node("quantize", "q", ["x"], ["xq"]), ir.Node("reshape", "r", ["xq"], ["r"]),
               ir.Node("dequantize", "dq", ["r"], ["rf"]), ir.Node("quantize", "q2", ["rf"], ["y"])]
    g.t("r").q = q
    g.outputs = ["y"]
    g = ir.verify(fold_qdq(g))
    assert ops(g) == ["reshape", "quantize"]
    assert g.t("x").q.s() == pytest.approx(0.1) and g.t(g.nodes[0].outputs[0]).dtype == "float32"
    assert g.t(g.nodes[1].inputs[0]).q.zp() == 3


def test_qdq_synthetic_annotations(tmp_path):
    """Oracle: onnxruntime before fold_qdq (same Q/DQ arithmetic up to rounding ties), and after all
    passes within a few activation steps (the fake-quant rounding is gone); QParams from the file."""
    m = om.qdq_conv()
    path = tmp_path / "q.onnx"
    onnx.save(m, path)
    x = np.random.default_rng(3).standard_normal((1, 3, 6, 6)).astype(np.float32)
    want = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    g0 = load_onnx(path)
    np.testing.assert_allclose(run_float(g0, {"x": x})[g0.outputs[0]], want, atol=1e-4, rtol=1e-4)
    g = run_passes(g0.copy())
    assert ops(g) == ["transpose", "conv2d", "reshape", "fully_connected"]
    conv, fc = g.nodes[1], g.nodes[3]
    assert g.t("x").q.s() == pytest.approx(0.05) and g.t("x").q.zp() == -3
    assert g.t(conv.outputs[0]).q.s() == pytest.approx(0.02) and conv.attrs["act"] == (0.0, INF)
    w = g.t(conv.inputs[1])
    assert w.dtype == "int8" and w.shape == (4, 3, 3, 3) and w.q.axis == 0 and w.q.scale.shape == (4,)
    assert g.t(conv.inputs[2]).dtype == "int32" and g.t(fc.inputs[1]).dtype == "int8"
    assert g.t(fc.inputs[1]).shape == (5, 144)
    got = run_float(g, {"x": x})[g.outputs[0]]
    assert np.abs(got - want).max() < 0.1


def test_fold_batchnorm_into_fc(tmp_path):
    g = passed(om.bn_after_fc(), tmp_path, "fold_batchnorm")
    assert ops(g) == ["fully_connected", "clamp", "fully_connected"]


def test_drop_identities_drops_whole_strided_slice_only():
    """GhostNet's `[:, :oup]` of an oup-channel concat is a whole slice: dropped; a real one stays.
    Oracle: the strided_slice semantics (docs/ops.md): begin 0, unit strides, size = shape is a copy."""
    from tinyc.passes.drop_identities import drop_identities
    g = ir.Graph("t")
    g.add_tensor(ir.Tensor("x", (1, 4, 4, 8)))
    g.inputs = ["x"]
    for name, shape in (("a", (1, 4, 4, 8)), ("b", (1, 4, 4, 6)), ("y", (1, 4, 4, 6))):
        g.add_tensor(ir.Tensor(name, shape))
    g.nodes = [ir.Node("strided_slice", "whole", ["x"], ["a"], dict(begin=(0, 0, 0, 0), size=(1, 4, 4, 8),
                                                                     strides=(1, 1, 1, 1))),
               ir.Node("strided_slice", "part", ["a"], ["b"], dict(begin=(0, 0, 0, 0), size=(1, 4, 4, 6),
                                                                    strides=(1, 1, 1, 1))),
               ir.Node("relu", "r", ["b"], ["y"])]
    g.outputs = ["y"]
    g = drop_identities(g)
    assert [n.name for n in g.nodes] == ["part", "r"] and g.nodes[0].inputs == ["x"]


def _shuffle_unit(groups=2):
    """conv -> channel shuffle as PyTorch exports it (Reshape 5-D, Transpose (0,2,1,3,4), Reshape) ->
    channel split (Slice) -> conv on one half, concat: ShuffleNetV2's unit."""
    b = om.Builder()
    x = b.input("x", [1, 4, 6, 6])
    c = om._conv(b, x, 4, 8)
    r1 = b.node("Reshape", [c, b.const(np.array([1, groups, 8 // groups, 6, 6]))])
    t = b.node("Transpose", [r1], perm=[0, 2, 1, 3, 4])
    r2 = b.node("Reshape", [t, b.const(np.array([1, 8, 6, 6]))])
    lo = b.node("Slice", [r2, b.const(np.array([0])), b.const(np.array([4])), b.const(np.array([1]))])
    hi = b.node("Slice", [r2, b.const(np.array([4])), b.const(np.array([8])), b.const(np.array([1]))])
    return b.model(b.node("Concat", [lo, om._conv(b, hi, 4, 4)], axis=1))


@pytest.mark.parametrize("groups", [2, 4])
def test_channel_shuffle_becomes_an_nhwc_gather(tmp_path, groups):
    """The shuffle is one gather on the NHWC channel axis: no rank-5 transpose and no transpose back to
    NCHW between the convolutions (only the model input's and output's own); onnxruntime agrees."""
    g = passed(_shuffle_unit(groups), tmp_path)
    gathers = [n for n in g.nodes if n.op == "gather"]
    assert len(gathers) == 1 and gathers[0].attrs["axis"] == 3
    c, per = 8, 8 // groups
    assert gathers[0].attrs["indices"] == tuple((j % groups) * per + j // groups for j in range(c))
    inner = [n for n in g.nodes if n.op == "transpose" and n.inputs[0] not in g.inputs and n.outputs[0] not in g.outputs]
    assert not inner, [n.name for n in inner]
