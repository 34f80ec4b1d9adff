"""TFLM's arena for the 16x8 test ViTs: TFLM cannot prepare them as converted (its GATHER has no
int16 kernel: "Type 'INT16' is not supported by gather"), so this rewrites the one GATHER (the class
token: one constant index on axis 1) into the equivalent STRIDED_SLICE with a shrink mask, checks with
LiteRT BUILTIN_REF that the rewritten model gives the same bytes, and measures TFLM's head on it
(tflite-micro's print_allocations, bench/memory.py) next to tinyc's arena for the original model.

    python bench/tflm_vit16.py [model.tflite ...]     (default: tests/vit/vit_{gelu,tanh}_16x8.tflite)

vit_gelu_16x8 still fails in TFLM (no GELU kernel at all).
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import flatbuffers
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]

from ai_edge_litert import schema_py_generated as fb  # noqa: E402

from memory import tflm_arena  # noqa: E402
from oracle import litert_run  # noqa: E402
from tinyc.pipeline import Options, compile_graph, load_model  # noqa: E402


def _const(model, sub, name: str, values) -> int:
    buf = fb.BufferT()
    buf.data = np.asarray(values, dtype=np.int32).tobytes()
    model.buffers.append(buf)
    t = fb.TensorT()
    t.name, t.shape, t.type, t.buffer = name.encode(), [len(values)], fb.TensorType.INT32, len(model.buffers) - 1
    sub.tensors.append(t)
    return len(sub.tensors) - 1


def _opcode(model, builtin: int) -> int:
    for i, oc in enumerate(model.operatorCodes):
        if max(oc.builtinCode, oc.deprecatedBuiltinCode) == builtin:
            return i
    oc = fb.OperatorCodeT()
    oc.builtinCode, oc.deprecatedBuiltinCode, oc.version = builtin, builtin, 4
    model.operatorCodes.append(oc)
    return len(model.operatorCodes) - 1


def gather_to_slice(data: bytes) -> tuple[bytes, int]:
    """(the model with every single-index constant GATHER rewritten as STRIDED_SLICE, how many)."""
    model = fb.ModelT.InitFromObj(fb.Model.GetRootAs(data, 0))
    done = 0
    for sub in model.subgraphs:
        for op in sub.operators:
            if max(model.operatorCodes[op.opcodeIndex].builtinCode,
                   model.operatorCodes[op.opcodeIndex].deprecatedBuiltinCode) != fb.BuiltinOperator.GATHER:
                continue
            x, ind = sub.tensors[op.inputs[0]], sub.tensors[op.inputs[1]]
            raw = model.buffers[ind.buffer].data
            if raw is None or len(list(ind.shape or [])) > 0:
                continue  # only a scalar constant index
            index = int(np.frombuffer(bytes(raw), dtype=np.int32)[0])
            axis = op.builtinOptions.axis % len(x.shape)
            shape = list(x.shape)
            begin = [0] * len(shape)
            begin[axis] = index
            end = list(shape)
            end[axis] = index + 1
            opts = fb.StridedSliceOptionsT()
            opts.shrinkAxisMask = 1 << axis
            op.opcodeIndex = _opcode(model, fb.BuiltinOperator.STRIDED_SLICE)
            op.inputs = [op.inputs[0], _const(model, sub, "slice_begin", begin), _const(model, sub, "slice_end", end),
                         _const(model, sub, "slice_strides", [1] * len(shape))]
            op.builtinOptionsType, op.builtinOptions = fb.BuiltinOptions.StridedSliceOptions, opts
            done += 1
    b = flatbuffers.Builder(len(data) + 4096)
    b.Finish(model.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output()), done


def tflm_head_sliced(path: Path) -> int | None:
    """TFLM's head for path with its constant GATHERs rewritten (None if TFLM still cannot prepare it);
    raises if LiteRT's outputs of the rewritten model differ from the original's."""
    new, _ = gather_to_slice(Path(path).read_bytes())
    with tempfile.TemporaryDirectory() as d:
        q = Path(d) / Path(path).name
        q.write_bytes(new)
        x = np.random.default_rng(0).integers(-128, 128, (2, 32, 32, 3)).astype(np.int16) * 200
        if litert_run(path, [x])[0].tobytes() != litert_run(q, [x])[0].tobytes():
            raise AssertionError(f"{Path(path).name}: the rewritten model differs in LiteRT")
        return tflm_arena(q)[0]


def main(paths: list[str]) -> None:
    paths = paths or [str(ROOT / f"tests/vit/vit_{v}_16x8.tflite") for v in ("gelu", "tanh")]
    print("| model | tinyc arena | TFLM head (GATHER as STRIDED_SLICE) | tinyc / TFLM head |")
    print("|---|---|---|---|")
    for p in map(Path, paths):
        arena = compile_graph(load_model(p), Options()).report["arena_bytes"]
        head = tflm_head_sliced(p)
        ratio = f"{arena / head:.2f}" if head else "n/a (TFLM cannot prepare it)"
        print(f"| {p.stem} | {arena:,} | {'n/a' if head is None else f'{head:,}'} | {ratio} |")


if __name__ == "__main__":
    main(sys.argv[1:])
