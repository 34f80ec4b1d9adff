"""fuse_island_lut: DEQUANTIZE (int8) -> exact float unary ops -> QUANTIZE (int8) becomes one island_lut.

TFLite's converter keeps the NEG of Keras' LayerNormalization in float inside an int8 model. The
chain's intermediates must be read by the next op of the chain only (not graph outputs), and every
float op must be one island_lut computes exactly (tinyc.ops.island_lut.FLOAT_FNS). Afterwards no such
chain remains; other float islands are left to tinyc.ops.float_island.
"""
from __future__ import annotations

from tinyc import ir
from tinyc.ops.island_lut import FLOAT_FNS
from tinyc.passes._util import remove_node, sole_consumer


def fuse_island_lut(g: ir.Graph) -> ir.Graph:
    for dq in [n for n in g.nodes if n.op == "dequantize"]:
        if g.tensors[dq.inputs[0]].dtype != "int8":
            continue
        chain, n = [], sole_consumer(g, dq.outputs[0])
        while n is not None and n.op in FLOAT_FNS and len(n.inputs) == 1:
            chain.append(n)
            n = sole_consumer(g, n.outputs[0])
        if not chain or n is None or n.op != "quantize" or g.tensors[n.outputs[0]].dtype != "int8":
            continue
        fused = ir.Node("island_lut", n.name + "_island", [dq.inputs[0]], list(n.outputs),
                        {"ops": tuple(c.op for c in chain)})
        g.nodes[g.nodes.index(n)] = fused
        for m in (dq, *chain):
            remove_node(g, m)
    g.prune()
    return g
