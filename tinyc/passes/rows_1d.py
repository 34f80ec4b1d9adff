"""rows_1d: the feature maps of a 1-D network as rows, so that the patch loop can stream its time axis.

Both frontends put a 1-D convolution on NHWC tensors [1, 1, W, C]: ONNX Conv1d (NCL) through its
2-D form with H = 1 (tinyc.frontend.onnx_ops._one_d), Keras Conv1D / MaxPooling1D through the
TFLite converter's EXPAND_DIMS + CONV_2D + RESHAPE around every layer. Row-band streaming
(tinyc.patching.stream) cuts the split tensor into bands of rows, so a [1, 1, W, C] map has
nothing to cut. [1, 1, W, C] and [1, W, 1, C] hold the same bytes in the same order, so this
pass relabels them: every such activation becomes [1, W, 1, C], and the nodes on them swap
their H and W attributes (kernel, weights' (kh, kw) axes, strides, dilations, pads, slice
bounds, transpose permutations, mean axes). No byte of any tensor changes, nor any kernel's
arithmetic (a kw x 1 window on a W x 1 map is the 1 x kw window on the 1 x W map).

First the converter's round trips [1, 1, W, C] -> [1, W, C] -> [1, 1, W, C] (a reshape read only
by a reshape back to the first shape) are removed, so consecutive layers read each other's
output directly (a chain the loop can stream). Then the [1, 1, W, C] activations are grouped by
the nodes that keep a map's spatial layout (window and elementwise ops, pad, channel concat,
slice): a group is relabelled only if every such node is one this pass knows and is truly
1-D (kernel height 1, no top or bottom padding), and no tensor of it is a graph input or
output (the interface keeps its shape). reshape, transpose and mean sit between groups and
take whatever labels their two sides have.

The pipeline runs it only with --patch (auto or forced): it changes no result, only which
axis the plan sees.
"""
from __future__ import annotations

from tinyc import ir
from tinyc.passes._util import replace_uses

# Nodes whose activation inputs and output share one spatial layout (one group).
WINDOW = ("conv2d", "depthwise_conv2d", "max_pool2d", "avg_pool2d")
SAME_LAYOUT = WINDOW + ("add", "mul", "clamp", "quantize", "dequantize", "hard_swish", "logistic", "tanh",
                        "silu", "pad", "concat", "strided_slice")
BOUNDARY = ("reshape", "transpose", "mean")
SWAP = (0, 2, 1, 3)


def rows_1d(g: ir.Graph) -> ir.Graph:
    """Afterwards no reshape round trip of a [1, 1, W, C] map remains, and every [1, 1, W, C]
    activation group (see the module docstring) is relabelled [1, W, 1, C]."""
    g = drop_round_trips(g)
    flip = flipped_tensors(g)
    if not flip:
        return g
    for n in list(g.nodes):
        _relabel_node(g, n, flip)
    for name in flip:
        t = g.tensors[name]
        t.shape = tuple(t.shape[i] for i in SWAP)
    ir.verify(g)
    return g


def _is_map(g: ir.Graph, name: str) -> bool:
    t = g.tensors.get(name)
    return t is not None and not t.is_const and len(t.shape) == 4 and t.shape[0] == 1 and t.shape[1] == 1


def drop_round_trips(g: ir.Graph) -> ir.Graph:
    """Reshape pairs X [1, 1, W, C] -> Y -> Z (Z's shape: X's), Y read only by such reshapes, not
    graph outputs: Z's readers read X."""
    changed = True
    while changed:
        changed = False
        for b in list(g.nodes):
            if b.op != "reshape" or b not in g.nodes:
                continue
            a = g.producer(b.inputs[0])
            if a is None or a.op != "reshape" or not _is_map(g, a.inputs[0]) or b.outputs[0] in g.outputs:
                continue
            x, y, z = a.inputs[0], a.outputs[0], b.outputs[0]
            if g.tensors[z].shape != g.tensors[x].shape or y in g.outputs:
                continue
            g.nodes.remove(b)
            replace_uses(g, z, x)
            if not g.consumers(y):
                g.nodes.remove(a)
            changed = True
    g.prune()
    return g


def _acts(g: ir.Graph, names) -> list[str]:
    return [x for x in names if x and not g.tensors[x].is_const]


def _one_d(g: ir.Graph, n: ir.Node) -> bool:
    """n keeps a [1, 1, W, C] layout and this pass can relabel it."""
    if n.op in WINDOW:
        a = n.attrs
        kh = g.tensors[n.inputs[1]].shape[1] if n.op != "max_pool2d" and n.op != "avg_pool2d" else a["kernel"][0]
        pads = tuple(a.get("pads", (0, 0, 0, 0)))
        return kh == 1 and pads[0] == 0 and pads[2] == 0
    if n.op == "concat":
        return int(n.attrs.get("axis", -1)) % 4 == 3
    if n.op == "pad":
        return tuple(n.attrs["pads"][1]) == (0, 0) and len(n.attrs["pads"]) == 4
    if n.op == "strided_slice":
        return len(n.attrs["begin"]) == 4
    if n.op in SAME_LAYOUT:  # elementwise: constants must not vary over W
        return all(len(g.tensors[x].shape) < 3 or g.tensors[x].shape[-2] == 1
                   for x in n.inputs if x and g.tensors[x].is_const)
    return False


