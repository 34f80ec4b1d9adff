"""Choosing a patch plan the C patch loop can run: --patch off / auto / S:RxC / S:Ns.

`choose_plan` checks a forced plan against what the loop runs (`c_patchable`, one-line errors
naming the node otherwise) and, for auto, searches the candidates (tinyc.patching.search) among
grids and streamed row bands, then says on stderr why when no plan helps or a plan saves less
than 2x. Lowering the chosen plan is tinyc.backend.patch_lower.
"""
from __future__ import annotations

import re
import sys
from dataclasses import replace

from tinyc.errors import TinycError, where
from tinyc.ir import Graph
from tinyc.patching.plan import ModelCosts, PatchPlan, evaluate, layer_by_layer
from tinyc.patching.receptive import stage_of, tiles_fit
from tinyc.patching.search import candidates, choose, parse_patch, search
from tinyc.patching.split import split_graph

# Stage ops the C patch loop can run, and the kernel templates they lower to.
C_STAGE_OPS = ("conv2d", "depthwise_conv2d", "add", "max_pool2d", "avg_pool2d",
               "clamp", "hard_swish", "logistic", "tanh", "mul", "quantize", "pad", "concat", "silu",
               "strided_slice")


def c_patchable(g: Graph, split: int) -> bool:
    """Every node of the stage ending at `split` has a C patch kernel and int8 tensors (squeeze-excite
    branches run layer by layer between passes: tinyc.backend.patch_prepass)."""
    nodes = g.nodes[:split + 1]
    if any(n.op == "mean" for n in nodes):
        from tinyc.backend.patch_prepass import spatial_nodes
        nodes = spatial_nodes(g, nodes)
        if nodes is None:
            return False
    for n in nodes:
        if n.op not in C_STAGE_OPS:
            return False
        if any(g.tensors[x].dtype != "int8" for x in (*n.inputs[:1], *n.outputs)):
            return False
    return True


def choose_plan(g: Graph, patch: str, budget: int | None, max_mac_overhead: float,
                stream_ok: bool = True) -> PatchPlan:
    """The --patch choice among the plans the C patch loop can run (model input copied per patch),
    split indexing g's nodes; the stage starts after the input interface (split_graph).
    A model with no such stage (no spatial layers) gets layer by layer, with a note on stderr.
    stream_ok False: auto considers grids only (QuantMCU's --precision mixed runs on grids)."""
    k, sub = split_graph(g)
    stream = re.fullmatch(r"\s*(\d+):(\d+)s\s*", str(patch).lower())
    if stream:
        plan = stream_plan(g, k, sub, int(stream.group(1)), int(stream.group(2)))
        return replace(plan, split=plan.split + k)
    spec = parse_patch(patch)
    if isinstance(spec, tuple) and k:
        if spec[0] < k:
            raise TinycError(f"split point {spec[0]} lies in the model's input interface (nodes 0..{k - 1} run "
                             "layer by layer): choose a later split", "--patch")
        spec = (spec[0] - k, *spec[1:])
        patch = f"{spec[0]}:{spec[1]}x{spec[2]}"
    base = layer_by_layer(ModelCosts(g)) if k else None  # the whole graph, model input outside the arena
    plan = _choose_sub(sub, spec, patch, budget, max_mac_overhead, base, stream_ok)
    if spec == "auto" and plan.split is not None:
        from tinyc.patching.notes import short_of_half
        note = short_of_half(sub, plan, base or layer_by_layer(ModelCosts(sub)), k)
        if note:
            print(note, file=sys.stderr)
    return plan if plan.split is None or not k else replace(plan, split=plan.split + k)


def stream_plan(g: Graph, k: int, sub: Graph, split: int, nbands: int) -> PatchPlan:
    """--patch S:Ns: split after node S of g, N full-width row bands with halo caching
    (tinyc.patching.stream); the stage (of sub, after k interface nodes) must be a chain the C loop
    can run. The plan's split indexes sub."""
    from tinyc.patching.stream import evaluate_stream
    if split < k:
        raise TinycError(f"split point {split} lies in the model's input interface (nodes 0..{k - 1} run "
                         "layer by layer): choose a later split", "--patch")
    split -= k
    if not 1 <= nbands <= 1024:
        raise TinycError(f"band count must be 1..1024, got {nbands}", "--patch")
    if not c_patchable(sub, split):
        lower_patched_check(sub, split)
    if not streamable(sub, split):
        n = sub.nodes[split]
        raise TinycError(f"a streaming stage must be a chain of {', '.join(STREAM_OPS)} nodes: choose a grid "
                         "(S:NxM) or an earlier split", where(sub.source, n.name, n.op))
    return evaluate_stream(ModelCosts(sub), split, nbands)



