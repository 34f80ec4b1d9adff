"""Tests of in-place groups: members keep their own rectangles and share one offset.

Oracles:
- hand counts of live bytes per step on a VWW-like chain (its lower bound is
  reached, so the plan is optimal);
- hand-made plans whose overlaps are worked out on paper for the checker;
- a brute-force search over every group offset for tiny random schedules.
"""
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinyc.memory import (Step, check, check_schedule, declared_inplace, lifetimes, live_bytes, lower_bound,
                          plan, plan_schedule, rectangles, tensor_offsets)
from tinyc.memory.liveness import Buffer


def vww_chain():
    """VWW's head: x (27,648 B input) -> conv0 -> a (18,432) -> dw in place -> b (18,432)
    -> 1x1 8->16 in place -> c (36,864, grows) -> conv -> y (9,216)."""
    steps = [Step("conv0", ["x"], ["a"]), Step("dw", ["a"], ["b"], inplace=("a", "b")),
             Step("pw", ["b"], ["c"], inplace=("b", "c")), Step("conv1", ["c"], ["y"])]
    sizes = {"x": 27648, "a": 18432, "b": 18432, "c": 36864, "y": 9216}
    return steps, sizes


def test_vww_chain_reaches_its_lower_bound():
    """Hand count: step0 x + a = 46,080; step1 max(a, b) = 18,432; step2 max(b, c) = 36,864;
    step3 c + y = 46,080. A buffer of 36,864 B over [0, 3] (the old merge) would need
    27,648 + 36,864 = 64,512, and no merging needs b + c = 55,296 at step 2."""
    steps, sizes = vww_chain()
    bs = lifetimes(steps, sizes, ["x"], ["y"])
    assert live_bytes(bs, 4) == [46080, 18432, 36864, 46080]
    assert lower_bound(lifetimes(steps, sizes, ["x"], ["y"], inplace="none")) == 55296
    bs, p = plan_schedule(steps, sizes, ["x"], ["y"])
    assert p.arena_bytes == 46080
    offs = tensor_offsets(bs, p)
    assert offs["a"] == offs["b"] == offs["c"]
    check_schedule(steps, ["x"], ["y"], bs, p)
    for fn_plan in (plan(bs, align=4), plan(bs, align=4, exact_max_buffers=0)):
        assert fn_plan.arena_bytes == 46080  # every strategy sees the member rectangles


def test_group_fits_under_a_neighbour_only_by_its_members():
    """g = {a [0, 1] 8 B, b [1, 2] 20 B} in place at step 1; z (12 B) lives [0, 0].
    z fits above a (offset 8) although the group's envelope is 20 B: arena 20."""
    g = Buffer("a", 20, 0, 2, ["a", "b"], [("a", 8, 0, 1), ("b", 20, 1, 2)], [("a", "b", 1)])
    z = Buffer("z", 12, 0, 0, ["z"], [("z", 12, 0, 0)])
    p = plan([g, z], align=1)
    assert p.arena_bytes == 20 and p.offsets == {"a": 0, "z": 8}


def rect(name, size, first, last):
    return Buffer(name, size, first, last, [name])


PAIR = [rect("x", 8, 0, 2), rect("y", 16, 2, 4)]  # x dies at step 2, y is born there


def test_checker_accepts_declared_inplace_pair():
    check(PAIR, {"x": 0, "y": 0}, 16, inplace=[("x", "y", 2)])


def test_checker_rejects_undeclared_or_misplaced_overlaps():
    with pytest.raises(AssertionError, match="overlap"):
        check(PAIR, {"x": 0, "y": 0}, 16)  # not declared
    with pytest.raises(AssertionError, match="overlap"):
        check(PAIR, {"x": 0, "y": 0}, 16, inplace=[("x", "y", 3)])  # declared at another step
    with pytest.raises(AssertionError, match="overlap"):
        check(PAIR, {"x": 4, "y": 0}, 16, inplace=[("x", "y", 2)])  # shares bytes, other offset
    longer = [rect("x", 8, 0, 3), rect("y", 16, 2, 4)]  # x still live at step 3
    with pytest.raises(AssertionError, match="overlap"):
        check(longer, {"x": 0, "y": 0}, 16, inplace=[("x", "y", 2)])
    third = PAIR + [rect("z", 4, 2, 2)]  # a declared pair does not excuse a third tensor
    with pytest.raises(AssertionError, match="'y'.*'z'.*overlap"):
        check(third, {"x": 0, "y": 0, "z": 12}, 16, inplace=[("x", "y", 2)])


def test_declared_inplace_skips_graph_inputs_and_outputs():
    steps = [Step("r", ["x"], ["a"], inplace=("x", "a")), Step("d", ["a"], ["b"], inplace=("a", "b")),
             Step("e", ["b"], ["y"], inplace=("b", "y"))]
    assert declared_inplace(steps, ["x"], ["b"]) == [("a", "b", 1)]


def test_schedule_checker_catches_merged_pair_not_declared():
    """The schedule checker uses the steps' declarations, not the planner's groups."""
    steps, sizes = vww_chain()
    bs, p = plan_schedule(steps, sizes, ["x"], ["y"])
    undeclared = [Step(s.name, s.reads, s.writes) for s in steps]
    with pytest.raises(AssertionError, match="overlap"):
        check_schedule(undeclared, ["x"], ["y"], bs, p)


def collide(ga, oa, gb, ob):
    return any(fa <= lb and fb <= la and oa < ob + sb and ob < oa + sa
               for _, sa, fa, la in ga.rects() for _, sb, fb, lb in gb.rects() if sa and sb)


def brute_force_groups(bs):
    """Smallest arena with every group at some offset and no two groups colliding."""
    items = [b for b in bs if b.size > 0]
    arena = lower_bound(items)
    while True:
        ranges = [range(arena - b.size + 1) for b in items]
        for offs in itertools.product(*ranges):
            if all(not collide(items[i], offs[i], items[j], offs[j])
                   for i in range(len(items)) for j in range(i)):
                return arena
        arena += 1


@st.composite
def tiny_inplace_chains(draw):
    """A chain of 2-4 steps, each in place with probability 1/2, sizes 1-4."""
    n = draw(st.integers(2, 4))
    sizes = {f"t{i}": draw(st.integers(1, 4)) for i in range(n + 1)}
    steps = [Step(f"s{i}", [f"t{i}"] + ([f"t{i - 2}"] if i >= 2 and draw(st.booleans()) else []),
                  [f"t{i + 1}"], inplace=(f"t{i}", f"t{i + 1}") if draw(st.booleans()) else None)
             for i in range(n)]
    return steps, sizes, [f"t{n}"]


@settings(max_examples=80, deadline=None)
@given(tiny_inplace_chains())
def test_group_placement_is_optimal_on_tiny_schedules(sched):
    steps, sizes, outs = sched
    bs = lifetimes(steps, sizes, ["t0"], outs, align=1)
    p = plan(bs, align=1)
    assert p.arena_bytes == brute_force_groups(bs)
    check(rectangles(bs), tensor_offsets(bs, p), p.arena_bytes, inplace=declared_inplace(steps, ["t0"], outs))
