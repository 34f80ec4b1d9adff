"""fold_output_transpose (quantized graphs): a float output's int8 transpose joins its dequantize.

An ONNX model with a spatial output ends, after to_nhwc and quantization, in transpose (NHWC ->
NCHW, int8) -> dequantize -> the float output in the caller's buffer. The transpose's int8 copy
lives in the arena beside its input, so a segmentation or super-resolution model's peak is often
that copy. Afterwards the dequantize reads the transpose's input and writes the output in the
permuted order itself (tinyc.ops.dequantize, attr perm), when the transpose's only reader is that
dequantize, the transpose's output is no graph output, and the move collapses to rank 4.
"""
from __future__ import annotations

from tinyc import ir
from tinyc.ops.transpose import collapse
from tinyc.passes._util import remove_node, sole_consumer


def fold_output_transpose(g: ir.Graph) -> ir.Graph:
    for dq in [n for n in g.nodes if n.op == "dequantize" and "perm" not in n.attrs]:
        if dq.outputs[0] not in g.outputs:
            continue
        tr = g.producer(dq.inputs[0])
        if tr is None or tr.op != "transpose" or sole_consumer(g, tr.outputs[0]) is not dq:
            continue
        x, t = g.tensors[tr.inputs[0]], g.tensors[tr.outputs[0]]
        perm = tuple(int(p) for p in tr.attrs.get("perm", tuple(reversed(range(len(x.shape))))))
        if x.dtype != "int8" or x.q is None or t.q is None or x.q.per_channel or t.q.per_channel or \
                x.q.s() != t.q.s() or x.q.zp() != t.q.zp() or len(collapse(x.shape, perm)[0]) > 4:
            continue
        dq.inputs = [tr.inputs[0]]
        dq.attrs = {**dq.attrs, "perm": perm}
        remove_node(g, tr)
    g.prune()
    return g
