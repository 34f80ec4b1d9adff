"""ONNX file -> float tinyc IR (still in ONNX's NCHW layout).

`load_onnx` reads and checks the file, fixes a symbolic batch dim to 1, runs
strict shape inference, folds every constant subgraph (Shape/Gather/Concat
chains, Reshape shape inputs, ...) with the ONNX reference evaluator, and
then converts each remaining node through the function of the same name in
`onnx_ops`. DequantizeLinear of a constant is never folded: it becomes a
`dequantize` node that the `fold_qdq` pass turns into an int constant.

The IR it returns uses the docs/ops.md vocabulary plus a few pre-canonical
ops that the passes remove: `batch_norm`, `sub`, `div`, `flatten`,
`squeeze`, `unsqueeze`, `global_avg_pool`, `identity`, `dropout`. Spatial
ops carry `layout="NCHW"` and ONNX's weight layout (OIHW); a MatMul / Gemm
becomes `fully_connected` with `w_layout="KC"` or `"CK"`.
"""
from __future__ import annotations

import inspect
import os

import numpy as np
import onnx
from onnx import helper, numpy_helper, shape_inference
from onnx.reference import ReferenceEvaluator

from tinyc import ir
from tinyc.errors import TinycError, where
from tinyc.frontend import onnx_ops

ONNX_DTYPES = {1: "float32", 2: "uint8", 3: "int8", 5: "int16", 6: "int32", 7: "int64"}
NEVER_FOLD = ("DequantizeLinear",)


class Ctx:
    """What an op function sees: the IR being built, constants and shapes."""

    def __init__(self, g: ir.Graph, consts: dict, shapes: dict, dtypes: dict, opset: int):
        self.g, self.consts, self.shapes, self.dtypes, self.opset = g, consts, shapes, dtypes, opset

    def const(self, name: str | None) -> np.ndarray | None:
        """The value of a constant ONNX tensor, or None if it is computed at run time."""
        return self.consts.get(name) if name else None

    def shape(self, name: str) -> tuple[int, ...]:
        """Static shape of a constant or run-time tensor."""
        if name in self.consts:
            return tuple(self.consts[name].shape)
        return self.shapes[name]

    def is_weight(self, name: str) -> bool:
        """A constant, or the output of a `dequantize` of an IR constant."""
        if name in self.consts:
            return True
        p = self.g.producer(name) if name in self.g.tensors else None
        return p is not None and p.op == "dequantize" and self.g.t(p.inputs[0]).is_const

    def tensor(self, name: str) -> str:
        """Make sure the IR has a tensor for ONNX tensor `name`; returns its name."""
        if name and name not in self.g.tensors:
            if name in self.consts:
                data = self.consts[name]
                if data.dtype == np.float64:
                    data = data.astype(np.float32)
                if data.dtype.kind == "f" and not np.all(np.isfinite(data)):
                    raise TinycError("weights contain NaN or Inf", _tensor_where(self.g.source, name))
                if str(data.dtype) not in ir.DTYPES:
                    raise TinycError(f"unsupported constant type {data.dtype}", _tensor_where(self.g.source, name))
                self.g.const(name, data)
            else:
                self.g.add_tensor(ir.Tensor(name, self.shapes[name], self.dtypes[name]))
        return name

    def tmp(self, base: str, shape, dtype: str = "float32") -> str:
        """A fresh intermediate IR tensor."""
        name = self.g.unique_name(base)
        self.g.add_tensor(ir.Tensor(name, tuple(shape), dtype))
        return name

    def add_const(self, base: str, data) -> str:
        """A fresh IR constant."""
        return self.g.const(self.g.unique_name(base), np.asarray(data)).name

    def emit(self, node, op: str, inputs, outputs, **attrs) -> ir.Node:
        """Append an IR node made for ONNX `node`."""
        inputs = [self.tensor(x) if x else "" for x in inputs]
        outputs = [self.tensor(y) for y in outputs]
        base = node.name or f"{node.op_type}_{len(self.g.nodes)}"
        names = {n.name for n in self.g.nodes}
        name, i = base, 1
        while name in names:
            name, i = f"{base}_{i}", i + 1
        n = ir.Node(op, name, list(inputs), list(outputs), attrs)
        self.g.nodes.append(n)
        return n

    def error(self, node, what: str) -> TinycError:
        return TinycError(what, where(self.g.source, node.name, node.op_type))


