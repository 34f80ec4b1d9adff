"""Tests of lifetimes, in-place merging, live_bytes and lower_bound.

Oracle: hand-written schedules whose buffer intervals, sizes and per-step
live bytes are worked out by hand from the rules in liveness.py's docstring.
"""
import pytest

from tinyc.errors import TinycError
from tinyc.memory import (Step, check, lifetimes, live_bytes, lower_bound, plan_schedule, rectangles,
                          tensor_offsets)


def by_name(buffers):
    return {b.name: b for b in buffers}


def chain():
    """x -> conv -> a -> dw -> b -> relu -> c -> fc -> y."""
    return [
        Step("conv", ["x"], ["a"], scratch=10),
        Step("dw", ["a"], ["b"], inplace=("a", "b")),
        Step("relu", ["b"], ["c"], inplace=("b", "c")),
        Step("fc", ["c"], ["y"]),
    ]


def test_intervals_rounding_and_scratch():
    steps = [Step("s0", ["x"], ["a"], scratch=10), Step("s1", ["a"], ["b"]), Step("s2", ["b", "x"], ["y"])]
    sizes = {"x": 3, "a": 8, "b": 5, "y": 1}
    bs = by_name(lifetimes(steps, sizes, ["x"], ["y"], align=4))
    assert {n: (b.size, b.first, b.last) for n, b in bs.items()} == {
        "x": (4, 0, 2), "a": (8, 0, 1), "b": (8, 1, 2), "y": (4, 2, 2), "s0.scratch": (12, 0, 0)}
    assert bs["s0.scratch"].members == ["s0.scratch"]


def test_graph_input_live_from_zero_and_output_to_end():
    """x is first read at step 1, out is written at step 0: both span the whole schedule."""
    steps = [Step("s0", ["w"], ["out"]), Step("s1", ["x"], ["z"]), Step("s2", ["z"], ["q"])]
    bs = by_name(lifetimes(steps, {"w": 4, "x": 4, "out": 4, "z": 4, "q": 4}, ["x", "w"], ["out", "q"]))
    assert (bs["x"].first, bs["x"].last) == (0, 1)
    assert (bs["out"].first, bs["out"].last) == (0, 2)
    assert (bs["w"].first, bs["w"].last) == (0, 0)


def test_unread_tensor_lives_only_at_its_step():
    steps = [Step("s0", ["x"], ["a", "dead"]), Step("s1", ["a"], ["y"])]
    bs = by_name(lifetimes(steps, {"x": 4, "a": 4, "dead": 4, "y": 4}, ["x"], ["y"]))
    assert (bs["dead"].first, bs["dead"].last) == (0, 0)


def test_zero_and_unknown_sizes_are_ignored():
    steps = [Step("s0", ["x", "w"], ["a"]), Step("s1", ["a", "empty"], ["y"])]
    bs = lifetimes(steps, {"x": 4, "a": 4, "y": 4, "empty": 0}, ["x"], ["y"])
    assert sorted(b.name for b in bs) == ["a", "x", "y"]


def test_inplace_chain_merges_transitively():
    sizes = {"x": 16, "a": 32, "b": 32, "c": 20, "y": 4}
    bs = by_name(lifetimes(chain(), sizes, ["x"], ["y"]))
    assert set(bs) == {"x", "a", "y", "conv.scratch"}
    a = bs["a"]
    assert a.members == ["a", "b", "c"]
    assert (a.size, a.first, a.last) == (32, 0, 3)  # envelope: size = max, lifetime = union
    assert a.parts == [("a", 32, 0, 1), ("b", 32, 1, 2), ("c", 20, 2, 3)]  # own rectangles
    assert a.inplace == [("a", "b", 1), ("b", "c", 2)]


def test_no_merge_when_step_is_not_last_reader():
    """Residual: a is read again by the add, so the dw step may not overwrite it."""
    steps = [
        Step("conv", ["x"], ["a"]),
        Step("dw", ["a"], ["b"], inplace=("a", "b")),
        Step("add", ["a", "b"], ["y"], inplace=("a", "y")),
    ]
    bs = by_name(lifetimes(steps, {"x": 4, "a": 8, "b": 8, "y": 8}, ["x"], ["y"]))
    assert "b" in bs and bs["b"].members == ["b"]
    assert bs["a"].members == ["a", "y"]  # the add is a's last reader
    assert (bs["a"].first, bs["a"].last) == (0, 2)


