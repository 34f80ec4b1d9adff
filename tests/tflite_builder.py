"""Build a single-op TFLite model in memory and run it with LiteRT's reference kernels.

This is the golden generator for int8 op tests: LiteRT with
OpResolverType.BUILTIN_REF is tinyc's oracle.

    x = TensorSpec("x", (1, 10), "int8", 0.1, 3)
    y = TensorSpec("y", (1, 10), "int8", 1 / 256, -128)
    model = build_model("SOFTMAX", [x], [y], {"beta": 1.0})
    (out,) = run_litert(model, [np.arange(10, dtype=np.int8).reshape(1, 10)])

- `inputs` are the operator's inputs in TFLite order. A TensorSpec with
  `data` is a constant (weights, bias, axes, perm, paddings, size); the others
  are the model's inputs, fed to run_litert in the same order. `None` is an
  absent optional input (e.g. no bias: index -1).
- dtype "int4" constants take their values in [-8, 7] as any integer array;
  the builder packs them two per byte, low nibble first (TFLite's layout).
- `scale` / `zero_point` may be scalars (per-tensor) or sequences
  (per-channel, with `quantized_dimension`); `scale=None` means not quantized
  (float32 tensors, int32 shape/axes constants).
- `options` are the op's builtin options table fields in snake_case, as in
  the TFLite schema: e.g. {"padding": "SAME", "stride_w": 2, "stride_h": 2,
  "fused_activation_function": "RELU6"}, {"beta": 1.0}, {"axis": 3},
  {"keep_dims": True}. Enum fields take their schema names as strings.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Sequence

import flatbuffers
import numpy as np

# op -> (BuiltinOperator name, options table name or None)
OPS: dict[str, tuple[str, str | None]] = {
    "SOFTMAX": ("SOFTMAX", "SoftmaxOptions"),
    "LOG_SOFTMAX": ("LOG_SOFTMAX", "LogSoftmaxOptions"),
    "LOGISTIC": ("LOGISTIC", None),
    "TANH": ("TANH", None),
    "HARD_SWISH": ("HARD_SWISH", "HardSwishOptions"),
    "ADD": ("ADD", "AddOptions"),
    "SUB": ("SUB", "SubOptions"),
    "MUL": ("MUL", "MulOptions"),
    "MEAN": ("MEAN", "ReducerOptions"),
    "AVERAGE_POOL_2D": ("AVERAGE_POOL_2D", "Pool2DOptions"),
    "MAX_POOL_2D": ("MAX_POOL_2D", "Pool2DOptions"),
    "CONV_2D": ("CONV_2D", "Conv2DOptions"),
    "DEPTHWISE_CONV_2D": ("DEPTHWISE_CONV_2D", "DepthwiseConv2DOptions"),
    "FULLY_CONNECTED": ("FULLY_CONNECTED", "FullyConnectedOptions"),
    "RELU": ("RELU", None),
    "RELU6": ("RELU6", None),
    "RELU_N1_TO_1": ("RELU_N1_TO_1", None),
    "PAD": ("PAD", "PadOptions"),
    "PADV2": ("PADV2", "PadV2Options"),
    "CONCATENATION": ("CONCATENATION", "ConcatenationOptions"),
    "QUANTIZE": ("QUANTIZE", "QuantizeOptions"),
    "DEQUANTIZE": ("DEQUANTIZE", "DequantizeOptions"),
    "RESIZE_NEAREST_NEIGHBOR": ("RESIZE_NEAREST_NEIGHBOR", "ResizeNearestNeighborOptions"),
    "TRANSPOSE": ("TRANSPOSE", "TransposeOptions"),
    "RESHAPE": ("RESHAPE", "ReshapeOptions"),
    "RSQRT": ("RSQRT", None),
    "GELU": ("GELU", "GeluOptions"),
    "BATCH_MATMUL": ("BATCH_MATMUL", "BatchMatMulOptions"),
    "GATHER": ("GATHER", "GatherOptions"),
    "LEAKY_RELU": ("LEAKY_RELU", "LeakyReluOptions"),
    "STRIDED_SLICE": ("STRIDED_SLICE", "StridedSliceOptions"),
    "TRANSPOSE_CONV": ("TRANSPOSE_CONV", "TransposeConvOptions"),
    "TILE": ("TILE", "TileOptions"),
    "SQUARED_DIFFERENCE": ("SQUARED_DIFFERENCE", "SquaredDifferenceOptions"),
    "NEG": ("NEG", "NegOptions"),
    "PRELU": ("PRELU", None),
    "MAXIMUM": ("MAXIMUM", "MaximumMinimumOptions"),
    "MINIMUM": ("MINIMUM", "MaximumMinimumOptions"),
    "REDUCE_MAX": ("REDUCE_MAX", "ReducerOptions"),
    "RESIZE_BILINEAR": ("RESIZE_BILINEAR", "ResizeBilinearOptions"),
}

# option fields whose value is an enum given by name
_ENUMS = {
    "padding": "Padding",
    "fused_activation_function": "ActivationFunctionType",
    "weights_format": "FullyConnectedOptionsWeightsFormat",
}

_TYPES = {"float32": "FLOAT32", "int8": "INT8", "int16": "INT16", "int32": "INT32",
          "int64": "INT64", "uint8": "UINT8", "bool": "BOOL", "int4": "INT4"}


@dataclass
class TensorSpec:
    """One tensor of the model. data given = constant; scale None = not quantized."""

    name: str
    shape: Sequence[int]
    dtype: str = "int8"
    scale: float | Sequence[float] | None = None
    zero_point: int | Sequence[int] = 0
    data: np.ndarray | None = None
    quantized_dimension: int = 0


def _mod(name: str):
    """The generated module tflite.<name> (the package re-exports names that shadow it)."""
    return importlib.import_module(f"tflite.{name}")


def _camel(snake: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in snake.split("_"))


def _enum_value(enum: str, value: Any) -> int:
    if isinstance(value, str):
        cls = getattr(_mod(enum), enum)
        return int(getattr(cls, "NONE" if value.upper() == "NONE" else value.upper()))
    return int(value)


def _int_vector(b: flatbuffers.Builder, values: Sequence[int], dtype=np.int32) -> int:
    return b.CreateNumpyVector(np.asarray(values, dtype=dtype).reshape(-1))


def _buffer(b: flatbuffers.Builder, data: np.ndarray | None) -> int:
    """A Buffer table; constant bytes are 16-byte aligned."""
    m = _mod("Buffer")
    vec = None
    if data is not None:
        raw = np.ascontiguousarray(data).tobytes()
        b.StartVector(1, len(raw), 16)
        b.head -= len(raw)
        b.Bytes[b.head:b.head + len(raw)] = raw
        vec = b.EndVector()
    m.BufferStart(b)
    if vec is not None:
        m.BufferAddData(b, vec)
    return m.BufferEnd(b)


def _quantization(b: flatbuffers.Builder, spec: TensorSpec) -> int | None:
    if spec.scale is None:
        return None
    scales = np.atleast_1d(np.asarray(spec.scale, dtype=np.float32))
    zps = np.atleast_1d(np.asarray(spec.zero_point, dtype=np.int64))
    if zps.size == 1 and scales.size > 1:
        zps = np.full(scales.shape, zps[0], dtype=np.int64)
    s_vec = b.CreateNumpyVector(scales)
    z_vec = b.CreateNumpyVector(zps)
    m = _mod("QuantizationParameters")
    m.QuantizationParametersStart(b)
    m.QuantizationParametersAddScale(b, s_vec)
    m.QuantizationParametersAddZeroPoint(b, z_vec)
    m.QuantizationParametersAddQuantizedDimension(b, spec.quantized_dimension)
    return m.QuantizationParametersEnd(b)


def _tensor(b: flatbuffers.Builder, spec: TensorSpec, buffer_index: int) -> int:
    m = _mod("Tensor")
    name = b.CreateString(spec.name)
    shape = _int_vector(b, spec.shape)
    quant = _quantization(b, spec)
    ttype = getattr(_mod("TensorType").TensorType, _TYPES[spec.dtype])
    m.TensorStart(b)
    m.TensorAddShape(b, shape)
    m.TensorAddType(b, ttype)
    m.TensorAddBuffer(b, buffer_index)
    m.TensorAddName(b, name)
    if quant is not None:
        m.TensorAddQuantization(b, quant)
    return m.TensorEnd(b)


def _options(b: flatbuffers.Builder, table: str | None, options: dict) -> tuple[int, int | None]:
    """(BuiltinOptions type, table offset) for the op's options dict."""
    if table is None:
        if options:
            raise ValueError(f"this op takes no options, got {sorted(options)}")
        return 0, None
    m = _mod(table)
    # vectors (e.g. ReshapeOptions.new_shape) must be written before the table starts
    options = {k: (_int_vector(b, v) if isinstance(v, (list, tuple)) else v)
               for k, v in options.items()}
    getattr(m, f"{table}Start")(b)
    for key, value in options.items():
        adder = getattr(m, f"{table}Add{_camel(key)}", None)
        if adder is None:
            raise ValueError(f"{table} has no field {key!r}")
        if key in _ENUMS:
            value = _enum_value(_ENUMS[key], value)
        adder(b, value)
    end = getattr(m, f"{table}End")(b)
    return int(getattr(_mod("BuiltinOptions").BuiltinOptions, table)), end