def load_onnx(path) -> ir.Graph:
    """Afterwards: a verified float IR graph (NCHW, pre-canonical ops allowed, batch 1)."""
    path = str(path)
    model = _read(path)
    opset = _opset(model, path)
    model = _infer(model, path)
    for _ in range(8):  # folding makes shapes static (Expand by a folded Shape), which folds more Shapes
        n_nodes = len(model.graph.node)
        consts, model = _fold(model, path)
        model = _infer(model, path)
        if len(model.graph.node) == n_nodes:
            break
    shapes, dtypes = _static_shapes(model, consts, path)
    g = ir.Graph(name=_graph_name(path), source=path)
    ctx = Ctx(g, consts, shapes, dtypes, opset)
    for inp in model.graph.input:
        if inp.name not in consts:
            g.inputs.append(ctx.tensor(inp.name))
    for node in model.graph.node:
        _convert(ctx, node)
    for out in model.graph.output:
        if out.name in consts:
            raise TinycError("graph output is a constant", _tensor_where(path, out.name))
        g.outputs.append(out.name)
    g.prune()
    return ir.verify(g)


def _tensor_where(path: str, tensor: str) -> str:
    return f"{path}: tensor '{tensor}'"


def _graph_name(path: str) -> str:
    base = os.path.splitext(os.path.basename(path))[0]
    return "".join(c if c.isalnum() else "_" for c in base) or "model"


def _read(path: str) -> onnx.ModelProto:
    """The parsed and checked model; bad files raise a one-line TinycError."""
    if not os.path.exists(path):
        raise TinycError("file not found", path)
    if os.path.isdir(path):
        raise TinycError("is a directory, not an ONNX file", path)
    if os.path.getsize(path) == 0:
        raise TinycError("empty file, not an ONNX model", path)
    try:
        model = onnx.load(path)
    except Exception as e:  # protobuf DecodeError and friends
        raise TinycError(f"not a valid ONNX file ({type(e).__name__})", path) from None
    if not model.graph.node or not model.graph.output:
        raise TinycError("not a valid ONNX model (no graph)", path)
    try:
        onnx.checker.check_model(model)
    except Exception as e:
        raise TinycError(f"ONNX checker: {str(e).splitlines()[0]}", path) from None
    return model


def _opset(model, path: str) -> int:
    for o in model.opset_import:
        if o.domain in ("", "ai.onnx"):
            return int(o.version)
    raise TinycError("model imports no default ONNX opset", path)


def _infer(model, path: str) -> onnx.ModelProto:
    """Batch dim set to 1, other symbolic input dims rejected, then strict shape inference."""
    inits = {t.name for t in model.graph.initializer}
    for vi in model.graph.input:
        if vi.name in inits:
            continue
        dims = vi.type.tensor_type.shape.dim
        for i, d in enumerate(dims):
            if not d.HasField("dim_value") or d.dim_value <= 0:
                if i == 0:
                    d.dim_value = 1
                else:
                    raise TinycError("dynamic spatial dims are not supported; give the input a fixed shape",
                                     _tensor_where(path, vi.name))
    for vi in model.graph.output:
        for d in vi.type.tensor_type.shape.dim:
            if not d.HasField("dim_value"):
                d.Clear()
    del model.graph.value_info[:]
    try:
        return shape_inference.infer_shapes(model, check_type=True, strict_mode=True, data_prop=True)
    except Exception as e:
        raise TinycError(f"shape inference failed: {str(e).splitlines()[0]}", path) from None


def _fold(model, path: str):
    """Evaluate every node whose inputs are all constant; returns (consts, model without them)."""
    consts = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    shapes = _inferred_shapes(model)
    keep = []
    for node in model.graph.node:
        ins = [x for x in node.input if x]
        if node.op_type == "Constant":
            consts[node.output[0]] = _eval(model, node, consts, path)[0]
        elif node.op_type == "Shape" and shapes.get(node.input[0]) is not None:
            consts[node.output[0]] = _eval_shape(node, shapes[node.input[0]])
        elif node.op_type not in NEVER_FOLD and all(x in consts for x in ins) and node.domain in ("", "ai.onnx"):
            for name, val in zip(node.output, _eval(model, node, consts, path)):
                consts[name] = val
        else:
            keep.append(node)
    used = {x for n in keep for x in n.input} | {o.name for o in model.graph.output}
    graph = helper.make_graph(
        keep, model.graph.name,
        [vi for vi in model.graph.input if vi.name not in consts],
        list(model.graph.output),
        [numpy_helper.from_array(v, k) for k, v in consts.items() if k in used])
    # IR >= 4 lets initializers be absent from the inputs (old files list them as graph inputs)
    new = helper.make_model(graph, opset_imports=list(model.opset_import), ir_version=max(model.ir_version, 4))
    return consts, new