def flipped_tensors(g: ir.Graph) -> set[str]:
    """The [1, 1, W, C] activations to relabel: the groups (joined by SAME_LAYOUT nodes) whose
    every node passes _one_d, with some W > 1, none a graph input or output."""
    maps = {x for n in g.nodes for x in (*n.inputs, *n.outputs) if _is_map(g, x)}
    parent = {x: x for x in maps}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    bad: set[str] = set()
    for n in g.nodes:
        acts = _acts(g, (*n.inputs, *n.outputs))
        if n.op == "mean" and n.outputs[0] in maps:  # keepdims onto a [1, 1, W, C] map: one layout
            if n.inputs[0] not in maps:
                bad.add(n.outputs[0])
            else:
                parent[find(n.outputs[0])] = find(n.inputs[0])
            continue
        if n.op == "mean" and n.inputs[0] in maps and 2 not in {int(a) % 4 for a in n.attrs.get("axes", ())}:
            bad.add(n.inputs[0])  # the result would keep W: its own shape would change
            continue
        if n.op in BOUNDARY:
            if n.op == "transpose" and any(len(g.tensors[x].shape) != 4 for x in acts):
                bad.update(x for x in acts if x in maps)
            continue
        ours = [x for x in acts if x in maps]
        if not ours:
            continue
        if len(ours) != len(acts) or not _one_d(g, n):
            bad.update(ours)
        for x in ours[1:]:
            parent[find(x)] = find(ours[0])
    bad |= {x for x in (*g.inputs, *g.outputs) if x in maps}
    groups: dict[str, list[str]] = {}
    for x in maps:
        groups.setdefault(find(x), []).append(x)
    out = set()
    for members in groups.values():
        if not bad.intersection(members) and any(g.tensors[x].shape[2] > 1 for x in members):
            out.update(members)
    return out


def _swap_pair(v):
    return (v[1], v[0]) if v is not None else v


def _relabel_node(g: ir.Graph, n: ir.Node, flip: set[str]) -> None:
    """n's attributes (and weights) for its relabelled tensors."""
    a = n.attrs
    if n.op in BOUNDARY:
        _relabel_boundary(g, n, flip)
        return
    if not any(x in flip for x in n.outputs):
        return
    if n.op in WINDOW:
        for k in ("strides", "dilations", "kernel"):
            if k in a:
                a[k] = _swap_pair(tuple(a[k]))
        if "pads" in a:
            t, left, b, r = a["pads"]
            a["pads"] = (left, t, r, b)
        if n.op in ("conv2d", "depthwise_conv2d"):
            _swap_weights(g, n)
    elif n.op == "pad":
        p = [tuple(v) for v in a["pads"]]
        a["pads"] = [p[0], p[2], p[1], p[3]]
    elif n.op == "strided_slice":
        for k in ("begin", "size", "strides"):
            v = list(a[k])
            a[k] = type(a[k])([v[i] for i in SWAP])


def _swap_weights(g: ir.Graph, n: ir.Node) -> None:
    """The (kh, kw) axes 1, 2 of a conv / depthwise weight, as a new constant (others may share it)."""
    w = g.tensors[n.inputs[1]]
    name = g.unique_name(w.name + "_rows")
    t = g.const(name, w.data.transpose(SWAP).copy(), w.q)
    t.dtype = w.dtype
    n.inputs[1] = name


def _relabel_boundary(g: ir.Graph, n: ir.Node, flip: set[str]) -> None:
    """A transpose's permutation or a mean's axes for relabelled sides (a reshape needs nothing)."""
    x, y = n.inputs[0], n.outputs[0]
    xs = g.tensors[x].shape
    if n.op == "transpose" and y in flip and x not in flip and tuple(n.attrs["perm"]) == (0, 2, 3, 1) and xs[2] == 1:
        # NCHW [1, C, 1, W] -> NHWC: relabel the input [1, C, W, 1] first (a reshape), so that the
        # transpose stays the NCHW -> NHWC one a patch loop's window loader reads through
        x2 = g.unique_name(x + "_rows")
        g.add_tensor(ir.Tensor(x2, (xs[0], xs[1], xs[3], 1), g.tensors[x].dtype, None, g.tensors[x].q))
        g.nodes.insert(g.nodes.index(n), ir.Node("reshape", g.unique_name(n.name + "_rows"), [x], [x2]))
        n.inputs[0] = x2
    elif n.op == "transpose" and (x in flip or y in flip):
        perm = [int(p) for p in n.attrs["perm"]]
        if x in flip:
            perm = [SWAP[p] for p in perm]
        if y in flip:
            perm = [perm[SWAP[i]] for i in range(4)]
        n.attrs["perm"] = tuple(perm)
    elif n.op == "mean" and x in flip:
        n.attrs["axes"] = tuple(sorted(SWAP[int(ax) % 4] for ax in n.attrs.get("axes", ())))
