"""TFLite frontend tests.

Oracle: LiteRT (ai_edge_litert Interpreter, BUILTIN_REF kernels). Its op list,
tensor details (shapes, scales, zero points, quantized_dimension) and tensor
values are compared with the IR load_tflite builds; small float models built
here with the flatbuffers API check the explicit pads against LiteRT's output.
Error tests check that bad files raise a one-line TinycError naming the place.
"""
from __future__ import annotations

import sys
from pathlib import Path

import flatbuffers
import numpy as np
import pytest
import tflite
from tflite.BuiltinOperator import BuiltinOperator as Op
from tflite.BuiltinOptions import BuiltinOptions as Opt
from tflite.TensorType import TensorType as TT

from tinyc.errors import TinycError
from tinyc.frontend.tflite_loader import load_tflite
from tinyc.frontend.tflite_context import compute_padding
from tinyc.paths import MODELS

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from oracle import (litert_interpreter, litert_io_details, litert_run,  # noqa: E402
                    litert_tensor, litert_tensor_details)

INT8_MODELS = sorted(MODELS.glob("*_int8.tflite"))
IR_OP = {"CONV_2D": "conv2d", "DEPTHWISE_CONV_2D": "depthwise_conv2d", "FULLY_CONNECTED": "fully_connected",
         "AVERAGE_POOL_2D": "avg_pool2d", "RESHAPE": "reshape", "SOFTMAX": "softmax"}


# -- a small .tflite writer (flatbuffers builder + the tflite package's generated code) --
def _vector(b, values, dtype):
    return b.CreateNumpyVector(np.asarray(values, dtype=dtype))


def _tensor(b, t: dict, buffer: int):
    name = b.CreateString(t["name"])
    shape = _vector(b, t["shape"], np.int32)
    sig = _vector(b, t["signature"], np.int32) if "signature" in t else None
    quant = None
    if "scale" in t:
        scale = _vector(b, np.atleast_1d(t["scale"]), np.float32)
        zp = _vector(b, np.atleast_1d(t.get("zp", 0)), np.int64)
        tflite.QuantizationParametersStart(b)
        tflite.QuantizationParametersAddScale(b, scale)
        tflite.QuantizationParametersAddZeroPoint(b, zp)
        tflite.QuantizationParametersAddQuantizedDimension(b, t.get("qdim", 0))
        quant = tflite.QuantizationParametersEnd(b)
    tflite.TensorStart(b)
    tflite.TensorAddShape(b, shape)
    if sig is not None:
        tflite.TensorAddShapeSignature(b, sig)
    tflite.TensorAddType(b, t.get("type", TT.FLOAT32))
    tflite.TensorAddBuffer(b, buffer)
    tflite.TensorAddName(b, name)
    if quant is not None:
        tflite.TensorAddQuantization(b, quant)
    tflite.TensorAddIsVariable(b, t.get("variable", False))
    return tflite.TensorEnd(b)


def _operator(b, op: dict, opcode_index: int):
    opts = op["options"](b) if "options" in op else None
    ins, outs = _vector(b, op["inputs"], np.int32), _vector(b, op["outputs"], np.int32)
    tflite.OperatorStart(b)
    tflite.OperatorAddOpcodeIndex(b, opcode_index)
    tflite.OperatorAddInputs(b, ins)
    tflite.OperatorAddOutputs(b, outs)
    if opts is not None:
        tflite.OperatorAddBuiltinOptionsType(b, op["options_type"])
        tflite.OperatorAddBuiltinOptions(b, opts)
    return tflite.OperatorEnd(b)


def _offsets_vector(b, offsets):
    b.StartVector(4, len(offsets), 4)
    for o in reversed(offsets):
        b.PrependUOffsetTRelative(o)
    return b.EndVector()


