"""Stage splitting: the input interface that runs before the patch stage, and sub-graphs.

An ONNX model may start with an input interface (quantize, then the NCHW -> NHWC
relabel a one-channel input gets) that runs layer by layer before the patch
stage; `split_graph` separates it so that the patch search and lowering see a
graph whose first node is the stage's first node.
"""
from __future__ import annotations

from tinyc.ir import Graph

PREFIX_OPS = ("quantize", "reshape")


def interface_prefix(g: Graph) -> int:
    """How many leading nodes form the input interface (quantize, then the NCHW -> NHWC reshape a
    one-channel ONNX input gets): they run layer by layer before the patch stage."""
    k, cur = 0, g.inputs[0]
    while k < len(g.nodes) and g.nodes[k].op in PREFIX_OPS and g.nodes[k].inputs[:1] == [cur]:
        cur = g.nodes[k].outputs[0]
        k += 1
    return k


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
