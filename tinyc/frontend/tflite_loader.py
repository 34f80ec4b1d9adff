"""TFLite frontend: a .tflite flatbuffer -> tinyc IR (quantized, or float for float models).

Two phases. `read_model` parses the flatbuffer with the `tflite` package's
generated classes into plain records (every flatbuffer access happens there,
so a corrupt file fails in one place). `load_tflite` then turns the records
into an ir.Graph, one converter per op (tflite_ops.py,
tflite_data_ops.py), keeping TFLite's
scales, zero points, per-channel axes, int8 weights and int32 biases exactly.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import tflite
from tflite.BuiltinOptions import BuiltinOptions
from tflite.TensorType import TensorType
from tflite.utils import BUILTIN_OPCODE2NAME

from tinyc.errors import TinycError, where
from tinyc.frontend.tflite_fold import fold
from tinyc.frontend.tflite_ops import OPS, convert
from tinyc.frontend.tflite_shapes import resolve
from tinyc.ir import Graph, IRError, QParams, Tensor, verify

TYPE_NAMES = {v: k for k, v in vars(TensorType).items() if not k.startswith("_")}
_PARSE_ERRORS = (IndexError, struct.error, ValueError, TypeError, OverflowError, UnicodeDecodeError)


@dataclass
class TflTensor:
    """A subgraph tensor as stored in the file (shape before batch fixing)."""

    index: int
    name: str
    type: int
    shape: tuple[int, ...]
    signature: tuple[int, ...]  # () when the file has none
    buffer: int
    scales: np.ndarray  # float32, empty when unquantized
    zero_points: np.ndarray  # int64
    qdim: int
    custom_quant: bool
    sparse: bool
    variable: bool


@dataclass
class TflOp:
    index: int
    opname: str  # builtin name, e.g. CONV_2D; CUSTOM ops carry custom_code
    custom_code: str
    inputs: list[int]
    outputs: list[int]
    opts: dict | None  # None: the options table is not of the type the op needs
    opts_type: int
    intermediates: list[int] = field(default_factory=list)  # e.g. the LSTM's hidden-state scale tensor


@dataclass
class TflModel:
    n_subgraphs: int
    tensors: list[TflTensor] = field(default_factory=list)
    ops: list[TflOp] = field(default_factory=list)
    inputs: list[int] = field(default_factory=list)
    outputs: list[int] = field(default_factory=list)
    buffers: list[bytes | None] = field(default_factory=list)


# -- phase 1: flatbuffer -> records ---------------------------------------------------
def read_bytes(path) -> bytes:
    """The file's bytes, after checking it exists, is non-empty and says 'TFL3'."""
    p = Path(path)
    if not p.is_file():
        raise TinycError("no such file" if not p.exists() else "not a regular file", where(str(path)))
    buf = p.read_bytes()
    if not buf:
        raise TinycError("empty file, not a TFLite model", where(str(path)))
    if len(buf) < 8 or buf[4:8] != b"TFL3":
        raise TinycError("not a TFLite model (no 'TFL3' flatbuffer identifier)", where(str(path)))
    return buf


def read_model(path) -> TflModel:
    """Parse the file into a TflModel (first subgraph only); TinycError if truncated or corrupt."""
    buf = read_bytes(path)
    try:
        return _read_model(buf)
    except _PARSE_ERRORS as e:
        raise TinycError(f"cannot parse the flatbuffer, the file is truncated or corrupt ({type(e).__name__}: {e})",
                         where(str(path))) from None


def _vec(obj, name: str) -> np.ndarray | None:
    """obj.<name>AsNumpy() or None when the vector is absent or empty."""
    if getattr(obj, name + "Length")() == 0:
        return None
    return getattr(obj, name + "AsNumpy")()


def _read_model(buf: bytes) -> TflModel:
    m = tflite.Model.GetRootAs(buf, 0)
    n_sub = m.SubgraphsLength()
    model = TflModel(n_subgraphs=n_sub)
    if n_sub != 1:
        return model
    model.buffers = [_read_buffer(m.Buffers(i), buf) for i in range(m.BuffersLength())]
    sg = m.Subgraphs(0)
    model.tensors = [_read_tensor(sg.Tensors(i), i) for i in range(sg.TensorsLength())]
    model.inputs = [int(i) for i in (_vec(sg, "Inputs") if sg.InputsLength() else [])]
    model.outputs = [int(i) for i in (_vec(sg, "Outputs") if sg.OutputsLength() else [])]
    codes = [m.OperatorCodes(i) for i in range(m.OperatorCodesLength())]
    model.ops = [_read_op(sg.Operators(i), i, codes) for i in range(sg.OperatorsLength())]
    return model