def _operator_code(b: flatbuffers.Builder, op_name: str) -> int:
    code = int(getattr(_mod("BuiltinOperator").BuiltinOperator, op_name))
    m = _mod("OperatorCode")
    m.OperatorCodeStart(b)
    m.OperatorCodeAddDeprecatedBuiltinCode(b, min(code, 127))
    m.OperatorCodeAddBuiltinCode(b, code)
    m.OperatorCodeAddVersion(b, 1)
    return m.OperatorCodeEnd(b)


def _operator(b, inputs: list[int], outputs: list[int], opt_type: int, opt: int | None, code: int = 0) -> int:
    m = _mod("Operator")
    in_vec = _int_vector(b, inputs)
    out_vec = _int_vector(b, outputs)
    m.OperatorStart(b)
    m.OperatorAddOpcodeIndex(b, code)
    m.OperatorAddInputs(b, in_vec)
    m.OperatorAddOutputs(b, out_vec)
    if opt is not None:
        m.OperatorAddBuiltinOptionsType(b, opt_type)
        m.OperatorAddBuiltinOptions(b, opt)
    return m.OperatorEnd(b)


def _offset_vector(b: flatbuffers.Builder, offsets: list[int]) -> int:
    b.StartVector(4, len(offsets), 4)
    for off in reversed(offsets):
        b.PrependUOffsetTRelative(off)
    return b.EndVector()


