"""Calibration ranges of float-island outputs that are concatenated (bidirectional LSTM / GRU).

A bidirectional RNN is two float ops (tinyc/frontend/onnx_rnn.py) whose sequence outputs concat on
the direction axis. Quantized on their own ranges, the concat then requantizes both to its output
scale: a second rounding (-2 dB on a GRU tagger). An island output whose only reader is that concat
(directly or through reshapes) takes the concat output's range instead, so the concat is a copy.
"""
from __future__ import annotations

from tinyc.ir import Graph


def island_concat_ranges(g: Graph, ranges: dict, island_ops) -> dict:
    """`ranges` with each such island output (and the reshapes after it) given the concat's range."""
    out = dict(ranges)
    readers: dict[str, list] = {}
    for n in g.nodes:
        for x in set(n.inputs):
            readers.setdefault(x, []).append(n)
    for n in g.nodes:
        if n.op not in island_ops:
            continue
        for y in n.outputs:
            chain, t = [y], y
            while len(readers.get(t, [])) == 1 and t not in g.outputs and readers[t][0].op == "reshape":
                t = readers[t][0].outputs[0]
                chain.append(t)
            rd = readers.get(t, [])
            if len(rd) != 1 or t in g.outputs or rd[0].op != "concat" or rd[0].outputs[0] not in ranges:
                continue
            if any(g.tensors[c].q is not None for c in chain):
                continue
            for c in chain:
                out[c] = ranges[rd[0].outputs[0]]
    return out