def _read_buffer(b, buf: bytes) -> bytes | None:
    if b.DataLength() > 0:
        return b.DataAsNumpy().tobytes()
    if b.Offset() > 1:  # large models keep data after the flatbuffer
        off, size = b.Offset(), b.Size()
        if off + size > len(buf):
            raise ValueError(f"buffer at offset {off} of size {size} runs past the end of the file")
        return buf[off:off + size]
    return None


def _read_tensor(t, index: int) -> TflTensor:
    q = t.Quantization()
    scales = _vec(q, "Scale") if q is not None else None
    zps = _vec(q, "ZeroPoint") if q is not None else None
    sig = _vec(t, "ShapeSignature")
    shape = _vec(t, "Shape")
    return TflTensor(
        index=index, name=(t.Name() or b"").decode("utf-8", "replace"), type=t.Type(),
        shape=tuple(int(d) for d in shape) if shape is not None else (),
        signature=tuple(int(d) for d in sig) if sig is not None else (),
        buffer=t.Buffer(),
        scales=np.asarray(scales if scales is not None else [], dtype=np.float32),
        zero_points=np.asarray(zps if zps is not None else [], dtype=np.int64),
        qdim=q.QuantizedDimension() if q is not None else 0,
        custom_quant=q is not None and q.DetailsType() != 0,
        sparse=t.Sparsity() is not None, variable=bool(t.IsVariable()))


def _read_op(op, index: int, codes) -> TflOp:
    code = codes[op.OpcodeIndex()]
    builtin = code.BuiltinCode()
    opname = BUILTIN_OPCODE2NAME.get(builtin, f"BUILTIN_{builtin}")
    custom = (code.CustomCode() or b"").decode("utf-8", "replace")
    inputs = _vec(op, "Inputs")
    outputs = _vec(op, "Outputs")
    inter = _vec(op, "Intermediates")
    return TflOp(index, opname, custom,
                 [int(i) for i in inputs] if inputs is not None else [],
                 [int(i) for i in outputs] if outputs is not None else [],
                 _read_options(op, opname), op.BuiltinOptionsType(),
                 [int(i) for i in inter] if inter is not None else [])


def _read_options(op, opname: str) -> dict | None:
    """The option fields tflite_ops.OPS lists for this op, as a dict ({} when there are none)."""
    if opname not in OPS or OPS[opname][1] is None:
        return {}
    _, cls_name, fields = OPS[opname]
    table = op.BuiltinOptions()
    if op.BuiltinOptionsType() == BuiltinOptions.NONE or table is None:
        return {}
    if op.BuiltinOptionsType() != getattr(BuiltinOptions, cls_name):
        return None
    opts = getattr(tflite, cls_name)()
    opts.Init(table.Bytes, table.Pos)
    return {f: getattr(opts, f)() for f in fields}


# -- phase 2: records -> IR ----------------------------------------------------------
def load_tflite(path) -> Graph:
    """Load a .tflite file as a verified ir.Graph named after the file stem, with g.source = path."""
    model = read_model(path)
    file = str(path)
    if model.n_subgraphs != 1:
        raise TinycError(f"the model has {model.n_subgraphs} subgraphs; tinyc supports exactly one "
                         "(no control flow or multi-signature models)", where(file))
    b = _GraphBuilder(model, file, Graph(name=Path(path).stem, source=file))
    return b.build()


