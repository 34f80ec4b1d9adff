"""Hypothesis property tests of the memory planner (bounded example counts).

Oracles:
- checker.check, itself tested against an explicit step x byte occupancy grid;
- lower_bound (max live bytes): the best plan must be <= 2 x lower_bound
  (factor 2 is our stated guarantee for these random sets, not a theorem);
- a brute-force search over every offset for tiny instances (exact optimum);
- the raw per-tensor intervals of the schedule for the end-to-end test.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinyc.memory import Buffer, Step, check, lifetimes, lower_bound, plan, tensor_offsets
from tinyc.memory.placement import arena_of, first_fit_time, greedy_by_conflicts, greedy_by_size

FACTOR = 2


@st.composite
def buffer_sets(draw, max_n=40, max_step=30, max_size=64):
    n = draw(st.integers(0, max_n))
    out = []
    for i in range(n):
        first = draw(st.integers(0, max_step))
        last = first + draw(st.integers(0, max_step // 2))
        out.append(Buffer(f"b{i}", draw(st.integers(0, max_size)), first, last, [f"b{i}"]))
    return out


@settings(max_examples=200, deadline=None)
@given(buffer_sets(), st.sampled_from([1, 4, 16]))
def test_every_strategy_is_valid_and_best_is_within_factor(bs, align):
    for fn in (greedy_by_size, greedy_by_conflicts, first_fit_time):
        offs = fn(bs, align)
        check(bs, offs, arena_of(bs, offs), align=align)
    p = plan(bs, align=align, node_limit=1000)
    check(bs, p.offsets, p.arena_bytes, align=align)
    assert p.arena_bytes == min(p.tried.values())
    assert lower_bound(bs) <= p.arena_bytes <= FACTOR * lower_bound(bs) + len(bs) * (align - 1)


def occupancy_overlaps(bs, offs, arena):
    """Brute force: paint every (step, byte) cell; True if any cell is painted twice or outside."""
    if any(offs[b.name] < 0 or offs[b.name] + b.size > arena for b in bs):
        return True
    steps = max((b.last for b in bs), default=0) + 1
    grid = np.zeros((steps, max(arena, 1)), dtype=np.int64)
    for b in bs:
        grid[b.first:b.last + 1, offs[b.name]:offs[b.name] + b.size] += 1
    return bool((grid > 1).any())


@settings(max_examples=200, deadline=None)
@given(buffer_sets(max_n=6, max_step=6, max_size=6), st.data())
def test_checker_agrees_with_occupancy_grid(bs, data):
    offs = {b.name: data.draw(st.integers(-1, 12)) for b in bs}
    arena = data.draw(st.integers(0, 16))
    bad = occupancy_overlaps(bs, offs, arena)
    if bad:
        with pytest.raises(AssertionError):
            check(bs, offs, arena)
    else:
        check(bs, offs, arena)


def brute_force_optimum(bs):
    """Smallest arena with a valid placement, trying every offset (tiny instances only)."""
    items = sorted((b for b in bs if b.size > 0), key=lambda b: -b.size)
    arena = lower_bound(items)
    while True:
        offs = {}

        def fits(k):
            if k == len(items):
                return True
            b = items[k]
            for o in range(arena - b.size + 1):
                if all(not (c.first <= b.last and b.first <= c.last and offs[c.name] < o + b.size
                            and o < offs[c.name] + c.size) for c in items[:k]):
                    offs[b.name] = o
                    if fits(k + 1):
                        return True
            offs.pop(b.name, None)
            return False

        if fits(0):
            return arena
        arena += 1


@settings(max_examples=150, deadline=None)
@given(buffer_sets(max_n=6, max_step=5, max_size=5))
def test_plan_is_optimal_on_tiny_sets(bs):
    p = plan(bs, align=1)
    check(bs, p.offsets, p.arena_bytes)
    assert p.arena_bytes == brute_force_optimum(bs)


@st.composite
def chain_schedules(draw):
    """A chain with residual skips and random in-place declarations."""
    n = draw(st.integers(1, 12))
    steps, sizes, tensors = [], {"t0": draw(st.integers(1, 64))}, ["t0"]
    for i in range(n):
        reads = [tensors[-1]]
        if len(tensors) > 2 and draw(st.booleans()):
            reads.append(draw(st.sampled_from(tensors[:-1])))
        out = f"t{i + 1}"
        inplace = (reads[-1], out) if draw(st.booleans()) else None
        steps.append(Step(f"s{i}", reads, [out], scratch=draw(st.integers(0, 16)), inplace=inplace))
        sizes[out] = draw(st.integers(0, 64))
        tensors.append(out)
    return steps, sizes


@settings(max_examples=200, deadline=None)
@given(chain_schedules())
def test_schedule_to_plan_keeps_live_tensors_apart(sched):
    """Per tensor, with raw intervals: two tensors live at one step never share bytes,
    except the (x, y) pair of an in-place step at that step."""
    steps, sizes = sched
    outs = [f"t{len(steps)}"]
    bs = lifetimes(steps, sizes, ["t0"], outs)
    p = plan(bs, node_limit=500)
    toff = tensor_offsets(bs, p)
    iv = {}
    for i, s in enumerate(steps):
        for t in s.reads:
            iv[t] = (iv.get(t, (0, i))[0], i)
        for t in s.writes:
            iv[t] = (i, i)
        if s.scratch:
            iv[f"{s.name}.scratch"] = (i, i)
    iv["t0"] = (0, iv.get("t0", (0, 0))[1])
    iv[outs[0]] = (iv[outs[0]][0], len(steps) - 1)
    size = {**sizes, **{f"{s.name}.scratch": s.scratch for s in steps}}
    live = [t for t in iv if size.get(t, 0) > 0]
    allowed = {(s.inplace, i) for i, s in enumerate(steps) if s.inplace}
    for a in live:
        for b in live:
            if a >= b:
                continue
            common = set(range(iv[a][0], iv[a][1] + 1)) & set(range(iv[b][0], iv[b][1] + 1))
            if not common or not (toff[a] < toff[b] + size[b] and toff[b] < toff[a] + size[a]):
                continue
            assert len(common) == 1, (a, b, common)
            step = common.pop()
            assert ((a, b), step) in allowed or ((b, a), step) in allowed, (a, b, step)
