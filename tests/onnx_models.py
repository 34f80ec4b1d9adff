"""Small ONNX models built with onnx.helper, for frontend and pass tests.

`CASES` maps a case name to a function returning a ModelProto whose single
float input is called "x". Together they cover every op and attribute
combination the ONNX frontend supports.
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Builder:
    """Accumulates nodes and initializers; `model()` returns a checked ModelProto."""

    def __init__(self, seed: int = 0):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.inputs, self.n = [], [], [], 0

    def input(self, name, shape, elem=TensorProto.FLOAT):
        self.inputs.append(helper.make_tensor_value_info(name, elem, shape))
        return name

    def const(self, data, name=None):
        data = np.asarray(data)
        name = name or f"c{len(self.inits)}"
        self.inits.append(numpy_helper.from_array(data, name))
        return name

    def weight(self, *shape, scale=0.3):
        return self.const((self.rng.standard_normal(shape) * scale).astype(np.float32))

    def node(self, op, inputs, n_out=1, **attrs):
        self.n += 1
        outs = [f"{op.lower()}{self.n}_{i}" for i in range(n_out)]
        self.nodes.append(helper.make_node(op, list(inputs), outs, name=f"{op}_{self.n}", **attrs))
        return outs[0] if n_out == 1 else outs

    def model(self, outputs, opset=17):
        if isinstance(outputs, str):
            outputs = [outputs]
        outs = [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outputs]
        g = helper.make_graph(self.nodes, "test", self.inputs, outs, self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
        m.ir_version = 8
        inferred = {vi.name: vi for vi in onnx.shape_inference.infer_shapes(m).graph.output}
        del m.graph.output[:]
        m.graph.output.extend(inferred[o] for o in outputs)
        onnx.checker.check_model(m)
        return m


def conv_chain(shape=(1, 3, 9, 9), **conv):
    """x -> Conv(**conv) with bias."""
    b = Builder()
    x = b.input("x", list(shape))
    cout, cg = conv.pop("cout", 4), shape[1] // conv.get("group", 1)
    k = conv.pop("k", (3, 3))
    y = b.node("Conv", [x, b.weight(cout, cg, *k), b.weight(cout)], kernel_shape=list(k), **conv)
    return b.model(y)


def _conv(b, x, cin, cout, k=3, **attrs):
    return b.node("Conv", [x, b.weight(cout, cin, k, k), b.weight(cout)], kernel_shape=[k, k],
                  pads=[k // 2] * 4, **attrs)


def _bn(b, x, c):
    return b.node("BatchNormalization", [x, b.const(b.rng.uniform(0.5, 1.5, c).astype(np.float32)),
                                         b.weight(c), b.weight(c),
                                         b.const(b.rng.uniform(0.5, 2, c).astype(np.float32))], epsilon=1e-3)


def bn_fold():
    b = Builder()
    y = b.node("Relu", [_bn(b, _conv(b, b.input("x", [1, 3, 8, 8]), 3, 6), 6)])
    return b.model(y)


def bn_standalone():
    b = Builder()
    x = b.input("x", [1, 4, 5, 5])
    c = _conv(b, x, 4, 4)
    y = b.node("Add", [_bn(b, c, 4), c])  # conv output has two readers: BN stays standalone
    return b.model(b.node("Add", [y, _bn(b, x, 4)]))


def activations():
    b = Builder()
    x = b.input("x", [1, 4, 6, 6])
    c = _conv(b, x, 4, 4)
    r6 = b.node("Clip", [c, b.const(np.float32(0)), b.const(np.float32(6))])
    s = b.node("Sigmoid", [_conv(b, r6, 4, 4)])
    h = b.node("HardSwish", [_conv(b, s, 4, 4)])
    t = b.node("Tanh", [h])
    hs = b.node("HardSigmoid", [t], alpha=0.25, beta=0.4)
    lo = b.node("Clip", [hs, b.const(np.float32(0.45))])
    return b.model(b.node("Relu", [_conv(b, lo, 4, 4)]))


def clip_attrs():
    b = Builder()
    x = b.input("x", [1, 3, 4, 4])
    return b.model(b.node("Clip", [_conv(b, x, 3, 3)], min=-0.5, max=0.7), opset=10)


def residual():
    b = Builder()
    x = b.input("x", [1, 8, 6, 6])
    r = b.node("Relu", [_conv(b, x, 8, 8)])
    y = b.node("Add", [_conv(b, r, 8, 8), r])
    return b.model(b.node("Relu", [y]))


def arithmetic():
    b = Builder()
    x = b.input("x", [1, 3, 5, 5])
    c = _conv(b, x, 3, 3)
    s = b.node("Sub", [c, b.weight(3, 1, 1)])
    d = b.node("Div", [s, b.const(np.float32(2.5))])
    m = b.node("Mul", [d, b.weight(1, 3, 1, 1)])
    a = b.node("Add", [m, b.weight(5)])
    s2 = b.node("Sub", [a, _conv(b, x, 3, 3)])
    s3 = b.node("Sub", [b.const(np.float32(1.0)), s2])
    return b.model(b.node("Mul", [s3, _conv(b, x, 3, 3)]))


def matmul_add():
    b = Builder()
    x = b.input("x", [1, 20])
    h = b.node("Relu", [b.node("Add", [b.node("MatMul", [x, b.weight(20, 16)]), b.weight(16)])])
    return b.model(b.node("Add", [b.node("MatMul", [h, b.weight(16, 5)]), b.weight(5)]))


def gemm_variants():
    b = Builder()
    x = b.input("x", [1, 12])
    y = b.node("Gemm", [x, b.weight(10, 12), b.weight(10)], transB=1)
    y = b.node("Gemm", [y, b.weight(10, 6), b.weight(1, 6)], alpha=0.5, beta=2.0)
    t = b.node("Transpose", [y], perm=[1, 0])
    y = b.node("Gemm", [t, b.weight(6, 3)], transA=1)
    return b.model(y)


def flatten_after_conv():
    """The layout trap: NCHW flatten order must survive the NHWC conversion."""
    b = Builder()
    x = b.input("x", [1, 3, 6, 5])
    c = b.node("Relu", [_conv(b, x, 3, 4, strides=[2, 2])])
    f = b.node("Flatten", [c], axis=1)
    return b.model(b.node("Gemm", [f, b.weight(7, 4 * 3 * 3), b.weight(7)], transB=1))


def reshape_shape_chain():
    """Reshape whose target shape comes from Shape -> Gather -> Unsqueeze -> Concat (folded)."""
    b = Builder()
    x = b.input("x", [1, 2, 4, 4])
    c = _conv(b, x, 2, 3)
    shp = b.node("Shape", [c])
    n = b.node("Unsqueeze", [b.node("Gather", [shp, b.const(np.int64(0))], axis=0), b.const(np.array([0]))])
    new_shape = b.node("Concat", [n, b.const(np.array([-1], dtype=np.int64))], axis=0)
    r = b.node("Reshape", [c, new_shape])
    return b.model(b.node("MatMul", [r, b.weight(48, 5)]))


def pools():
    b = Builder()
    x = b.input("x", [1, 3, 11, 10])
    m = b.node("MaxPool", [x], kernel_shape=[3, 2], strides=[2, 2], pads=[1, 0, 1, 1])
    a0 = b.node("AveragePool", [m], kernel_shape=[3, 3], strides=[1, 2], pads=[1, 1, 1, 0])
    a1 = b.node("AveragePool", [m], kernel_shape=[3, 3], strides=[1, 2], pads=[1, 1, 1, 0], count_include_pad=1)
    cm = b.node("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1)
    ca = b.node("AveragePool", [x], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)
    sa = b.node("AveragePool", [x], kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER")
    outs = [a0, a1, cm, ca, sa, b.node("GlobalAveragePool", [m]), b.node("GlobalMaxPool", [m])]
    return b.model(outs)


def reduce_mean():
    b = Builder()
    x = b.input("x", [1, 4, 5, 6])
    c = _conv(b, x, 4, 4)
    k = b.node("ReduceMean", [c], axes=[2, 3], keepdims=1)
    n = b.node("ReduceMean", [c], axes=[-1, -2], keepdims=0)
    h = b.node("ReduceMean", [c], axes=[1], keepdims=0)
    return b.model([k, n, h])


def reduce_mean_axes_input():
    b = Builder()
    x = b.input("x", [1, 4, 5, 6])
    return b.model(b.node("ReduceMean", [_conv(b, x, 4, 4), b.const(np.array([2, 3]))], keepdims=0), opset=18)


def layout_ops():
    b = Builder()
    x = b.input("x", [1, 4, 6, 6])
    c1 = _conv(b, x, 4, 3)
    c2 = _conv(b, x, 4, 5)
    cat = b.node("Concat", [c1, c2], axis=1)
    p = b.node("Pad", [cat, b.const(np.array([0, 0, 1, 2, 0, 0, 3, 0])), b.const(np.float32(0.5))])
    t = b.node("Transpose", [p], perm=[0, 2, 1, 3])
    d = b.node("Dropout", [b.node("Identity", [t])])
    u = b.node("Unsqueeze", [d, b.const(np.array([0]))])
    s = b.node("Squeeze", [u, b.const(np.array([0]))])
    return b.model([s, b.node("Relu", [_conv(b, p, 8, 2)])])


def softmaxes():
    b = Builder()
    x = b.input("x", [1, 4, 3, 5])
    c = _conv(b, x, 4, 4)
    s1 = b.node("Softmax", [c], axis=1)
    s2 = b.node("LogSoftmax", [c])
    f = b.node("Flatten", [c])
    return b.model([s1, s2, b.node("Softmax", [f]), b.node("LogSoftmax", [f], axis=1)])


def softmax_opset11():
    b = Builder()
    x = b.input("x", [1, 3, 2, 4])
    return b.model(b.node("Softmax", [x], axis=1), opset=11)


def resize_nearest():
    b = Builder()
    x = b.input("x", [1, 3, 4, 5])
    c = _conv(b, x, 3, 2)
    r = b.node("Resize", [c, "", b.const(np.array([1, 1, 2, 3], dtype=np.float32))],
               mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor")
    h = b.node("Resize", [c, "", "", b.const(np.array([1, 2, 8, 10], dtype=np.int64))],
               mode="nearest", coordinate_transformation_mode="half_pixel", nearest_mode="round_prefer_ceil")
    return b.model([r, h])


def nhwc_input():
    """Like the bundled tf2onnx models: NHWC input, Transpose, then NCHW convs, symbolic batch."""
    b = Builder()
    x = b.input("x", ["N", 8, 8, 3])
    t = b.node("Transpose", [x], perm=[0, 3, 1, 2])
    c = b.node("Relu", [_conv(b, t, 3, 4, strides=[2, 2])])
    back = b.node("Transpose", [c], perm=[0, 2, 3, 1])
    return b.model(back)


def depthwise_models():
    b = Builder()
    x = b.input("x", [1, 4, 7, 7])
    d1 = b.node("Conv", [x, b.weight(4, 1, 3, 3), b.weight(4)], kernel_shape=[3, 3], group=4, pads=[1, 0, 2, 1])
    d2 = b.node("Conv", [d1, b.weight(8, 1, 3, 2)], kernel_shape=[3, 2], group=4, strides=[2, 1],
                dilations=[1, 2], pads=[1, 1, 1, 1])
    g2 = b.node("Conv", [d2, b.weight(6, 4, 3, 3), b.weight(6)], kernel_shape=[3, 3], group=2)
    return b.model(b.node("Relu", [g2]))


CASES = {
    "conv_basic": lambda: conv_chain(pads=[1, 1, 1, 1]),
    "conv_asym_rect_stride_dil": lambda: conv_chain(k=(3, 2), pads=[0, 1, 2, 0], strides=[2, 1], dilations=[2, 1]),
    "conv_same_upper": lambda: conv_chain(auto_pad="SAME_UPPER", strides=[2, 2]),
    "conv_same_lower": lambda: conv_chain(k=(4, 4), auto_pad="SAME_LOWER", strides=[2, 2]),
    "conv_valid": lambda: conv_chain(auto_pad="VALID", strides=[2, 3]),
    "conv_1x1_no_pad_attrs": lambda: conv_chain(k=(1, 1), cout=6),
    "depthwise_grouped": depthwise_models,
    "bn_fold": bn_fold,
    "bn_standalone": bn_standalone,
    "activations": activations,
    "clip_attrs_opset10": clip_attrs,
    "residual": residual,
    "arithmetic": arithmetic,
    "matmul_add": matmul_add,
    "gemm_variants": gemm_variants,
    "flatten_after_conv": flatten_after_conv,
    "reshape_shape_chain": reshape_shape_chain,
    "pools": pools,
    "reduce_mean": reduce_mean,
    "reduce_mean_axes_input": reduce_mean_axes_input,
    "layout_ops": layout_ops,
    "softmaxes": softmaxes,
    "softmax_opset11": softmax_opset11,
    "resize_nearest": resize_nearest,
    "nhwc_input": nhwc_input,
}


def qdq_conv():
    """A QDQ model with a float interface: Q/DQ on activations, int8 per-channel weights, int32 bias,
    a float weight that is itself quantized by a Q -> DQ pair, and a Q -> Reshape -> DQ chain."""
    b = Builder()
    x = b.input("x", [1, 3, 6, 6])
    s_x, zp = b.const(np.float32(0.05)), b.const(np.int8(-3))
    xd = b.node("DequantizeLinear", [b.node("QuantizeLinear", [x, s_x, zp]), s_x, zp])
    w_q = b.const(b.rng.integers(-127, 128, (4, 3, 3, 3)).astype(np.int8))
    w_s = b.const(b.rng.uniform(0.0005, 0.002, 4).astype(np.float32))  # no saturation
    w_zp = b.const(np.zeros(4, np.int8))
    w = b.node("DequantizeLinear", [w_q, w_s, w_zp], axis=0)
    bias_s = b.const((0.05 * b.rng.uniform(0.002, 0.01, 4)).astype(np.float32))
    bias = b.node("DequantizeLinear", [b.const(np.arange(-200, 200, 100, dtype=np.int32)), bias_s,
                                       b.const(np.zeros(4, np.int32))], axis=0)
    r = b.node("Relu", [b.node("Conv", [xd, w, bias], kernel_shape=[3, 3], pads=[1, 1, 1, 1])])
    s_r, zp_r = b.const(np.float32(0.02)), b.const(np.int8(-128))
    flat = b.node("Reshape", [b.node("QuantizeLinear", [r, s_r, zp_r]), b.const(np.array([1, -1]))])
    fd = b.node("DequantizeLinear", [flat, s_r, zp_r])
    s_w2, zp_w2 = b.const(np.float32(0.01)), b.const(np.int8(0))
    w2 = b.node("DequantizeLinear", [b.node("QuantizeLinear", [b.weight(144, 5), s_w2, zp_w2]), s_w2, zp_w2])
    return b.model(b.node("MatMul", [fd, w2]))


def upsample_opset9():
    b = Builder()
    x = b.input("x", [1, 2, 3, 4])
    return b.model(b.node("Upsample", [x, b.const(np.array([1, 1, 2, 2], dtype=np.float32))], mode="nearest"),
                   opset=9)


def random_conv(seed, cin, cout, group, k, stride, dilation, pads, size):
    """One Conv with the given (hypothesis-drawn) geometry, followed by Relu."""
    b = Builder(seed)
    x = b.input("x", [1, cin, size[0], size[1]])
    y = b.node("Conv", [x, b.weight(cout, cin // group, *k), b.weight(cout)], kernel_shape=list(k), group=group,
               strides=list(stride), dilations=list(dilation), pads=list(pads))
    return b.model(b.node("Relu", [y]))


CASES["upsample_opset9"] = upsample_opset9


def bn_after_fc():
    """BN folded into a MatMul's [K, C] weight columns and into a Gemm's transB rows."""
    b = Builder()
    x = b.input("x", [2, 6])
    h = b.node("Relu", [_bn(b, b.node("MatMul", [x, b.weight(6, 5)]), 5)])
    return b.model(_bn(b, b.node("Gemm", [h, b.weight(4, 5), b.weight(4)], transB=1), 4))


CASES["bn_after_fc"] = bn_after_fc
