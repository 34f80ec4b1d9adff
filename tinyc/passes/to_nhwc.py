"""to_nhwc: NCHW spatial ops -> NHWC, with transposes only where the layout matters."""
from __future__ import annotations

import copy

import numpy as np

from tinyc import ir
from tinyc.passes._util import (bypass, is_identity_perm, new_node_name, remove_node, rename_tensor,
                                sole_consumer)

TO_NHWC = (0, 2, 3, 1)
TO_NCHW = (0, 3, 1, 2)
AXIS_TO_NHWC = (0, 3, 1, 2)
FLOAT_LUT_OPS = ("elu", "selu", "softplus", "mish", "sqrt", "rsqrt", "abs", "exp", "log", "neg", "reciprocal", "sin",
                 "cos")  # tinyc.ops.float_lut  # NCHW axis a is NHWC axis AXIS_TO_NHWC[a]
SPATIAL = {"conv2d", "transpose_conv", "max_pool2d", "avg_pool2d", "global_avg_pool", "resize_nearest", "group_norm",
           "resize_bilinear"}
UNARY = {"clamp", "logistic", "tanh", "hard_swish", "gelu", "erf", "silu", "leaky_relu", "quantize", "dequantize",
         "identity", "dropout", *FLOAT_LUT_OPS}
ELEMENTWISE = {"clamp", "logistic", "tanh", "hard_swish", "gelu", "erf", "silu", "leaky_relu", "add", "mul", "sub", "div",
               "prelu", "quantize", "dequantize", "identity", "dropout", *FLOAT_LUT_OPS}


def to_nhwc(g: ir.Graph) -> ir.Graph:
    """Afterwards no node has layout="NCHW": spatial ops read and write NHWC tensors, conv weights
    are OHWI, fully_connected weights are [Cout, K] (no w_layout). Elementwise ops, concat, pad and
    mean follow their NHWC inputs (constants and axes permuted). Any other op reading an NHWC
    tensor gets a transpose back to NCHW; graph inputs and outputs keep the model's own layout.
    Transpose chains are composed, identity ones dropped, ones that only move size-1 dims become
    reshapes, and a transpose feeding a fully_connected is folded into its weight columns."""
    conv = _Converter(g)
    for n in list(g.nodes):
        conv.node(n)
    g.nodes = conv.out
    conv.fix_outputs()
    _simplify(g)
    g.prune()
    return g