def _choose_sub(g: Graph, spec, patch: str, budget: int | None, max_mac_overhead: float,
                base: PatchPlan | None = None, stream_ok: bool = True) -> PatchPlan:
    """choose_plan on the graph after the input interface; base is layer by layer (whole graph);
    stream_ok: streaming plans may compete."""
    if isinstance(spec, tuple) and not c_patchable(g, spec[0]):
        lower_patched_check(g, spec[0])
    if spec != "auto":
        return choose(g, patch, budget, max_mac_overhead, copy_input=True)
    cands = [c for c in candidates(g) if c_patchable(g, c[0]) and _tiles_ok(g, *c)]
    if not cands:
        print(f"tinyc: note: {g.name} has no stage the C patch loop can run (no split after which only one "
              f"tensor is live and every earlier node is one of {', '.join(C_STAGE_OPS)}, int8, on a split "
              "tensor of at least 2x2); compiling layer by layer", file=sys.stderr)
    try:
        plan = search(g, budget, max_mac_overhead, cands=cands, copy_input=True, base=base)
    except TinycError:
        plan = None
    if stream_ok:
        plan = prefer_stream(g, plan, sorted({c[0] for c in cands if streamable(g, c[0])}), budget)
    elif plan is None:
        search(g, budget, max_mac_overhead, cands=cands, copy_input=True, base=base)  # raises the budget error
    if cands and plan.split is None:
        why_not(g, cands, plan, max_mac_overhead)
    return plan


def why_not(g: Graph, cands, base: PatchPlan, max_mac_overhead: float) -> None:
    """The stderr note when --patch auto keeps layer by layer, with the numbers that decide it: the
    last split the C loop can reach, what the rest needs after it, and the best plan there."""
    from tinyc.patching.search import rest_floor
    costs = ModelCosts(g)
    last = max(c[0] for c in cands)
    floor = rest_floor(costs)[last]
    blocker = g.nodes[last + 1] if last + 1 < len(g.nodes) else None
    why = (f"no stage reaches past node {last + 1} ('{blocker.name}', {blocker.op}: not patchable, more than "
           "one tensor live there, or a split tensor under 2x2)" if blocker is not None else "")
    best = min((evaluate(costs, *c, True, with_arena=False) for c in cands if c[0] == last),
               key=lambda p: (p.work_bytes, p.macs))
    print(f"tinyc: note: --patch auto keeps {g.name} layer by layer: layer by layer needs {base.work_bytes} B of "
          f"work memory (model input outside the arena); {why}; the layers after it alone need at least "
          f"{floor} B; the best plan there, {best.label}, needs {best.work_bytes} B at "
          f"{100 * best.mac_overhead:+.1f}% MACs (allowed: {100 * max_mac_overhead:.0f}%)", file=sys.stderr)


# Stage ops the streaming C loop runs (stream_lower: row offsets into conv and pool kernels).
STREAM_OPS = ("conv2d", "depthwise_conv2d", "max_pool2d", "avg_pool2d")


def streamable(g: Graph, split: int) -> bool:
    """The stage ending at `split` is a chain of int8 conv / depthwise / pool nodes."""
    from tinyc.patching.stream import is_chain
    return (all(n.op in STREAM_OPS for n in g.nodes[:split + 1]) and c_patchable(g, split)
            and is_chain(stage_of(g, split)))


def prefer_stream(g: Graph, plan: PatchPlan | None, splits: list[int], budget: int | None) -> PatchPlan:
    """The auto choice between the grid plan the search found (None: none fit the budget) and the
    best streaming plan (tinyc.patching.stream.search_stream: no recomputation). With a budget,
    the streaming plan when it fits (it has the fewest MACs); without, the smaller modelled cost
    work_bytes x MACs (bytes held times the compute that holds them), layer by layer included."""
    from tinyc.patching.stream import search_stream
    costs = ModelCosts(g)
    # a streaming plan recomputes nothing (its MACs: layer by layer's), so without a budget it can
    # win only with work_bytes below the grid plan's work_bytes x MACs / layer by layer's MACs
    bound = plan.work_bytes * plan.macs / costs.base_macs if plan is not None and budget is None else None
    best = search_stream(costs, splits, budget, bound)
    if plan is None:
        if best is None:
            search(g, budget, cands=[], copy_input=True)  # raises the budget error
        return best
    if best is None:
        return plan
    if budget is not None:
        return best if best.macs < plan.macs else plan
    return best if best.work_bytes * best.macs < plan.work_bytes * plan.macs else plan


def _tiles_ok(g: Graph, split: int, nh: int, nw: int) -> bool:
    """Every patch of the candidate reads some real input (no patch lies wholly in padding)."""
    try:
        return tiles_fit(stage_of(g, split), nh, nw)
    except TinycError:
        return False


def lower_patched_check(g: Graph, split: int) -> None:
    """TinycError naming the first stage node the C patch loop cannot run."""
    stage_of(g, split)  # the receptive-field errors first
    bad = next(n for n in g.nodes[:split + 1] if n.op not in C_STAGE_OPS or
               any(g.tensors[x].dtype != "int8" for x in (*n.inputs[:1], *n.outputs)))
    raise TinycError(f"op '{bad.op}' has no C kernel in the patch loop (have: {', '.join(C_STAGE_OPS)}, "
                     "int8); choose an earlier split", where(g.source, bad.name, bad.op))
