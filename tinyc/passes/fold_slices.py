"""fold_slices: a strided_slice that picks exactly one input of a concat reads that input instead."""
from __future__ import annotations

import numpy as np

from tinyc import ir
from tinyc.passes._util import drop_dead

MAX_ELEMENTS = 1 << 16  # the check enumerates indices: only for small tensors (sequence outputs)


def fold_slices(g: ir.Graph) -> ir.Graph:
    """Afterwards no strided_slice reads (through reshapes) a concat whose output it selects one input
    of, element for element: it is a reshape of that input (one requantization less). A slice of an
    lstm_f32 / gru_f32 sequence output that picks the step computed last (PyTorch's `out[:, -1]`) reads the
    op's final state instead. Nodes nobody reads any more are removed."""
    for n in list(g.nodes):
        if n.op == "strided_slice":
            _fold(g, n)
    drop_dead(g)
    g.prune()
    return g


def _last_step(g: ir.Graph, sl: ir.Node, rnn: ir.Node, picked: np.ndarray) -> None:
    """A slice of an lstm_f32 / gru_f32 sequence output that is its last step reads the op's final h."""
    steps, hid = g.t(rnn.outputs[0]).shape
    last = 0 if rnn.attrs.get("reverse", False) else steps - 1
    if np.array_equal(picked, np.arange(last * hid, (last + 1) * hid)):
        sl.op, sl.inputs, sl.attrs = "reshape", [rnn.outputs[1]], {}


def _fold(g: ir.Graph, sl: ir.Node) -> None:
    src = g.producer(sl.inputs[0])
    while src is not None and src.op == "reshape":
        src = g.producer(src.inputs[0])
    x = g.t(sl.inputs[0])
    if src is None or src.op not in ("concat", "lstm_f32", "gru_f32") or x.size > MAX_ELEMENTS:
        return
    a = sl.attrs
    idx = tuple(np.arange(n) * s + b for b, n, s in zip(a["begin"], a["size"], a["strides"]))
    picked = np.arange(x.size).reshape(x.shape)[np.ix_(*idx)].reshape(-1)
    if src.op != "concat":
        _last_step(g, sl, src, picked)
        return
    out_shape = g.t(src.outputs[0]).shape
    axis = src.attrs["axis"] % len(out_shape)
    if int(np.prod(out_shape[:axis])) != 1:
        return  # parts are not contiguous in memory
    start = 0
    for part in src.inputs:
        size = g.t(part).size
        if len(picked) == size and picked[0] == start and np.array_equal(picked, np.arange(start, start + size)):
            if g.t(part).q is not None and g.t(sl.outputs[0]).q is not None:
                return  # QDQ-annotated: keep the graph's own quantization
            sl.op, sl.inputs, sl.attrs = "reshape", [part], {}
            return
        start += size