class _Converter:
    def __init__(self, g: ir.Graph):
        self.g, self.out, self.nhwc, self.cache = g, [], set(), {}

    def transposed(self, name: str, perm) -> str:
        """Name of a tensor holding `name` transposed by perm (a transpose node is emitted once)."""
        key = (name, tuple(perm))
        if key not in self.cache:
            t = self.g.t(name)
            tag = "nhwc" if tuple(perm) == TO_NHWC else "nchw"
            y = self.g.add_tensor(ir.Tensor(self.g.unique_name(f"{name}_{tag}"),
                                            tuple(t.shape[p] for p in perm), t.dtype, q=copy.deepcopy(t.q)))
            self.out.append(ir.Node("transpose", new_node_name(self.g, f"{name}_to_{tag}"), [name], [y.name],
                                    {"perm": tuple(perm)}))
            self.cache[key] = y.name
        return self.cache[key]

    def as_nhwc(self, name: str) -> str:
        return name if name in self.nhwc else self.transposed(name, TO_NHWC)

    def as_nchw(self, name: str) -> str:
        return self.transposed(name, TO_NCHW) if name in self.nhwc else name

    def mark_nhwc(self, name: str) -> None:
        t = self.g.t(name)
        t.shape = tuple(t.shape[p] for p in TO_NHWC)
        self.nhwc.add(name)

    def node(self, n: ir.Node) -> None:
        g = self.g
        acts = [x for x in n.inputs if x and not g.t(x).is_const]
        any_nhwc = any(x in self.nhwc for x in acts)
        if n.op in SPATIAL and n.attrs.get("layout") == "NCHW":
            self.spatial(n)
        elif n.op in ELEMENTWISE and any_nhwc and all(len(g.t(x).shape) == 4 for x in acts):
            n.inputs = [self.as_nhwc(x) if x in acts else self.const_nhwc(x) for x in n.inputs]
            self.mark_nhwc(n.outputs[0])
        elif n.op == "concat" and any_nhwc and all(len(g.t(x).shape) == 4 for x in n.inputs):
            n.inputs = [self.as_nhwc(x) if x in acts else self.const_nhwc(x) for x in n.inputs]
            n.attrs["axis"] = AXIS_TO_NHWC[n.attrs["axis"]]
            self.mark_nhwc(n.outputs[0])
        elif n.op in ("pad", "pad_edge") and any_nhwc:
            n.attrs["pads"] = tuple(n.attrs["pads"][p] for p in TO_NHWC)
            self.mark_nhwc(n.outputs[0])
        elif n.op == "strided_slice" and any_nhwc and len(g.t(n.outputs[0]).shape) == 4:
            for k in ("begin", "size", "strides"):
                n.attrs[k] = tuple(n.attrs[k][p] for p in TO_NHWC)
            self.mark_nhwc(n.outputs[0])
        elif n.op == "gather" and any_nhwc and len(g.t(n.outputs[0]).shape) == 4 \
                and len(n.attrs.get("indices_shape", ())) == 1:  # one axis picked: a channel shuffle
            n.attrs["axis"] = AXIS_TO_NHWC[n.attrs["axis"] % 4]
            self.mark_nhwc(n.outputs[0])
        elif n.op == "mean" and any_nhwc and self.mean(n):
            pass
        elif n.op == "transpose" and any_nhwc:
            n.attrs["perm"] = tuple(TO_NCHW[p] for p in n.attrs["perm"])
        else:
            if n.op == "fully_connected":
                self.fc_weights(n)
            n.inputs = [self.as_nchw(x) if x else x for x in n.inputs]
        self.out.append(n)

    def const_nhwc(self, name: str) -> str:
        """A broadcast operand of an NHWC elementwise op, permuted to match."""
        if not name:
            return name
        t = self.g.t(name)
        if len(t.shape) == 0 or t.size == 1 and len(t.shape) < 4:
            return name
        data = t.data.reshape((1,) * (4 - t.data.ndim) + t.data.shape).transpose(TO_NHWC)
        return self.g.const(self.g.unique_name(name + "_nhwc"), np.ascontiguousarray(data), t.q).name

    def spatial(self, n: ir.Node) -> None:
        n.inputs[0] = self.as_nhwc(n.inputs[0])
        if n.op in ("conv2d", "transpose_conv"):
            n.inputs[1] = self.weight(n.inputs[1], TO_NHWC)
        del n.attrs["layout"]
        self.mark_nhwc(n.outputs[0])

    def weight(self, name: str, perm) -> str:
        """Constant `name` permuted by perm (QParams axis follows); a run-time tensor gets a transpose."""
        t = self.g.t(name)
        if not t.is_const:
            return self.transposed(name, perm)
        q = copy.deepcopy(t.q)
        if q is not None and q.axis is not None:
            q.axis = list(perm).index(q.axis)
        data = np.ascontiguousarray(t.data.transpose(perm))
        return self.g.const(self.g.unique_name(name + "_" + "".join(map(str, perm))), data, q).name

    def fc_weights(self, n: ir.Node) -> None:
        if n.attrs.pop("w_layout", "CK") == "KC":
            n.inputs[1] = self.weight(n.inputs[1], (1, 0))

    def mean(self, n: ir.Node) -> bool:
        """Reduce NHWC directly when the output order allows; False to fall back to NCHW."""
        axes = tuple(n.attrs["axes"])
        new_axes = tuple(sorted(AXIS_TO_NHWC[a] for a in axes))
        if not n.attrs.get("keepdims", True):
            kept = [AXIS_TO_NHWC[a] for a in range(4) if a not in axes]
            if kept != sorted(kept):
                return False
            n.attrs["axes"] = new_axes
            return True
        n.attrs["axes"] = new_axes
        self.mark_nhwc(n.outputs[0])
        return True

    def fix_outputs(self) -> None:
        """Graph outputs stored NHWC get a final transpose back under their own name."""
        g = self.g
        for name in list(g.outputs):
            if name not in self.nhwc:
                continue
            inner = g.unique_name(name + "_nhwc")
            rename_tensor(g, name, inner)
            t = g.t(inner)
            g.add_tensor(ir.Tensor(name, tuple(t.shape[p] for p in TO_NCHW), t.dtype, q=copy.deepcopy(t.q)))
            g.nodes.append(ir.Node("transpose", new_node_name(g, name + "_to_nchw"), [inner], [name],
                                   {"perm": TO_NCHW}))
            g.outputs = [name if o == inner else o for o in g.outputs]


