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
from tinyc.patching.receptive import LUT_OPS, stage_of, tiles_fit
from tinyc.patching.search import GRID_SIZES, candidates, choose, parse_patch, search
from tinyc.patching.split import split_graph

# Stage ops the C patch loop can run, and the kernel templates they lower to.
C_STAGE_OPS = ("conv2d", "depthwise_conv2d", "add", "max_pool2d", "avg_pool2d",
               "clamp", "hard_swish", "logistic", "tanh", "mul", "quantize", "pad", "concat", "silu",
               "strided_slice", "leaky_relu") + LUT_OPS


# Stage ops the loop also runs on int16 activations (TFLite 16x8: the layer-by-layer int16 kernels).
C_STAGE_OPS_S16 = ("conv2d", "depthwise_conv2d", "add", "max_pool2d", "avg_pool2d", "clamp", "pad")


def stage_dtype(g: Graph) -> str:
    """The activation dtype a patch stage of g runs in: its first node's output's (int8, or int16 for 16x8)."""
    return g.tensors[g.nodes[0].outputs[0]].dtype if g.nodes else "int8"


def _runs(g: Graph, n, dtype: str) -> bool:
    """Node n has a C patch kernel for its tensors, all of them `dtype`."""
    ops = C_STAGE_OPS if dtype == "int8" else C_STAGE_OPS_S16 if dtype == "int16" else ()
    acts = [x for x in (*n.inputs, *n.outputs) if x and not g.tensors[x].is_const]
    return n.op in ops and all(g.tensors[x].dtype == dtype for x in (*n.inputs[:1], *acts))


def c_patchable(g: Graph, split: int) -> bool:
    """Every node of the stage ending at `split` has a C patch kernel, all on int8 tensors or all on
    int16 ones (16x8; squeeze-excite branches run layer by layer between passes: tinyc.backend.patch_prepass)."""
    nodes = g.nodes[:split + 1]
    dtype = stage_dtype(g)
    if any(n.op == "mean" for n in nodes):
        from tinyc.backend.patch_prepass import spatial_nodes
        nodes = spatial_nodes(g, nodes) if dtype == "int8" else None  # the pre-pass sums are int8 kernels
        if nodes is None:
            return False
    return all(_runs(g, n, dtype) for n in nodes)


def s16_stage_note(g: Graph, plan: PatchPlan | None) -> str | None:
    """For a 16x8 graph whose plan (None: none) is not a stage ending before the first node the loop
    has no int16 form for, that the stage could not go past it, or None."""
    if stage_dtype(g) != "int16":
        return None
    stop = next((i for i, n in enumerate(g.nodes) if not _runs(g, n, "int16")), None)
    if not stop or (plan is not None and plan.split is not None and plan.split + 1 < stop):
        return None
    try:
        stage_of(g, stop - 1)  # a stage could end just before it: the int16 forms are what stop it
    except TinycError:
        return None
    n = g.nodes[stop]
    return (f"tinyc: note: {g.name} is 16x8: the patch stage ends before node {stop} ('{n.name}', {n.op}), "
            f"which has no int16 form in the C patch loop (it runs int16 {', '.join(C_STAGE_OPS_S16)})")


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
    note16 = s16_stage_note(sub, plan) if spec == "auto" else None
    if note16:
        print(note16, file=sys.stderr)
    if spec == "auto" and plan.split is not None:
        from tinyc.patching.notes import short_of_half
        note = short_of_half(sub, plan, base or layer_by_layer(ModelCosts(sub)), k)
        if note:
            print(note, file=sys.stderr)
    return plan if plan.split is None or not k else replace(plan, split=plan.split + k)