def build_tflite(tensors: list[dict], ops: list[dict], inputs, outputs, n_subgraphs: int = 1) -> bytes:
    """A TFL3 model: tensors with "data" get their own buffer; ops are {"op", "inputs", "outputs", ...}."""
    b = flatbuffers.Builder(1024)
    datas = [None] + [np.ascontiguousarray(t["data"]).tobytes() for t in tensors if "data" in t]
    buffers = []
    for d in datas:
        vec = b.CreateByteVector(d) if d else None
        tflite.BufferStart(b)
        if vec is not None:
            tflite.BufferAddData(b, vec)
        buffers.append(tflite.BufferEnd(b))
    buf_index, n = [], 0
    for t in tensors:
        n += "data" in t
        buf_index.append(n if "data" in t else 0)
    codes = sorted({op["op"] for op in ops})
    subgraphs = []
    for _ in range(n_subgraphs):
        ts = [_tensor(b, t, bi) for t, bi in zip(tensors, buf_index)]
        os_ = [_operator(b, op, codes.index(op["op"])) for op in ops]
        tv, ov = _offsets_vector(b, ts), _offsets_vector(b, os_)
        iv, outv = _vector(b, inputs, np.int32), _vector(b, outputs, np.int32)
        tflite.SubGraphStart(b)
        tflite.SubGraphAddTensors(b, tv)
        tflite.SubGraphAddOperators(b, ov)
        tflite.SubGraphAddInputs(b, iv)
        tflite.SubGraphAddOutputs(b, outv)
        subgraphs.append(tflite.SubGraphEnd(b))
    code_offsets = []
    for c in codes:
        tflite.OperatorCodeStart(b)
        tflite.OperatorCodeAddDeprecatedBuiltinCode(b, min(c, 127))
        tflite.OperatorCodeAddBuiltinCode(b, c)
        tflite.OperatorCodeAddVersion(b, 1)
        code_offsets.append(tflite.OperatorCodeEnd(b))
    cv, sv, bv = (_offsets_vector(b, x) for x in (code_offsets, subgraphs, buffers))
    tflite.ModelStart(b)
    tflite.ModelAddVersion(b, 3)
    tflite.ModelAddOperatorCodes(b, cv)
    tflite.ModelAddSubgraphs(b, sv)
    tflite.ModelAddBuffers(b, bv)
    b.Finish(tflite.ModelEnd(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def conv_options(padding, stride, dilation, act=0, depthwise=False):
    def build(b):
        pre = "DepthwiseConv2DOptions" if depthwise else "Conv2DOptions"
        getattr(tflite, pre + "Start")(b)
        getattr(tflite, pre + "AddPadding")(b, padding)
        getattr(tflite, pre + "AddStrideH")(b, stride[0])
        getattr(tflite, pre + "AddStrideW")(b, stride[1])
        getattr(tflite, pre + "AddDilationHFactor")(b, dilation[0])
        getattr(tflite, pre + "AddDilationWFactor")(b, dilation[1])
        getattr(tflite, pre + "AddFusedActivationFunction")(b, act)
        if depthwise:
            tflite.DepthwiseConv2DOptionsAddDepthMultiplier(b, 1)
        return getattr(tflite, pre + "End")(b)
    return build


def write(tmp_path, data: bytes, name="m.tflite") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def float_conv_model(x_shape, w, bias, padding, stride, dilation, out_hw, depthwise=False, act=0) -> bytes:
    cout = w.shape[3] if depthwise else w.shape[0]
    tensors = [{"name": "x", "shape": x_shape}, {"name": "w", "shape": w.shape, "data": w},
               {"name": "b", "shape": [cout], "data": bias},
               {"name": "y", "shape": [1, *out_hw, cout]}]
    op = {"op": Op.DEPTHWISE_CONV_2D if depthwise else Op.CONV_2D, "inputs": [0, 1, 2], "outputs": [3],
          "options_type": Opt.DepthwiseConv2DOptions if depthwise else Opt.Conv2DOptions,
          "options": conv_options(padding, stride, dilation, act, depthwise)}
    return build_tflite(tensors, [op], [0], [3])


def numpy_conv(x, w, b, pads, strides, dilations, depthwise=False):
    """Direct NHWC float convolution with explicit (top, left, bottom, right) zero padding."""
    top, left, bottom, right = pads
    xp = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    kh, kw = w.shape[1:3]
    oh = (xp.shape[1] - dilations[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (xp.shape[2] - dilations[1] * (kw - 1) - 1) // strides[1] + 1
    y = np.zeros((1, oh, ow, len(b)), dtype=np.float64) + b
    for i in range(kh):
        for j in range(kw):
            r0, c0 = i * dilations[0], j * dilations[1]
            patch = xp[:, r0:r0 + strides[0] * (oh - 1) + 1:strides[0], c0:c0 + strides[1] * (ow - 1) + 1:strides[1]]
            y += patch * w[0, i, j] if depthwise else patch @ w[:, i, j, :].T
    return y


# -- the bundled MLPerf Tiny models against LiteRT ---------------------------------------
@pytest.fixture(scope="module", params=INT8_MODELS, ids=lambda p: p.stem)
def model(request):
    path = request.param
    it = litert_interpreter(path)
    return path, load_tflite(path), it, {d["name"]: d for d in it.get_tensor_details()}


def test_models_found():
    """Oracle: the bundled model list in models/ (README.md)."""
    assert [p.stem for p in INT8_MODELS] == ["ad_autoencoder_int8", "kws_dscnn_int8", "vww_mbv1_int8"]


def test_op_sequence_matches_litert(model):
    """Oracle: LiteRT's op list (_get_ops_details) gives the node order and the io tensors."""
    path, g, it, _ = model
    ops = it._get_ops_details()
    assert [n.op for n in g.nodes] == [IR_OP[o["op_name"]] for o in ops]
    details = it.get_tensor_details()
    for n, o in zip(g.nodes, ops):
        assert n.outputs == [details[i]["name"] for i in o["outputs"]]
        if n.op != "reshape":  # RESHAPE's shape tensor becomes the output shape, not an input
            assert n.inputs == [details[i]["name"] for i in o["inputs"]]
    assert g.name == path.stem and g.source == str(path)


def test_tensors_match_litert(model):
    """Oracle: LiteRT's tensor details (shape, scales, zero points, quantized_dimension) and values."""
    _, g, it, by_name = model
    assert len(by_name) == len(it.get_tensor_details())  # names unique, so IR names = TFLite names
    for t in g.tensors.values():
        d = by_name[t.name]
        qp = d["quantization_parameters"]
        assert t.shape == tuple(d["shape"]) and np.dtype(t.dtype) == d["dtype"], t.name
        assert np.array_equal(t.q.scale.reshape(-1), qp["scales"]) and t.q.scale.dtype == np.float32
        assert np.array_equal(t.q.zero_point.reshape(-1), qp["zero_points"])
        assert t.q.axis == (qp["quantized_dimension"] if qp["scales"].size > 1 else None)
        if t.is_const:
            ref = it.get_tensor(d["index"])
            assert t.data.dtype == ref.dtype and np.array_equal(t.data, ref), t.name


def test_weight_layouts_and_attrs(model):
    """Oracle: docs/ops.md layouts; conv output sizes agree with LiteRT's shapes."""
    _, g, _, _ = model
    for n in g.nodes:
        if n.op == "conv2d":
            x, w, b = (g.t(i) for i in n.inputs)
            assert w.shape[3] * n.attrs["groups"] == x.shape[3] and w.q.axis == 0 and b.dtype == "int32"
        if n.op == "depthwise_conv2d":
            w = g.t(n.inputs[1])
            assert w.shape[0] == 1 and w.q.axis == 3
        if n.op in ("conv2d", "depthwise_conv2d", "avg_pool2d"):
            x, y = g.t(n.inputs[0]), g.t(n.outputs[0])
            k = n.attrs.get("kernel") or g.t(n.inputs[1]).shape[1:3]
            top, left, bottom, right = n.attrs["pads"]
            sh, sw = n.attrs["strides"]
            assert (x.shape[1] + top + bottom - k[0]) // sh + 1 == y.shape[1]
            assert (x.shape[2] + left + right - k[1]) // sw + 1 == y.shape[2]
        if n.op == "fully_connected":
            w, b = g.t(n.inputs[1]), g.t(n.inputs[2])
            assert w.shape[0] == b.shape[0] == g.t(n.outputs[0]).shape[-1]
        if n.op in ("conv2d", "depthwise_conv2d", "fully_connected"):
            assert n.attrs["act"] in ((0.0, np.inf), (-np.inf, np.inf), (0.0, 6.0))


def test_known_pads():
    """Oracle: TF SAME padding puts the odd pixel at the bottom/right (hand-computed)."""
    g = load_tflite(MODELS / "vww_mbv1_int8.tflite")
    assert g.nodes[0].attrs["pads"] == (0, 0, 1, 1)  # 96 -> 48, k3 s2: total 1
    g = load_tflite(MODELS / "kws_dscnn_int8.tflite")
    assert g.nodes[0].attrs["pads"] == (4, 1, 5, 1)  # 49x10 -> 25x5, k10x4 s2: totals 9, 2
    assert compute_padding(0, 5, 4, 1, 1) == (1, 2, 5)
    assert compute_padding(1, 7, 3, 2, 2) == (0, 0, 2)


def test_oracle_runs(model):
    """Oracle: litert_run's outputs agree with litert_tensor on the same output tensor."""
    path, g, _, _ = model
    ins, outs = litert_io_details(path)
    rng = np.random.default_rng(0)
    x = rng.integers(-128, 128, size=(2, *ins[0]["shape"][1:]), dtype=np.int8)
    (y,) = litert_run(path, [x])
    assert y.shape == (2, *outs[0]["shape"][1:]) and y.dtype == np.int8
    assert np.array_equal(litert_tensor(path, outs[0]["name"], [x]), y)
    mid = g.nodes[1].outputs[0]
    assert litert_tensor(path, mid, [x]).shape == (2, *g.t(mid).shape[1:])
    assert len(litert_tensor_details(path)) >= len(g.tensors)


# -- explicit pads against LiteRT on built float models -------------------------------------
@pytest.mark.parametrize("x_hw,k,stride,dil,padding,depthwise", [
    ((7, 9), (3, 2), (2, 3), (1, 2), 0, False),
    ((5, 6), (4, 4), (1, 1), (1, 1), 0, False),
    ((8, 8), (3, 3), (2, 2), (2, 1), 0, True),
    ((9, 7), (3, 3), (2, 2), (1, 1), 1, False),
    ((6, 6), (2, 3), (3, 2), (1, 1), 0, True),
])
def test_pads_match_litert(tmp_path, x_hw, k, stride, dil, padding, depthwise):
    """Oracle: LiteRT's float CONV_2D / DEPTHWISE_CONV_2D output equals a numpy conv using the IR pads."""
    rng = np.random.default_rng(1)
    cin, cout = 2, (2 if depthwise else 3)
    w = rng.standard_normal((1, *k, cout) if depthwise else (cout, *k, cin)).astype(np.float32)
    bias = rng.standard_normal(cout).astype(np.float32)
    out_hw = tuple(compute_padding(padding, x_hw[a], k[a], stride[a], dil[a])[2] for a in (0, 1))
    path = write(tmp_path, float_conv_model([1, *x_hw, cin], w, bias, padding, stride, dil, out_hw, depthwise))
    g = load_tflite(path)
    n = g.nodes[0]
    assert n.op == ("depthwise_conv2d" if depthwise else "conv2d") and n.attrs["dilations"] == dil
    x = rng.standard_normal((1, *x_hw, cin)).astype(np.float32)
    (y,) = litert_run(path, [x])
    ref = numpy_conv(x.astype(np.float64), w, bias, n.attrs["pads"], stride, dil, depthwise)
    np.testing.assert_allclose(y, ref, rtol=1e-4, atol=1e-4)


# -- a built int8 model with float edges, constants and two outputs -------------------------------
def edge_model(**over) -> bytes:
    """float x -> QUANTIZE -> ADD(+c, RELU6) -> PAD -> MEAN(1,2) keepdims -> DEQUANTIZE; second output: the ADD."""
    q = {"type": TT.INT8, "scale": 0.05, "zp": -3}
    tensors = [
        {"name": "x", "shape": [1, 4, 4, 2], "signature": [-1, 4, 4, 2]},
        {"name": "xq", "shape": [1, 4, 4, 2], **q},
        {"name": "c", "shape": [2], "data": np.array([5, -7], dtype=np.int8), **q},
        {"name": "s", "shape": [1, 4, 4, 2], **q},
        {"name": "pads", "shape": [4, 2], "type": TT.INT32,
         "data": np.array([[0, 0], [1, 0], [0, 2], [0, 0]], dtype=np.int32)},
        {"name": "p", "shape": [1, 5, 6, 2], **q},
        {"name": "axes", "shape": [2], "type": TT.INT32, "data": np.array([1, -2], dtype=np.int32)},
        {"name": "m", "shape": [1, 1, 1, 2], **q},
        {"name": "y", "shape": [1, 1, 1, 2]},
    ]

    def add_opts(b):
        tflite.AddOptionsStart(b)
        tflite.AddOptionsAddFusedActivationFunction(b, over.get("act", 3))
        return tflite.AddOptionsEnd(b)

    def mean_opts(b):
        tflite.ReducerOptionsStart(b)
        tflite.ReducerOptionsAddKeepDims(b, True)
        return tflite.ReducerOptionsEnd(b)

    ops = [{"op": Op.QUANTIZE, "inputs": [0], "outputs": [1]},
           {"op": over.get("add_op", Op.ADD), "inputs": [1, 2], "outputs": [3],
            "options_type": Opt.AddOptions, "options": add_opts},
           {"op": Op.PAD, "inputs": [3, 4], "outputs": [5]},
           {"op": Op.MEAN, "inputs": [5, 6], "outputs": [7], "options_type": Opt.ReducerOptions,
            "options": mean_opts},
           {"op": Op.DEQUANTIZE, "inputs": [7], "outputs": [8]}]
    for i, t in over.get("tensors", {}).items():
        tensors[i] = {**tensors[i], **t}
    return build_tflite(tensors, ops, [0], [8, 3], n_subgraphs=over.get("n_subgraphs", 1))


def test_float_edges_and_two_outputs(tmp_path):
    """Oracle: LiteRT runs the same file; docs/ops.md attributes for add / pad / mean."""
    path = write(tmp_path, edge_model())
    g = load_tflite(path)
    assert [n.op for n in g.nodes] == ["quantize", "add", "pad", "mean", "dequantize"]
    assert g.inputs == ["x"] and g.outputs == ["y", "s"]
    assert g.t("x").shape == (1, 4, 4, 2) and g.t("x").dtype == "float32" and g.t("y").dtype == "float32"
    assert g.t("c").is_const and g.t("c").data.tolist() == [5, -7] and g.t("c").q.zp() == -3
    add, pad, mean = g.nodes[1:4]
    assert add.attrs["act"] == (0.0, 6.0) and add.inputs == ["xq", "c"]
    assert pad.attrs["pads"] == ((0, 0), (1, 0), (0, 2), (0, 0)) and pad.attrs["value"] == 0.0
    assert mean.attrs == {"axes": (1, 2), "keepdims": True} and mean.inputs == ["p"]
    assert "pads" not in g.tensors and "axes" not in g.tensors
    x = np.random.default_rng(2).uniform(-3, 3, (3, 4, 4, 2)).astype(np.float32)
    y, s = litert_run(path, [x])
    assert y.shape == (3, 1, 1, 2) and s.shape == (3, 4, 4, 2) and s.dtype == np.int8


# -- errors ------------------------------------------------------------------------------------
def assert_error(path, *words):
    with pytest.raises(TinycError) as e:
        load_tflite(path)
    msg = str(e.value)
    assert "\n" not in msg and str(path) in msg, msg
    for w in words:
        assert w in msg, msg
    return msg


def test_error_missing_and_empty(tmp_path):
    """Oracle: the file system (no file, empty file)."""
    assert_error(tmp_path / "nope.tflite", "no such file")
    assert_error(write(tmp_path, b""), "empty file")


def test_error_random_bytes(tmp_path):
    """Oracle: random bytes carry no TFL3 identifier."""
    data = np.random.default_rng(3).integers(0, 256, 4096, dtype=np.uint8).tobytes()
    assert_error(write(tmp_path, data), "not a TFLite model", "TFL3")


@pytest.mark.parametrize("keep", [6, 12, 200, 1000, 0.5])
def test_error_truncated(tmp_path, keep):
    """Oracle: a model cut short cannot be parsed completely."""
    data = (MODELS / "kws_dscnn_int8.tflite").read_bytes()
    n = int(len(data) * keep) if isinstance(keep, float) else keep
    assert_error(write(tmp_path, data[:n]))


def test_error_unsupported_op_patched(tmp_path):
    """Oracle: kws_dscnn with its SOFTMAX opcode patched to SIN (66) in the file bytes."""
    data = bytearray((MODELS / "kws_dscnn_int8.tflite").read_bytes())
    m = tflite.Model.GetRootAs(data, 0)
    codes = [m.OperatorCodes(i) for i in range(m.OperatorCodesLength())]
    (sm,) = [c for c in codes if c.BuiltinCode() == Op.SOFTMAX]
    data[sm._tab.Pos + sm._tab.Offset(4)] = Op.SIN
    msg = assert_error(write(tmp_path, bytes(data)), "unsupported op SIN", "sin_12", "CONV_2D, DEPTHWISE")
    assert "SOFTMAX" in msg  # listed among the supported ops


def test_error_unsupported_op_built(tmp_path):
    """Oracle: a built model whose ADD is a FLOOR_MOD (not in the op table)."""
    assert_error(write(tmp_path, edge_model(add_op=Op.FLOOR_MOD)), "unsupported op FLOOR_MOD", "(FLOOR_MOD)")


def test_error_float16_weights(tmp_path):
    """Oracle: a DEQUANTIZE of float16 constants, as TFLite's float16 quantization writes."""
    w16 = np.array([[1.5, -2.0]], dtype=np.float16)
    tensors = [{"name": "w16", "shape": [1, 2], "type": TT.FLOAT16, "data": w16},
               {"name": "w", "shape": [1, 2]}]
    path = write(tmp_path, build_tflite(tensors, [{"op": Op.DEQUANTIZE, "inputs": [0], "outputs": [1]}], [], [1]))
    assert_error(path, "w16", "FLOAT16", "dequantize_0")


def test_error_two_subgraphs(tmp_path):
    """Oracle: the built model really has two subgraphs."""
    assert_error(write(tmp_path, edge_model(n_subgraphs=2)), "2 subgraphs")


@pytest.mark.parametrize("over,words", [
    ({"act": 4}, ["TANH", "add_1"]),
    ({"act": 5}, ["SIGN_BIT"]),
    ({"tensors": {0: {"signature": [-1, -1, 4, 2]}}}, ["dynamic shape", "'x'"]),
    ({"tensors": {3: {"variable": True}}}, ["variable", "'s'"]),
    ({"tensors": {3: {"type": TT.UINT8}}}, ["UINT8", "'s'"]),
    ({"tensors": {3: {"type": TT.FLOAT16}}}, ["FLOAT16", "'s'"]),
    ({"tensors": {1: {"scale": [0.1, 0.2], "zp": [0, 0], "qdim": 3}}}, ["per channel", "'xq'"]),
    ({"tensors": {4: {"type": TT.FLOAT32, "data": np.zeros((4, 2), np.float32)}}}, ["'pads'", "INT32/INT64"]),
])
def test_error_unsupported_attrs_and_types(tmp_path, over, words):
    """Oracle: each built model differs from the loadable edge_model in exactly the named respect."""
    assert_error(write(tmp_path, edge_model(**over)), *words)


# -- the remaining ops, on a built float model ---------------------------------------------------
def _options(cls: str, **fields):
    def build(b):
        vecs = {k: _vector(b, v, np.int32) for k, v in fields.items() if isinstance(v, list)}
        getattr(tflite, cls + "Start")(b)
        for k, v in fields.items():
            getattr(tflite, f"{cls}Add{k}")(b, vecs.get(k, v))
        return getattr(tflite, cls + "End")(b)
    return {"options_type": getattr(Opt, cls), "options": build}


def zoo_model() -> bytes:
    """float [1,4,4,2] through every op the int8 models and edge_model do not use."""
    f = np.float32
    i32 = TT.INT32
    shapes = [[1, 4, 4, 2], [1, 2, 2, 2], [2], [1, 4, 4, 2], [1, 4, 4, 4], [4], [1, 4, 4, 4], *[[1, 4, 4, 4]] * 6,
              [4], [1, 4, 4, 4], [1, 5, 5, 4], [4, 2], [1], [1, 4, 4, 4], [2], [1, 64], [3, 64], [3], [1, 3],
              [1, 3], [1, 3], [3]]
    tensors = [{"name": f"t{i}", "shape": s} for i, s in enumerate(shapes)]
    rng = np.random.default_rng(4)
    consts = {2: np.array([4, 4], np.int32), 5: np.array([0, 3, 1, 2], np.int32), 13: np.arange(4, dtype=f),
              16: np.array([[0, 0], [0, 1], [1, 0], [0, 0]], np.int32), 17: np.array([0.25], f),
              19: np.array([1, 64], np.int32), 21: rng.standard_normal((3, 64)).astype(f),
              22: np.zeros(3, f)}
    for i, v in consts.items():
        tensors[i].update(data=v, type=i32 if v.dtype == np.int32 else TT.FLOAT32)
    pool = dict(Padding=0, StrideW=2, StrideH=2, FilterWidth=2, FilterHeight=2)
    ops = [
        {"op": Op.MAX_POOL_2D, "inputs": [0], "outputs": [1], **_options("Pool2DOptions", **pool)},
        {"op": Op.RESIZE_NEAREST_NEIGHBOR, "inputs": [1, 2], "outputs": [3],
         **_options("ResizeNearestNeighborOptions", HalfPixelCenters=True)},
        {"op": Op.CONCATENATION, "inputs": [0, 3], "outputs": [4], **_options("ConcatenationOptions", Axis=-1)},
        {"op": Op.TRANSPOSE, "inputs": [4, 5], "outputs": [6]},
        *[{"op": o, "inputs": [6 + k], "outputs": [7 + k]} for k, o in enumerate(
            [Op.HARD_SWISH, Op.LOGISTIC, Op.TANH, Op.RELU, Op.RELU6, Op.RELU_N1_TO_1])],
        {"op": Op.MUL, "inputs": [12, 13], "outputs": [14]},
        {"op": Op.PADV2, "inputs": [14, 16, 17], "outputs": [15]},
        {"op": Op.AVERAGE_POOL_2D, "inputs": [15], "outputs": [18],
         **_options("Pool2DOptions", **{**pool, "Padding": 1, "StrideW": 1, "StrideH": 1})},
        {"op": Op.RESHAPE, "inputs": [18, 19], "outputs": [20]},
        {"op": Op.FULLY_CONNECTED, "inputs": [20, 21, 22], "outputs": [23],
         **_options("FullyConnectedOptions", FusedActivationFunction=1)},
        {"op": Op.SOFTMAX, "inputs": [23], "outputs": [24], **_options("SoftmaxOptions", Beta=0.5)},
        {"op": Op.LOG_SOFTMAX, "inputs": [24], "outputs": [25]},
        {"op": Op.SQUEEZE, "inputs": [25], "outputs": [26], **_options("SqueezeOptions", SqueezeDims=[0])},
    ]
    return build_tflite(tensors, ops, [0], [26])


def test_op_zoo(tmp_path):
    """Oracle: LiteRT accepts and runs the same file; attributes as docs/ops.md defines them."""
    path = write(tmp_path, zoo_model())
    g = load_tflite(path)
    assert [n.op for n in g.nodes] == [
        "max_pool2d", "resize_nearest", "concat", "transpose", "hard_swish", "logistic", "tanh", "clamp",
        "clamp", "clamp", "mul", "pad", "avg_pool2d", "reshape", "fully_connected", "softmax", "log_softmax",
        "reshape"]
    a = [n.attrs for n in g.nodes]
    assert a[0] == {"kernel": (2, 2), "strides": (2, 2), "pads": (0, 0, 0, 0), "act": (-np.inf, np.inf)}
    assert a[1] == {"size": (4, 4), "align_corners": False, "half_pixel_centers": True}
    assert a[2] == {"axis": 3} and g.nodes[2].inputs == ["t0", "t3"] and a[3] == {"perm": (0, 3, 1, 2)}
    assert [x["act"] for x in a[7:10]] == [(0.0, np.inf), (0.0, 6.0), (-1.0, 1.0)]
    assert a[11] == {"pads": ((0, 0), (0, 1), (1, 0), (0, 0)), "value": 0.25}
    assert a[12]["pads"] == (0, 0, 0, 0) and a[12]["kernel"] == (2, 2)
    assert a[14] == {"act": (0.0, np.inf)} and g.nodes[14].inputs == ["t20", "t21", "t22"]
    assert a[15] == {"beta": 0.5} and a[16] == {"beta": 1.0}
    assert g.t("t26").shape == (3,) and g.outputs == ["t26"]
    (y,) = litert_run(path, [np.random.default_rng(5).standard_normal((2, 4, 4, 2)).astype(np.float32)])
    assert y.shape == (2, 3) and np.isfinite(y).all()


def test_corrupt_metadata_never_escapes(tmp_path):
    """Oracle: random byte flips outside the weight buffers give a graph or a TinycError, nothing else."""
    data = (MODELS / "kws_dscnn_int8.tflite").read_bytes()
    m = tflite.Model.GetRootAs(data, 0)
    meta = np.ones(len(data), bool)
    meta[:8] = False
    for i in range(m.BuffersLength()):
        b = m.Buffers(i)
        if b.DataLength():
            start = b._tab.Vector(b._tab.Offset(4))
            meta[start:start + b.DataLength()] = False
    pos = np.nonzero(meta)[0]
    rng = np.random.default_rng(6)
    errors = 0
    for _ in range(150):
        d = bytearray(data)
        for p in rng.choice(pos, size=int(rng.integers(1, 8))):
            d[p] = int(rng.integers(0, 256))
        try:
            load_tflite(write(tmp_path, bytes(d)))
        except TinycError:
            errors += 1
    assert errors > 10