def _eval(model, node, consts: dict, path: str) -> list[np.ndarray]:
    """Run one node with the ONNX reference evaluator."""
    ins = [helper.make_tensor_value_info(x, 0, None) for x in node.input if x]
    outs = [helper.make_tensor_value_info(y, 0, None) for y in node.output if y]
    m = helper.make_model(helper.make_graph([node], "fold", ins, outs),
                          opset_imports=list(model.opset_import), ir_version=model.ir_version)
    try:
        res = ReferenceEvaluator(m).run(None, {x: consts[x] for x in node.input if x})
    except Exception as e:
        raise TinycError(f"cannot fold constant node: {str(e).splitlines()[0] if str(e) else type(e).__name__}",
                         where(path, node.name, node.op_type)) from None
    return [np.asarray(r) for r in res]


def _eval_shape(node, shape) -> np.ndarray:
    start, end = 0, len(shape)
    for a in node.attribute:
        if a.name == "start":
            start = a.i
        elif a.name == "end":
            end = a.i
    return np.array(shape[slice(start, end)], dtype=np.int64)


def _inferred_shapes(model) -> dict[str, tuple | None]:
    """name -> static shape (None if unknown or symbolic) for every typed value."""
    out = {}
    for vi in (*model.graph.input, *model.graph.value_info, *model.graph.output):
        tt = vi.type.tensor_type
        if not tt.HasField("shape"):
            out[vi.name] = None
            continue
        dims = [d.dim_value if d.HasField("dim_value") else None for d in tt.shape.dim]
        out[vi.name] = None if None in dims else tuple(dims)
    return out


def _static_shapes(model, consts: dict, path: str):
    """Shapes and dtypes of all run-time tensors; a symbolic one raises TinycError naming it."""
    shapes = _inferred_shapes(model)
    dtypes = {}
    for vi in (*model.graph.input, *model.graph.value_info, *model.graph.output):
        dtypes[vi.name] = ONNX_DTYPES.get(vi.type.tensor_type.elem_type)
    for vi in (*model.graph.input, *model.graph.output):
        if vi.name not in consts and (dtypes[vi.name] is None or shapes.get(vi.name) is None):
            raise TinycError("unsupported type or non-static shape", _tensor_where(path, vi.name))
    for node in model.graph.node:
        for name in (*node.input, *node.output):
            if not name or name in consts:
                continue
            if shapes.get(name) is None:
                raise TinycError("dynamic spatial dims (shape not static after inference)",
                                 where(path, node.name, node.op_type) + f": tensor '{name}'")
            if dtypes.get(name) is None:
                raise TinycError(f"unsupported tensor type for '{name}'", where(path, node.name, node.op_type))
    return shapes, dtypes


def _convert(ctx: Ctx, node) -> None:
    """Emit the IR nodes for one ONNX node through onnx_ops.<OpType>."""
    fn = onnx_ops.OPS.get(node.op_type) if node.domain in ("", "ai.onnx") else None
    if fn is None:
        raise ctx.error(node, f"unsupported op; supported ops: {', '.join(sorted(onnx_ops.OPS))}")
    attrs = {}
    for a in node.attribute:
        v = helper.get_attribute_value(a)
        if isinstance(v, bytes):
            v = v.decode()
        elif isinstance(v, list):
            v = [x.decode() if isinstance(x, bytes) else x for x in v]
        elif isinstance(v, onnx.TensorProto):
            v = numpy_helper.to_array(v)
        attrs[a.name] = v
    params = inspect.signature(fn).parameters
    for k in attrs:
        if k not in params or params[k].kind != inspect.Parameter.KEYWORD_ONLY:
            raise ctx.error(node, f"unsupported attribute '{k}'")
    n_pos = sum(1 for p in params.values() if p.kind == inspect.Parameter.POSITIONAL_OR_KEYWORD) - 2
    variadic = any(p.kind == inspect.Parameter.VAR_POSITIONAL for p in params.values())
    ins = list(node.input)
    if len(ins) > n_pos and not variadic:
        raise ctx.error(node, f"too many inputs ({len(ins)}), at most {n_pos} supported")
    ins = [x if x else None for x in ins]
    try:
        fn(ctx, node, *ins, **attrs)
    except TinycError:
        raise
    except (TypeError, ValueError, KeyError, IndexError) as e:  # malformed node the checker let through
        raise ctx.error(node, f"cannot convert node ({type(e).__name__}: {e})") from None
