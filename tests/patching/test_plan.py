"""Patch plans: MAC counts, planned memory, and the search.

Oracles: each op's own macs() summed over the per-patch graphs (and a 1x1
grid, which must cost exactly the layer-by-layer MACs); tinyc.memory.check
for every plan; exhaustive evaluation of a small candidate set for the
budgeted search; tinyc.ref.run_int for the chosen VWW plan's bytes.
"""
import numpy as np
import pytest

from mbv2 import build_mbv2
from tinyc.errors import TinycError
from tinyc.memory import check_schedule
from tinyc.ops import depthwise_conv2d, op_module
from tinyc.patching.execute import run_patched
from tinyc.patching.patch_graph import build_patch_graph
from tinyc.patching.plan import ModelCosts, _plan, evaluate, layer_by_layer, patch_schedule
from tinyc.patching.receptive import stage_of, stage_tiles
from tinyc.patching.search import choose, parse_patch, pareto, search
from tinyc.pipeline import load_model
from tinyc.ref import run_int


@pytest.fixture(scope="module")
def vww():
    return load_model("models/vww_mbv1_int8.tflite")


@pytest.fixture(scope="module")
def costs(vww):
    return ModelCosts(vww)


def test_macs_are_op_macs_on_patches(vww, costs):
    """Plan MACs == sum of op macs() over every per-patch graph + the rest; 1x1 grid == baseline."""
    for split, nh, nw in [(7, 3, 5), (12, 4, 4)]:
        stage = stage_of(vww, split)
        want = sum(op_module(n.op).macs(n, pg.graph) for pr in stage_tiles(stage, nh, nw)
                   for pg in [build_patch_graph(stage, pr)] for n in pg.graph.nodes)
        want += sum(op_module(n.op).macs(n, vww) for n in vww.nodes[split + 1:])
        p = evaluate(costs, split, nh, nw)
        assert p.macs == want and p.macs > p.base_macs
    assert evaluate(costs, 12, 1, 1).macs == costs.base_macs


def test_patch_buffers_sized_by_largest_patch(vww, costs):
    """Per-patch buffers hold the largest patch; full stage tensors other than the split are gone;
    both plans (input outside / inside the arena) pass the independent overlap checker."""
    steps, sizes, _, stage, tiles = patch_schedule(costs, 7, 3, 3)
    for n in stage.nodes:
        t = vww.tensors[n.outputs[0]]
        assert sizes[f"patch:{n.outputs[0]}"] == max(pr.regions[t.name].h * pr.regions[t.name].w for pr in tiles) * t.shape[3]
        assert n.outputs[0] not in sizes or n.outputs[0] == stage.output
    for with_input in (False, True):
        bufs, p, (st, _, ins, outs) = _plan(costs, steps, sizes, with_input)
        check_schedule(st, ins, outs, bufs, p, align=4)
    p = evaluate(costs, 7, 3, 3)
    assert p.arena_bytes - p.input_bytes <= p.work_bytes <= p.arena_bytes


def test_vww_auto_meets_target(vww):
    """--patch auto on VWW: work_bytes <= 24,530 with MAC overhead <= 30%, and its bytes equal layer by layer."""
    p = search(vww)
    base = layer_by_layer(ModelCosts(vww))
    assert p.work_bytes <= 24_530 < base.work_bytes
    assert 0 < p.mac_overhead <= 0.30
    x = np.random.default_rng(5).integers(-128, 128, (1, 96, 96, 3)).astype(np.int8)
    got = run_patched(vww, {vww.inputs[0]: x}, p.split, *p.grid)
    ref = run_int(vww, {vww.inputs[0]: x})
    assert all(np.array_equal(got[o], ref[o]) for o in vww.outputs)


def test_budget_picks_fewest_macs_that_fit(vww, costs):
    """With a budget: the fewest-MAC candidate whose work fits (checked exhaustively on a small set)."""
    cands = [(s, n, n) for s in (3, 5, 7, 9) for n in (2, 3, 4)]
    plans = [evaluate(costs, *c) for c in cands]
    budget = sorted(p.work_bytes for p in plans)[len(plans) // 2]
    got = search(vww, budget=budget, cands=cands)
    fit = [p for p in plans if p.work_bytes <= budget]
    assert got.work_bytes <= budget and got.macs == min(p.macs for p in fit)
    front = pareto(plans)
    assert all(a.work_bytes < b.work_bytes and a.macs > b.macs for a, b in zip(front, front[1:]))


def test_budget_nobody_meets(vww):
    """An impossible budget is a TinycError naming the smallest achievable work memory."""
    with pytest.raises(TinycError, match=r"smallest planned work memory is \d+ bytes"):
        search(vww, budget=1000, cands=[(7, 3, 3), (7, 4, 4)])
    with pytest.raises(TinycError, match="over the SRAM budget"):
        choose(vww, "7:4", budget=1000)


@pytest.mark.parametrize("spec,want", [("off", "off"), ("auto", "auto"), ("7:4", (7, 4, 4)), ("12:3x5", (12, 3, 5))])
def test_parse_patch(spec, want):
    assert parse_patch(spec) == want


@pytest.mark.parametrize("spec", ["on", "7", "7:", "a:3", "7:0"])
def test_parse_patch_errors(spec):
    with pytest.raises(TinycError):
        parse_patch(spec)


def test_forced_plan(vww):
    """S:N forces the split and grid; 'off' is layer by layer with zero overhead."""
    p = choose(vww, "7:4")
    assert (p.split, p.grid, p.label) == (7, (4, 4), "7:4x4")
    assert choose(vww, "off").mac_overhead == 0.0


@pytest.mark.slow
def test_mbv2_224_plan():
    """MobileNetV2 1.0 224: split after node 12 (28x28x32) on a 6x6 grid needs <= 178,752 work bytes
    (the 28x28 block's residual + expansion + in-place depthwise scratch: 25,088 + 150,528 + 3,136,
    the scratch being tc_depthwise_conv_s8's four 28x28 planes) at <= 30% MACs, against ~1.2 MB
    layer by layer."""
    g = build_mbv2()
    c = ModelCosts(g)
    p = evaluate(c, 12, 6, 6)
    scratch = depthwise_conv2d.scratch_bytes(28, 28, 1)
    assert p.work_bytes <= 25_088 + 150_528 + scratch and p.mac_overhead <= 0.30
    assert layer_by_layer(c).work_bytes > 1_000_000