class _GraphBuilder:
    """Builds the Graph from a TflModel; TFLite tensors become IR tensors on first use."""

    def __init__(self, model: TflModel, file: str, g: Graph):
        self.model, self.file, self.g = model, file, g
        self.names: dict[int, str] = {}  # TFLite tensor index -> IR tensor name
        self.folded: dict[int, np.ndarray] = {}  # computed shape tensors (tflite_fold.py) -> their value
        self.shapes: dict[int, tuple[int, ...]] = {}  # batch-1 shapes of dynamic tensors (tflite_shapes.py)
        self.pending: set[int] = set()  # outputs of the operator being converted (placeholders allowed)

    def build(self) -> Graph:
        for i in self.model.inputs:
            self.g.inputs.append(self.ir_tensor(i, where(self.file)))
        for op in self.model.ops:
            if not fold(self, op):
                self.pending = set(op.outputs)
                node = convert(self, op)
                nodes = node if isinstance(node, list) else [node]
                resolve(self, op, nodes, where(self.file, node=f"{op.opname.lower()}_{op.index}", op=op.opname))
                self.pending = set()
                self.g.nodes.extend(nodes)
        for i in self.model.outputs:
            self.g.outputs.append(self.ir_tensor(i, where(self.file)))
        if any(t.dtype in ("int8", "int16") for t in self.g.activations()):
            self.g.meta["prequantized"] = True  # never re-quantized; float tensors are float islands
        try:
            return verify(self.g)
        except IRError as e:
            raise TinycError(f"malformed model: {e}", where(self.file)) from None

    def tensor(self, index: int, loc: str) -> TflTensor:
        if not 0 <= index < len(self.model.tensors):
            raise TinycError(f"tensor index {index} is out of range", loc)
        return self.model.tensors[index]

    def data(self, t: TflTensor, loc: str) -> bytes | None:
        if t.index in self.folded:
            v = self.folded[t.index]
            return v.astype(v.dtype.newbyteorder("<")).tobytes()
        if not 0 <= t.buffer < max(1, len(self.model.buffers)):
            raise TinycError(f"tensor '{t.name}' refers to missing buffer {t.buffer}", loc)
        return self.model.buffers[t.buffer] if self.model.buffers else None

    def ir_tensor(self, index: int, loc: str) -> str:
        """The IR name of TFLite tensor `index`, adding the checked Tensor on first use."""
        if index in self.names:
            return self.names[index]
        t = self.tensor(index, loc)
        name = self.g.unique_name(t.name or f"tensor_{index}")
        self.g.add_tensor(make_tensor(t, name, self.data(t, loc), loc, self.shape(index, loc)))
        self.names[index] = name
        return name

    def shape(self, index: int, loc: str) -> tuple[int, ...]:
        if index in self.shapes:
            return self.shapes[index]
        return fixed_shape(self.tensor(index, loc), loc, placeholder_ok=index in self.pending)

    def is_const(self, index: int, loc: str) -> bool:
        return self.data(self.tensor(index, loc), loc) is not None

    def check_storage(self, index: int, loc: str, allow_variable: bool = False) -> None:
        check_storage(self.tensor(index, loc), loc, allow_variable)

    def state_tensor(self, index: int, loc: str) -> str:
        """A variable (state) tensor as an IR constant holding its initial value (zeros without a buffer)."""
        if index in self.names:
            return self.names[index]
        t = self.tensor(index, loc)
        if not t.variable:
            raise TinycError(f"tensor '{t.name}' should be a variable (state) tensor", loc)
        shape = fixed_shape(t, loc)
        dtype = _CONST_TYPES.get(t.type)
        if dtype is None:
            raise TinycError(f"state tensor '{t.name}' is {type_name(t.type)}", loc)
        data = self.data(t, loc)
        values = const_array(t, data, shape, dtype, loc) if data else np.zeros(shape, dtype=dtype)
        name = self.g.unique_name(t.name or f"tensor_{index}")
        self.g.add_tensor(Tensor(name, shape, dtype, values, qparams(t, shape, loc)))
        self.names[index] = name
        return name

    def param_array(self, index: int, loc: str) -> np.ndarray:
        """A constant INT32/INT64 parameter tensor (shape, axes, perm...) as int64 values."""
        t = self.tensor(index, loc)
        data = self.data(t, loc)
        kinds = {TensorType.INT32: "int32", TensorType.INT64: "int64"}
        if data is None or t.type not in kinds:
            raise TinycError(f"parameter tensor '{t.name}' must be a constant INT32/INT64 tensor, "
                             f"not a {'constant' if data is not None else 'computed'} {type_name(t.type)}", loc)
        return const_array(t, data, fixed_shape(t, loc), kinds[t.type], loc).astype(np.int64)


# -- tensors -------------------------------------------------------------------------
_ACT_TYPES = {TensorType.FLOAT32: "float32", TensorType.INT8: "int8", TensorType.INT16: "int16",
              TensorType.INT32: "int32"}
_CONST_TYPES = {**_ACT_TYPES, TensorType.INT64: "int64"}
_WHY = {
    TensorType.UINT8: "uint8 (asymmetric legacy) quantization is not supported; convert with int8",
    TensorType.FLOAT16: "float16 tensors are not supported; convert with float32 or int8 weights",
    TensorType.INT4: "packed int4 tensors are not supported yet",
}


def type_name(code: int) -> str:
    return TYPE_NAMES.get(code, f"type {code}")