# -- transpose clean-up ------------------------------------------------------------------
def _simplify(g: ir.Graph) -> None:
    changed = True
    while changed:
        changed = False
        for n in list(g.nodes):
            if n not in g.nodes:
                continue
            if n.op == "transpose":
                changed |= _simplify_transpose(g, n)
            elif n.op == "reshape":
                changed |= _simplify_reshape(g, n)
            elif n.op == "fully_connected":
                changed |= _fold_into_fc(g, n)


def _simplify_transpose(g: ir.Graph, n: ir.Node) -> bool:
    perm = n.attrs["perm"]
    if is_identity_perm(perm):
        return bypass(g, n)
    prod = g.producer(n.inputs[0])
    if prod is not None and prod.op in UNARY and sole_consumer(g, prod.outputs[0]) is n \
            and _swap_unary(g, prod, n):
        return True
    if prod is not None and prod.op == "transpose":
        n.attrs["perm"] = tuple(prod.attrs["perm"][p] for p in perm)
        n.inputs = [prod.inputs[0]]
        if not g.consumers(prod.outputs[0]) and prod.outputs[0] not in g.outputs:
            remove_node(g, prod)
        return True
    shape = g.t(n.inputs[0]).shape
    if [p for p in perm if shape[p] != 1] == sorted(p for p in perm if shape[p] != 1):
        n.op, n.attrs = "reshape", {}
        return True
    return False


def _swap_unary(g: ir.Graph, unary: ir.Node, t2: ir.Node) -> bool:
    """T1 -> unary -> T2 (T1, T2 transposes or reshapes) becomes unary -> T1 -> T2, so T1 and T2 meet."""
    t1 = g.producer(unary.inputs[0])
    if t1 is None or t1.op not in ("transpose", "reshape") or sole_consumer(g, t1.outputs[0]) is not unary:
        return False
    x, mid = g.t(t1.inputs[0]), g.t(unary.outputs[0])
    if x.q is None and g.t(t1.outputs[0]).q is not None:
        x.q = copy.deepcopy(g.t(t1.outputs[0]).q)
    mid.shape = x.shape
    unary.inputs = [x.name]
    t1.inputs, t1.outputs = [mid.name], [t1.outputs[0]]
    g.t(t1.outputs[0]).dtype = mid.dtype
    g.t(t1.outputs[0]).q = copy.deepcopy(mid.q)
    t2.inputs = [t1.outputs[0]]
    g.nodes.remove(t1)
    g.nodes.insert(g.nodes.index(unary) + 1, t1)
    return True


def _simplify_reshape(g: ir.Graph, n: ir.Node) -> bool:
    x = g.t(n.inputs[0])
    if x.shape == g.t(n.outputs[0]).shape:
        return bypass(g, n)
    prod = g.producer(x.name)
    if prod is not None and prod.op in UNARY and sole_consumer(g, prod.outputs[0]) is n \
            and _swap_unary(g, prod, n):
        return True
    if prod is not None and prod.op in ("reshape", "flatten", "squeeze", "unsqueeze"):
        n.inputs = [prod.inputs[0]]
        if not g.consumers(prod.outputs[0]) and prod.outputs[0] not in g.outputs:
            remove_node(g, prod)
        return True
    return False


def _fold_into_fc(g: ir.Graph, fc: ir.Node) -> bool:
    """transpose [-> reshape] -> fully_connected with batch 1: permute the weight columns instead."""
    w = g.t(fc.inputs[1])
    src = g.producer(fc.inputs[0])
    reshape = None
    if src is not None and src.op in ("reshape", "flatten") and sole_consumer(g, src.outputs[0]) is fc:
        reshape, src = src, g.producer(src.inputs[0])
    if src is None or src.op != "transpose" or not w.is_const:
        return False
    t_out = src.outputs[0]
    if sole_consumer(g, t_out) is not (reshape or fc) or g.t(t_out).size != w.shape[1]:
        return False
    in_shape = g.t(src.inputs[0]).shape
    idx = np.arange(int(np.prod(in_shape))).reshape(in_shape).transpose(src.attrs["perm"]).reshape(-1)
    new_w = np.empty_like(w.data)
    new_w[:, idx] = w.data
    fc.inputs[1] = g.const(g.unique_name(w.name + "_cols"), new_w, copy.deepcopy(w.q)).name
    if reshape is not None:
        reshape.inputs = [src.inputs[0]]
    else:
        fc.inputs[0] = src.inputs[0]
    remove_node(g, src)
    return True
