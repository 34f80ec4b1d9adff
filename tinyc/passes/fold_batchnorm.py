"""fold_batchnorm: batch_norm into the preceding conv / fully connected, else into mul + add."""
from __future__ import annotations

import numpy as np

from tinyc import ir
from tinyc.passes._util import new_node_name, remove_node, sole_consumer


def fold_batchnorm(g: ir.Graph) -> ir.Graph:
    """Afterwards no `batch_norm` node remains. One that follows a conv2d / fully_connected with
    float constant weights (and is that producer's only reader) is folded into its weights and
    bias. Any other on a rank-4 NCHW tensor becomes a 1x1 depthwise conv2d (groups = C; per-channel
    int8 weights keep every channel's scale exact to 8 bits, which a per-tensor `mul` constant does
    not); on other ranks, `mul` by scale/sqrt(var+eps) then `add` of the shifted bias."""
    for bn in [n for n in g.nodes if n.op == "batch_norm"]:
        k, shift = _affine(g, bn)
        prod = g.producer(bn.inputs[0])
        if not (prod is not None and sole_consumer(g, bn.inputs[0]) is bn and _fold_into(g, prod, bn, k, shift)):
            _to_mul_add(g, bn, k, shift)
    g.prune()
    return g


def _affine(g, bn):
    scale, bias, mean, var = (g.t(x).data.astype(np.float32) for x in bn.inputs[1:5])
    k = (scale / np.sqrt(var + np.float32(bn.attrs["epsilon"]))).astype(np.float32)
    return k, (bias - mean * k).astype(np.float32)


def _fold_into(g: ir.Graph, prod: ir.Node, bn: ir.Node, k, shift) -> bool:
    """Scale prod's weights per output channel; False if prod cannot absorb the BN."""
    if prod.op not in ("conv2d", "fully_connected") or prod.attrs.get("act", (-np.inf, np.inf)) != (-np.inf, np.inf):
        return False
    w = g.t(prod.inputs[1])
    if not w.is_const or w.dtype != "float32":
        return False
    if prod.op == "conv2d":
        wk = w.data * k.reshape(-1, 1, 1, 1)
    elif prod.attrs.get("w_layout") == "KC":
        wk = w.data * k.reshape(1, -1)
    else:
        wk = w.data * k.reshape(-1, 1)
    b = prod.inputs[2] if len(prod.inputs) > 2 else ""
    if b and not (g.t(b).is_const and g.t(b).dtype == "float32"):
        return False
    b_old = g.t(b).data if b else np.zeros_like(k)
    prod.inputs = [prod.inputs[0], g.const(g.unique_name(w.name + "_bn"), wk.astype(np.float32)).name,
                   g.const(g.unique_name(bn.name + "_bias"), (b_old * k + shift).astype(np.float32)).name]
    prod.outputs = list(bn.outputs)
    remove_node(g, bn)
    return True


def _to_mul_add(g: ir.Graph, bn: ir.Node, k, shift) -> None:
    x = g.t(bn.inputs[0])
    if len(x.shape) == 4 and bn.attrs.get("layout") == "NCHW":
        c = x.shape[1]
        w = g.const(g.unique_name(bn.name + "_dw"), k.reshape(c, 1, 1, 1).astype(np.float32))
        b = g.const(g.unique_name(bn.name + "_shift"), shift.reshape(c).astype(np.float32))
        g.nodes[g.nodes.index(bn)] = ir.Node(
            "conv2d", bn.name, [x.name, w.name, b.name], list(bn.outputs),
            {"strides": (1, 1), "dilations": (1, 1), "pads": (0, 0, 0, 0), "groups": c,
             "act": (-np.inf, np.inf), "layout": "NCHW"})
        return
    cshape = (-1,) + (1,) * (len(x.shape) - 2)
    mid = g.add_tensor(ir.Tensor(g.unique_name(bn.outputs[0] + "_scaled"), x.shape))
    kc = g.const(g.unique_name(bn.name + "_scale"), k.reshape(cshape))
    sc = g.const(g.unique_name(bn.name + "_shift"), shift.reshape(cshape))
    act = (-np.inf, np.inf)
    mul = ir.Node("mul", new_node_name(g, bn.name + "_mul"), [x.name, kc.name], [mid.name], {"act": act})
    add = ir.Node("add", new_node_name(g, bn.name + "_add"), [mid.name, sc.name], list(bn.outputs), {"act": act})
    i = g.nodes.index(bn)
    g.nodes[i:i + 1] = [mul, add]