def test_no_merge_into_graph_input_or_output():
    steps = [Step("relu", ["x"], ["a"], inplace=("x", "a")), Step("id", ["a"], ["y"]),
             Step("relu2", ["y"], ["z"], inplace=("y", "z"))]
    bs = by_name(lifetimes(steps, {"x": 4, "a": 4, "y": 4, "z": 4}, ["x"], ["y", "z"]))
    assert bs["x"].members == ["x"] and bs["a"].members == ["a"]
    assert bs["y"].members == ["y"] and bs["z"].members == ["z"]


def test_live_bytes_and_lower_bound():
    """Hand count: step0 = x16 + a32 + scratch12, step1 = a32 (a, b share), step2 = max(b32, c20),
    step3 = c20 + y4 (c keeps its own size once b is dead)."""
    sizes = {"x": 16, "a": 32, "b": 32, "c": 20, "y": 4}
    bs = lifetimes(chain(), sizes, ["x"], ["y"])
    assert live_bytes(bs, 4) == [60, 32, 32, 24]
    assert lower_bound(bs) == 60
    assert lower_bound([]) == 0


def test_bad_schedules_raise_tinyc_error():
    with pytest.raises(TinycError, match="written by two steps"):
        lifetimes([Step("s0", ["x"], ["a"]), Step("s1", ["x"], ["a"])], {"x": 4, "a": 4}, ["x"], ["a"])
    with pytest.raises(TinycError, match="read before it is written"):
        lifetimes([Step("s0", ["a"], ["b"]), Step("s1", ["x"], ["a"])], {"x": 4, "a": 4, "b": 4}, ["x"], ["b"])
    with pytest.raises(TinycError, match="never written"):
        lifetimes([Step("s0", ["x"], ["a"])], {"x": 4, "a": 4, "y": 4}, ["x"], ["y"])
    with pytest.raises(TinycError, match="alignment"):
        lifetimes([], {}, [], [], align=0)


def growing_inplace():
    """a (8 B) grows in place into b (100 B) while the 64 B input is still live at step 0."""
    steps = [Step("conv", ["x"], ["a"]), Step("dw", ["a"], ["b"], inplace=("a", "b")), Step("fc", ["b"], ["y"])]
    return steps, {"x": 64, "a": 8, "b": 100, "y": 4}


def test_inplace_modes():
    """Hand count: merged, a keeps 8 B at step 0 (64 + 8 = 72), a and b share at step 1
    (max = 100), step 2 holds b + y = 104; unmerged peaks at step 1 with 8 + 100 = 108.
    The merge lowers the bound, so "no_worse" keeps it."""
    steps, sizes = growing_inplace()
    for mode in ("all", "no_worse"):
        merged = lifetimes(steps, sizes, ["x"], ["y"], inplace=mode)
        assert by_name(merged)["a"].members == ["a", "b"]
        assert live_bytes(merged, 3) == [72, 100, 104] and lower_bound(merged) == 104
    bs = lifetimes(steps, sizes, ["x"], ["y"], inplace="none")
    assert all(len(b.members) == 1 for b in bs) and lower_bound(bs) == 108
    chain_bs = lifetimes(chain(), {"x": 16, "a": 32, "b": 32, "c": 20, "y": 4}, ["x"], ["y"], inplace="no_worse")
    assert by_name(chain_bs)["a"].members == ["a", "b", "c"]  # these merges cost nothing
    with pytest.raises(TinycError, match="in-place mode"):
        lifetimes(steps, sizes, ["x"], ["y"], inplace="sometimes")


def test_plan_schedule_keeps_smallest_mode():
    """Oracle: the hand count of test_inplace_modes (104 is the merged lower bound, 108 the
    unmerged one); the merged plan puts a and b at one offset."""
    steps, sizes = growing_inplace()
    bs, p = plan_schedule(steps, sizes, ["x"], ["y"])
    assert p.arena_bytes == 104
    offs = tensor_offsets(bs, p)
    assert set(offs) == {"x", "a", "b", "y"} and offs["a"] == offs["b"]
    check(rectangles(bs), offs, p.arena_bytes, inplace=[("a", "b", 1)])