def stream_plan(g: Graph, k: int, sub: Graph, split: int, nbands: int) -> PatchPlan:
    """--patch S:Ns: split after node S of g, N full-width row bands with halo caching
    (tinyc.patching.stream); the stage (of sub, after k interface nodes) must be one the C loop
    can run and stream (streamable). The plan's split indexes sub."""
    from tinyc.patching.stream_search import evaluate_stream
    if split < k:
        raise TinycError(f"split point {split} lies in the model's input interface (nodes 0..{k - 1} run "
                         "layer by layer): choose a later split", "--patch")
    split -= k
    if not 1 <= nbands <= 1024:
        raise TinycError(f"band count must be 1..1024, got {nbands}", "--patch")
    if not c_patchable(sub, split):
        lower_patched_check(sub, split)
    if not streamable(sub, split):
        from tinyc.patching.stream import stream_problem
        n = sub.nodes[split]
        why = stream_problem(stage_of(sub, split))
        raise TinycError(f"this stage cannot stream ({why}): choose a grid (S:NxM) or an earlier split",
                         where(sub.source, n.name, n.op))
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
    ones = one_column_splits(g)  # 1-D maps (tinyc.passes.rows_1d): N x 1 grids and row bands
    cands += [(s, nh, 1) for s in ones for nh in GRID_SIZES
              if nh <= g.tensors[g.nodes[s].outputs[0]].shape[1] and _tiles_ok(g, s, nh, 1)]
    rows = [s for s in ones if streamable(g, s)] if stream_ok else []
    if not cands and not rows:
        print(f"tinyc: note: {g.name} has no stage the C patch loop can run (no split after which only one "
              f"tensor is live and every earlier node is one of {', '.join(C_STAGE_OPS)} on int8 (16x8: "
              f"{', '.join(C_STAGE_OPS_S16)} on int16), on a split tensor of at least 2x2, or 2x1 for a "
              "1-D model's bands); compiling layer by layer", file=sys.stderr)
    try:
        plan = search(g, budget, max_mac_overhead, cands=cands, copy_input=True, base=base)
    except TinycError:
        plan = None
    if stream_ok:
        plan = prefer_stream(g, plan, sorted({c[0] for c in cands if streamable(g, c[0])}), budget, base)
    elif plan is None:
        search(g, budget, max_mac_overhead, cands=cands, copy_input=True, base=base)  # raises the budget error
    if cands and plan.split is None:
        why_not(g, cands, plan, max_mac_overhead)
    elif rows and plan.split is None:
        print(f"tinyc: note: --patch auto keeps {g.name} layer by layer: no stream of its one-column (1-D) "
              f"stage ending after node {rows[0]}..{rows[-1]} needs less than layer by layer's {plan.work_bytes} B "
              "of work memory", file=sys.stderr)
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


def streamable(g: Graph, split: int) -> bool:
    """The stage ending at `split` runs in the C patch loop (c_patchable) and can stream: any DAG
    of those ops without a squeeze-excite branch (tinyc.patching.stream.stream_problem). Every
    kernel of the loop takes row offsets into full-width buffers, so every C_STAGE_OPS op streams."""
    from tinyc.patching.stream import stream_problem
    if not c_patchable(g, split) or any(n.op == "mean" for n in g.nodes[:split + 1]):
        return False
    try:
        stage = stage_of(g, split)
    except TinycError:
        return False
    return stream_problem(stage) is None


def one_column_splits(g: Graph) -> list[int]:
    """Splits of stages the C loop can run whose split tensor is one column wide and at least 2 rows
    high (a 1-D model's maps, relabelled [1, W, 1, C] by tinyc.passes.rows_1d): candidates(g)'s
    square grids need 2 columns; N x 1 grids and row bands do not."""
    out = []
    for s in range(len(g.nodes) - 1):
        y = g.tensors[g.nodes[s].outputs[0]]
        if len(y.shape) != 4 or y.shape[2] != 1 or y.shape[1] < 2:
            continue
        try:
            stage_of(g, s)
        except TinycError:
            continue
        if c_patchable(g, s):
            out.append(s)
    return out


def prefer_stream(g: Graph, plan: PatchPlan | None, splits: list[int], budget: int | None,
                  base: PatchPlan | None = None) -> PatchPlan:
    """The auto choice between the grid plan the search found (None: none fit the budget) and the
    best streaming plan (tinyc.patching.stream_search.search_stream: no recomputation). With a budget,
    the streaming plan when it fits (it has the fewest MACs); without, the smaller modelled cost
    work_bytes x MACs (bytes held times the compute that holds them), layer by layer included.
    A streaming plan needing no less work memory than layer by layer (base) is never chosen."""
    from tinyc.patching.stream_search import search_stream
    costs = ModelCosts(g)
    # a streaming plan recomputes nothing (its MACs: layer by layer's), so without a budget it can
    # win only with work_bytes below the grid plan's work_bytes x MACs / layer by layer's MACs
    bound = plan.work_bytes * plan.macs / costs.base_macs if plan is not None and budget is None else None
    best = search_stream(costs, splits, budget, bound)
    if plan is None:
        if best is None:
            search(g, budget, cands=[], copy_input=True)  # raises the budget error
        return best
    lbl = plan if plan.split is None else base or layer_by_layer(costs)
    if best is None or best.work_bytes >= lbl.work_bytes:
        return plan  # a streaming plan must save memory (the baseline's MACs count interface nodes too)
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
    dtype = stage_dtype(g)
    bad = next(n for n in g.nodes[:split + 1] if not _runs(g, n, dtype))
    have = (f"{', '.join(C_STAGE_OPS)} on int8; {', '.join(C_STAGE_OPS_S16)} on int16, one dtype per stage")
    raise TinycError(f"op '{bad.op}' has no C kernel in the patch loop for its tensors (have: {have}); "
                     "choose an earlier split", where(g.source, bad.name, bad.op))
