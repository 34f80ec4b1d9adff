"""report.json: what the compiled model costs (arena, weights, MACs, per-layer memory).

One memory vocabulary (../shared/design.md, "Memory"), in both modes:
    arena_bytes         the planned arena with the model input inside it
    work_bytes          the planned arena when the model input stays in the caller's buffer
    static_arena_bytes  what the generated C allocates (= arena_bytes layer by layer, where
                        the input has a slot in the arena; = work_bytes patch-based)
Per layer, `live_bytes` is in the static arena's convention and `work_live_bytes` in
work_bytes' (input outside), so both modes compare on the same convention.
"""
from __future__ import annotations

import numpy as np

from tinyc.backend.lower import Program
from tinyc.backend.schedule import MemoryPlan
from tinyc.ir import Graph
from tinyc.ops import op_module
from tinyc.quant.int16 import packed_view, weight_bits


def build_report(g: Graph, prog: Program, mem: MemoryPlan, board: str, work: MemoryPlan) -> dict:
    """Layer by layer: `mem` is the compiled plan (input inside), `work` the same calls planned
    with the input outside (tinyc.backend.schedule.work_plan)."""
    layers = []
    packed = packed_view(g)
    for i, (n, c) in enumerate(zip(g.nodes, prog.calls)):
        layers.append({
            "name": n.name,
            "op": n.op,
            "macs": int(op_module(n.op).macs(n, g)),
            "output_shape": list(g.tensors[n.outputs[0]].shape),
            "output_bytes": int(sum(g.tensors[y].nbytes for y in n.outputs)),
            "scratch_bytes": int(c.scratch),
            "step": i,  # index of the memory plan's step this layer runs in
            "live_bytes": int(mem.live[i]) if i < len(mem.live) else 0,
            "work_live_bytes": int(work.live[i]) if i < len(work.live) else 0,
            "inplace": bool(c.inplace and _shares(mem, c.inplace)),
        })
        layers[-1].update(_precision(n, packed, layers[-1]["macs"], g.meta.get("mixed_precision")))
    input_bytes = sum(g.tensors[x].nbytes for x in g.inputs if x in mem.offsets)
    weights = sum(a.nbytes for a in prog.consts)
    return {
        "model": g.name,
        "source": g.source,
        "board": board,
        "arena_bytes": int(prog.arena_bytes),
        "work_bytes": int(work.arena_bytes),
        "static_arena_bytes": int(prog.arena_bytes),
        "input_bytes": int(input_bytes),
        "input_in_arena": True,
        "weights_bytes": int(weights),
        "macs": int(sum(layer["macs"] for layer in layers)),
        "lower_bound_bytes": int(mem.lower_bound),
        "work_lower_bound_bytes": int(work.lower_bound),
        "plan_strategy": mem.strategy,
        "plan_tried": {k: int(v) for k, v in mem.tried.items()},
        "peak_layer": int(np.argmax(mem.live)) if mem.live else 0,
        "bitops": int(sum(layer["bitops"] for layer in layers)),
        "precision": _precision_summary(g),
        "layers": layers,
    }


def _precision(n, packed: Graph, macs: int, mixed: dict | None) -> dict:
    """Per-layer bits: weight_bits (weighted ops), act_bits (output), weights_bytes (int4 packed),
    bitops = MACs x weight bits x activation bits, and the search's sensitivity where it ran."""
    out = {"act_bits": 8 * np.dtype(packed.tensors[n.outputs[0]].dtype).itemsize,
           "weights_bytes": int(sum(packed.tensors[x].nbytes for x in n.inputs if x and packed.tensors[x].is_const)),
           "bitops": 0}
    if n.op in ("conv2d", "depthwise_conv2d", "fully_connected"):
        out["weight_bits"] = weight_bits(n)
        out["bitops"] = int(macs) * out["weight_bits"] * out["act_bits"]
    if mixed and n.name in mixed["layers"]:
        out["sensitivity_sqnr_db"] = mixed["layers"][n.name]["sensitivity_sqnr_db"]
    return out


def _precision_summary(g: Graph) -> dict:
    """--precision mixed: the search's SQNR numbers (dB on the calibration data); else int8."""
    mixed = g.meta.get("mixed_precision")
    if not mixed:
        return {"mode": "int8"}
    return {"mode": "mixed", **{k: v for k, v in mixed.items() if k != "layers"}}