def fixed_shape(t: TflTensor, loc: str, placeholder_ok: bool = False) -> tuple[int, ...]:
    """The static shape with the batch dim (signature -1 at dim 0) fixed to 1; TinycError if dynamic past the
    batch, unless `placeholder_ok` (an operator output that tflite_shapes.resolve fixes after conversion)."""
    shape = list(t.shape)
    if t.signature and len(t.signature) != len(shape):
        raise TinycError(f"tensor '{t.name}': shape {shape} and signature {list(t.signature)} differ in rank", loc)
    for i, s in enumerate(t.signature):
        if s < 0 and i == 0:
            shape[0] = 1
        elif s < 0 and not placeholder_ok:
            raise TinycError(f"tensor '{t.name}' has a dynamic shape {list(t.signature)} (only the batch dim "
                             "may be -1)", loc)
    if any(d < 0 for d in shape):
        raise TinycError(f"tensor '{t.name}' has a dynamic shape {shape}", loc)
    return tuple(shape)


def const_array(t: TflTensor, data: bytes, shape: tuple[int, ...], dtype: str, loc: str) -> np.ndarray:
    """The constant's values as a native-endian numpy array of `shape`."""
    dt = np.dtype(dtype).newbyteorder("<")
    need = int(np.prod(shape, dtype=np.int64)) * dt.itemsize
    if len(data) != need:
        raise TinycError(f"tensor '{t.name}': buffer holds {len(data)} bytes, shape {list(shape)} "
                         f"of {type_name(t.type)} needs {need}", loc)
    return np.frombuffer(data, dtype=dt).astype(dtype).reshape(shape)


def qparams(t: TflTensor, shape: tuple[int, ...], loc: str) -> QParams | None:
    """TFLite's quantization as QParams: per-tensor (axis None) for one scale, else per-channel."""
    if t.custom_quant:
        raise TinycError(f"tensor '{t.name}' uses custom quantization details, which are not supported", loc)
    n = t.scales.size
    if n == 0:
        return None
    zps = t.zero_points if t.zero_points.size else np.zeros(n, dtype=np.int64)
    if zps.size != n:
        raise TinycError(f"tensor '{t.name}' has {n} scales but {zps.size} zero points", loc)
    if n == 1:
        return QParams(t.scales.reshape(()), zps.reshape(()))
    if len(shape) == 1 and shape[0] == n and not 0 <= t.qdim < 1:
        # Old converters copied the filter's quantized_dimension (3 for depthwise) onto the 1-D bias
        # (TFLM's person-detection model): LiteRT refuses it, TFLM reads the bias per element. So do we.
        return QParams(t.scales.copy(), zps.copy(), axis=0)
    if not 0 <= t.qdim < len(shape) or shape[t.qdim] != n:
        raise TinycError(f"tensor '{t.name}': {n} scales do not match dim {t.qdim} of shape {list(shape)}", loc)
    return QParams(t.scales.copy(), zps.copy(), axis=t.qdim)


def make_tensor(t: TflTensor, name: str, data: bytes | None, loc: str, shape: tuple[int, ...] | None = None) -> Tensor:
    """The IR Tensor for t: checked dtype, fixed shape (or `shape`), QParams, and values for a constant."""
    check_storage(t, loc)
    allowed = _CONST_TYPES if data is not None else _ACT_TYPES
    if t.type not in allowed:
        role = "constant" if data is not None else "activation"
        why = _WHY.get(t.type, f"{role}s of type {type_name(t.type)} are not supported "
                                f"(supported: {', '.join(type_name(k) for k in allowed)})")
        raise TinycError(f"tensor '{t.name}' is {type_name(t.type)}: {why}", loc)
    dtype = allowed[t.type]
    shape = fixed_shape(t, loc) if shape is None else shape
    q = qparams(t, shape, loc)
    if dtype in ("int8", "int16") and q is None:
        raise TinycError(f"{dtype} tensor '{t.name}' has no quantization parameters", loc)
    if data is None and q is not None and q.per_channel:
        raise TinycError(f"activation '{t.name}' is quantized per channel; tinyc needs one scale per "
                         "activation tensor", loc)
    values = const_array(t, data, shape, dtype, loc) if data is not None else None
    return Tensor(name, shape, dtype, values, q)


def check_storage(t: TflTensor, loc: str, allow_variable: bool = False) -> None:
    """Reject variables (unless allowed: recurrent state), resource/variant handles and sparse tensors."""
    if (t.variable and not allow_variable) or t.type in (TensorType.RESOURCE, TensorType.VARIANT):
        raise TinycError(f"tensor '{t.name}' is a variable / resource tensor; tinyc supports stateless "
                         "models only", loc)
    if t.sparse:
        raise TinycError(f"tensor '{t.name}' is sparse, which is not supported", loc)
