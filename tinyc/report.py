"""report.json: what the compiled model costs (arena, weights, MACs, per-layer memory)."""
from __future__ import annotations

import numpy as np

from tinyc.backend.lower import Program
from tinyc.backend.schedule import MemoryPlan
from tinyc.ir import Graph
from tinyc.ops import op_module


def build_report(g: Graph, prog: Program, mem: MemoryPlan, board: str) -> dict:
    layers = []
    for i, (n, c) in enumerate(zip(g.nodes, prog.calls)):
        layers.append({
            "name": n.name,
            "op": n.op,
            "macs": int(op_module(n.op).macs(n, g)),
            "output_shape": list(g.tensors[n.outputs[0]].shape),
            "output_bytes": int(sum(g.tensors[y].nbytes for y in n.outputs)),
            "scratch_bytes": int(c.scratch),
            "live_bytes": int(mem.live[i]) if i < len(mem.live) else 0,
            "inplace": bool(c.inplace and _shares(mem, c.inplace)),
        })
    input_bytes = sum(g.tensors[x].nbytes for x in g.inputs if x in mem.offsets)
    weights = sum(a.nbytes for a in prog.consts)
    return {
        "model": g.name,
        "source": g.source,
        "board": board,
        "arena_bytes": int(prog.arena_bytes),
        "input_bytes": int(input_bytes),
        "work_bytes": int(prog.arena_bytes - input_bytes),
        "weights_bytes": int(weights),
        "macs": int(sum(layer["macs"] for layer in layers)),
        "lower_bound_bytes": int(mem.lower_bound),
        "plan_strategy": mem.strategy,
        "plan_tried": {k: int(v) for k, v in mem.tried.items()},
        "peak_layer": int(np.argmax(mem.live)) if mem.live else 0,
        "layers": layers,
    }


def _shares(mem: MemoryPlan, pair) -> bool:
    a, b = pair
    return a in mem.offsets and b in mem.offsets and mem.offsets[a] == mem.offsets[b]