def _shares(mem: MemoryPlan, pair) -> bool:
    a, b = pair
    return a in mem.offsets and b in mem.offsets and mem.offsets[a] == mem.offsets[b]


def build_patch_report(g: Graph, prog: Program, pl, board: str, base: dict) -> dict:
    """The report of a patch-based compile. The model input is the caller's buffer, outside the
    static arena: work_bytes is the static arena; arena_bytes is the same schedule planned with
    the input inside (pl.arena_bytes). `patch` gives the plan, both modes' work_bytes and
    arena_bytes, the MAC overhead and per-layer live bytes of both modes on the work_bytes
    convention; `base` is the layer-by-layer report of the same graph."""
    mem, stage, pre = pl.memory, pl.stage, pl.prefix
    step = {st.name: i for i, st in enumerate(pl.steps)}
    layers = []
    call_of = {c.node: c for c in prog.calls}
    for i, n in enumerate(g.nodes):
        staged = pre <= i <= stage.split + pre
        looped = f"patch.{n.name}" in step  # a staged squeeze-excite branch node runs once, by name
        k = 0 if i < pre else step[f"patch.{n.name}"] if looped else step[n.name] if n.name in step else \
            min(j for name, j in step.items() if name.startswith("pre") and name.endswith(f".{n.name}"))
        # (interface nodes run in the window loader; a node only a squeeze-excite pre-pass runs: its step there)
        pair = None if i < pre else (f"patch:{n.inputs[0]}", f"patch:{n.outputs[0]}") if looped else \
            (call_of[n.name].inplace if n.name in call_of else None)
        layers.append({
            "name": n.name, "op": n.op,
            "macs": int(pl.tile_macs[i - pre] if staged else op_module(n.op).macs(n, g)),
            "output_shape": list(g.tensors[n.outputs[0]].shape),
            "output_bytes": int(sum(g.tensors[y].nbytes for y in n.outputs)),
            "scratch_bytes": int(pl.steps[k].scratch) if i >= pre else 0,
            "step": int(k),  # the memory plan's step (one patch-loop iteration for a staged node)
            "live_bytes": int(mem.live[k]),
            "work_live_bytes": int(mem.live[k]),
            "inplace": bool(pair and _shares(mem, pair)),
            "patch_stage": staged,
        })
    input_bytes = int(sum(g.tensors[x].nbytes for x in g.inputs))  # the caller's buffer, outside the arena
    macs = int(sum(layer["macs"] for layer in layers))
    base_live = {layer["name"]: layer["work_live_bytes"] for layer in base["layers"]}
    p = pl.plan
    return {
        "model": g.name, "source": g.source, "board": board,
        "arena_bytes": int(pl.arena_bytes),
        "work_bytes": int(prog.arena_bytes),
        "static_arena_bytes": int(prog.arena_bytes),
        "input_bytes": input_bytes,
        "input_in_arena": False,
        "weights_bytes": int(sum(a.nbytes for a in prog.consts)),
        "macs": macs,
        "lower_bound_bytes": int(mem.lower_bound),
        "work_lower_bound_bytes": int(mem.lower_bound),
        "plan_strategy": mem.strategy,
        "plan_tried": {k: int(v) for k, v in mem.tried.items()},
        "peak_layer": int(np.argmax([layer["live_bytes"] for layer in layers])),
        "layers": layers,
        "patch": {
            "plan": p.label, "split": int(p.split), "split_node": g.nodes[p.split].name,
            "interface_nodes": [n.name for n in g.nodes[:pre]],
            "split_tensor": stage.output, "split_shape": list(g.tensors[stage.output].shape),
            "grid": [int(p.grid[0]), int(p.grid[1])], "patches": int(p.grid[0] * p.grid[1]),
            "work_bytes": int(prog.arena_bytes), "work_bytes_layer_by_layer": int(base["work_bytes"]),
            "arena_bytes": int(pl.arena_bytes), "arena_bytes_layer_by_layer": int(base["arena_bytes"]),
            "macs": macs, "macs_layer_by_layer": int(base["macs"]),
            "mac_overhead": macs / base["macs"] - 1.0 if base["macs"] else 0.0,
            "live_bytes": [layer["live_bytes"] for layer in layers],
            "live_bytes_layer_by_layer": [int(base_live[n.name]) for n in g.nodes],
        },
    }
