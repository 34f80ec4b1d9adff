"""Stage splitting: the model's input interface, read per patch window, and sub-graphs.

A model may start with an input interface: float -> int8 quantize, the NCHW ->
NHWC transpose of a PyTorch-exported input (or of the TFLite MobileNetV2's
int8 input), the NCHW -> NHWC relabel (reshape) a one-channel input gets. None
of it changes which pixel a value belongs to, so the patch stage reads its
windows straight from the caller's buffer and converts each window on the
fly (`WindowLoad`; C: tc_load_window_s8 / tc_load_window_f32_s8): the full
converted input never exists. `split_graph` separates the interface so that
the patch search and lowering see a graph whose first node is the stage's.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tinyc.ir import Graph, Node
from tinyc.ops import op_module

TO_NHWC = (0, 2, 3, 1)


@dataclass(frozen=True)
class WindowLoad:
    """How a window of the stage input is read from the model input: its layout (NCHW: the
    interface's transpose) and, for a float input, the quantization (scale, zero point)."""

    nchw: bool
    quantize: tuple[float, int] | None


def _interface_node(g: Graph, n: Node, transposed: bool) -> bool:
    """n may belong to the interface: a float32 -> int8 per-tensor quantize, a reshape (memory
    order kept) before any transpose, or one rank-4 NCHW -> NHWC transpose."""
    x, y = g.tensors[n.inputs[0]], g.tensors[n.outputs[0]]
    if n.op == "quantize":
        return x.dtype == "float32" and y.dtype == "int8" and y.q is not None and not y.q.per_channel
    if n.op == "reshape":
        return not transposed
    if n.op == "transpose":
        return not transposed and len(x.shape) == 4 and tuple(n.attrs.get("perm", ())) == TO_NHWC
    return False


def interface_prefix(g: Graph) -> int:
    """How many leading nodes form the input interface (see the module docstring), ending with
    an int8 rank-4 tensor (the stage input; int16 too when the interface only relabels, a 16x8
    Conv1D's expand reshape); 0 when there is none."""
    k, cur, transposed, best = 0, g.inputs[0], False, 0
    relabel = True  # reshapes only so far: an int16 (16x8) stage input is read as it is
    while k < len(g.nodes) and g.nodes[k].inputs[:1] == [cur] and _interface_node(g, g.nodes[k], transposed):
        transposed = transposed or g.nodes[k].op == "transpose"
        relabel = relabel and g.nodes[k].op == "reshape"
        cur = g.nodes[k].outputs[0]
        k += 1
        t = g.tensors[cur]
        if (t.dtype == "int8" or (relabel and t.dtype == "int16")) and len(t.shape) == 4 \
                and t.size == g.tensors[g.inputs[0]].size:
            best = k
    return best


def window_load(g: Graph, k: int) -> WindowLoad:
    """The WindowLoad of g's first k (interface) nodes."""
    nodes = g.nodes[:k]
    q = next((g.tensors[n.outputs[0]].q for n in nodes if n.op == "quantize"), None)
    return WindowLoad(any(n.op == "transpose" for n in nodes), None if q is None else (q.s(), q.zp()))


def load_window(g: Graph, k: int, x: np.ndarray, r) -> np.ndarray:
    """The stage input's window r (a Region) computed from the model input x alone: the interface
    nodes' numpy references run on x's window in x's own layout (what the C loader does)."""
    if k == 0:
        return x[:, r.y0:r.y1, r.x0:r.x1, :]
    load = window_load(g, k)
    stage_in = g.tensors[g.nodes[k - 1].outputs[0]]
    _, h, w, c = stage_in.shape
    if load.nchw:
        win = np.asarray(x).reshape(1, c, h, w)[:, :, r.y0:r.y1, r.x0:r.x1].transpose(TO_NHWC)
    else:
        win = np.asarray(x).reshape(1, h, w, c)[:, r.y0:r.y1, r.x0:r.x1, :]
    if load.quantize is None:
        return np.ascontiguousarray(win).astype(stage_in.dtype)
    qn = next(n for n in g.nodes[:k] if n.op == "quantize")
    win = np.ascontiguousarray(win).astype(np.float32)
    sub = Graph("window", {qn.inputs[0]: _shaped(g.tensors[qn.inputs[0]], win.shape),
                           qn.outputs[0]: _shaped(g.tensors[qn.outputs[0]], win.shape)}, [qn])
    return np.asarray(op_module("quantize").ref(qn, sub, win)[0]).reshape(win.shape).astype(stage_in.dtype)


def _shaped(t, shape):
    from dataclasses import replace
    return replace(t, shape=tuple(shape))


def suffix_graph(g: Graph, k: int) -> Graph:
    """Nodes k.. of g as a graph reading the tensor node k-1 writes (constants shared)."""
    if k == 0:
        return g
    sub = Graph(g.name, dict(g.tensors), list(g.nodes[k:]), [g.nodes[k - 1].outputs[0]], list(g.outputs), g.source)
    sub.prune()
    return sub


def prefix_graph(g: Graph, k: int) -> Graph | None:
    """Nodes 0..k-1 of g as a graph writing the tensor node k-1 writes (None when k is 0)."""
    if k == 0:
        return None
    head = Graph(f"{g.name}_head", dict(g.tensors), list(g.nodes[:k]), list(g.inputs), [g.nodes[k - 1].outputs[0]],
                 g.source)
    head.prune()
    return head


def split_graph(g: Graph) -> tuple[int, Graph]:
    """(k, graph after the k interface nodes); (0, g) for a model without an interface."""
    k = interface_prefix(g)
    return k, suffix_graph(g, k)