def build_model(op: str, inputs: list[TensorSpec | None], outputs: list[TensorSpec],
                options: dict | None = None) -> bytes:
    """A .tflite flatbuffer with one subgraph holding the single builtin `op`.

    Graph inputs are the non-constant `inputs`, in order; graph outputs are `outputs`.
    """
    return build_graph([(op, inputs, outputs, options)])


def build_graph(ops: list[tuple], graph_outputs: list[TensorSpec] | None = None) -> bytes:
    """A .tflite flatbuffer with several operators: ops is a list of (op, inputs, outputs, options),
    in execution order, sharing TensorSpec objects. Graph inputs are the non-constant tensors no
    operator produces, in order of first use; graph outputs default to the last operator's outputs."""
    for op, *_ in ops:
        if op not in OPS:
            raise ValueError(f"unsupported op {op}; known: {sorted(OPS)}")
    b = flatbuffers.Builder(1024)
    specs, produced = [], set()
    for _, ins, outs, _ in ops:
        for sp in [*(x for x in ins if x is not None), *outs]:
            if all(sp is not t for t in specs):
                specs.append(sp)
        produced |= {id(o) for o in outs}
    index = {id(s): i for i, s in enumerate(specs)}
    # buffer 0 is the empty sentinel; each constant gets its own buffer
    buffers = [_buffer(b, None)]
    tensors = []
    for s in specs:
        if s.data is not None and s.dtype == "int4":  # values in [-8, 7], stored two per byte
            from tinyc.quant.int16 import pack_int4
            buffers.append(_buffer(b, pack_int4(s.data)))
            tensors.append(_tensor(b, s, len(buffers) - 1))
        elif s.data is not None:
            data = np.asarray(s.data, dtype=s.dtype).reshape(tuple(s.shape))
            buffers.append(_buffer(b, data))
            tensors.append(_tensor(b, s, len(buffers) - 1))
        else:
            tensors.append(_tensor(b, s, 0))
    graph_inputs = [index[id(s)] for s in specs if s.data is None and id(s) not in produced]
    out_specs = graph_outputs if graph_outputs is not None else ops[-1][2]
    names = list(dict.fromkeys(OPS[op][0] for op, *_ in ops))
    operators = []
    for op, ins, outs, options in ops:
        op_name, table = OPS[op]
        opt_type, opt = _options(b, table, options or {})
        operators.append(_operator(b, [-1 if x is None else index[id(x)] for x in ins],
                                   [index[id(o)] for o in outs], opt_type, opt, names.index(op_name)))

    sg = _mod("SubGraph")
    t_vec = _offset_vector(b, tensors)
    in_vec = _int_vector(b, graph_inputs)
    out_vec = _int_vector(b, [index[id(o)] for o in out_specs])
    ops_vec = _offset_vector(b, operators)
    sg_name = b.CreateString("main")
    sg.SubGraphStart(b)
    sg.SubGraphAddTensors(b, t_vec)
    sg.SubGraphAddInputs(b, in_vec)
    sg.SubGraphAddOutputs(b, out_vec)
    sg.SubGraphAddOperators(b, ops_vec)
    sg.SubGraphAddName(b, sg_name)
    subgraph = sg.SubGraphEnd(b)

    codes = [_operator_code(b, n) for n in names]
    mm = _mod("Model")
    codes_vec = _offset_vector(b, codes)
    sgs_vec = _offset_vector(b, [subgraph])
    bufs_vec = _offset_vector(b, buffers)
    desc = b.CreateString("tinyc tests/tflite_builder.py")
    mm.ModelStart(b)
    mm.ModelAddVersion(b, 3)
    mm.ModelAddOperatorCodes(b, codes_vec)
    mm.ModelAddSubgraphs(b, sgs_vec)
    mm.ModelAddDescription(b, desc)
    mm.ModelAddBuffers(b, bufs_vec)
    b.Finish(mm.ModelEnd(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def run_litert(model: bytes, inputs: list[np.ndarray]) -> list[np.ndarray]:
    """Run `model` once with LiteRT's reference kernels (BUILTIN_REF); outputs in graph order."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    interp = Interpreter(model_content=model,
                         experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    details = interp.get_input_details()
    if len(details) != len(inputs):
        raise ValueError(f"model has {len(details)} inputs, got {len(inputs)}")
    for d, x in zip(details, inputs):
        x = np.asarray(x)
        if tuple(d["shape"]) != x.shape:
            interp.resize_tensor_input(d["index"], x.shape)
    interp.allocate_tensors()
    for d, x in zip(details, inputs):
        interp.set_tensor(d["index"], np.asarray(x, dtype=d["dtype"]))
    interp.invoke()
    return [interp.get_tensor(d["index"]).copy() for d in interp.get_output_details()]


def run_op(op: str, inputs: list[TensorSpec | None], outputs: list[TensorSpec],
           options: dict | None, values: list[np.ndarray]) -> list[np.ndarray]:
    """build_model + run_litert in one call."""
    return run_litert(build_model(op, inputs, outputs, options), values)
