"""Tests of the placement strategies and plan().

Oracles:
- TFLM's greedy_memory_planner_test.cc (TestGreedyMedium, TestGreedyBasics):
  the expected offsets of TFLM's GreedyMemoryPlanner on those intervals;
- lower_bound (max live bytes): a plan that reaches it is optimal;
- a brute-force search over every offset in [0, arena) for tiny instances;
- checker.check on every plan.
"""
import random
import time

from tinyc.memory import Buffer, check, lower_bound, plan
from tinyc.memory.placement import (arena_of, exact_search, first_fit_time, greedy_by_conflicts,
                                    greedy_by_size)

STRATEGY_FNS = (greedy_by_size, greedy_by_conflicts, first_fit_time)


def bufs(spec):
    """[(size, first, last), ...] -> Buffers named b0, b1, ..."""
    return [Buffer(f"b{i}", s, f, l, [f"b{i}"]) for i, (s, f, l) in enumerate(spec)]


TFLM_MEDIUM = [(10, 0, 1), (20, 1, 2), (30, 2, 3), (40, 3, 4), (50, 0, 1)]


def test_tflm_greedy_medium_offsets():
    bs = bufs(TFLM_MEDIUM)
    offs = greedy_by_size(bs, align=1)
    assert offs == {"b0": 50, "b1": 70, "b2": 40, "b3": 0, "b4": 0}
    assert arena_of(bs, offs) == 90


def test_tflm_greedy_basics():
    bs = bufs([(10, 0, 1), (20, 2, 3)])
    assert greedy_by_size(bs, align=1) == {"b0": 0, "b1": 0}
    assert plan(bs, align=1).arena_bytes == 20


def test_plan_beats_tflm_greedy_on_medium():
    """TFLM's greedy needs 90; the lower bound is 80 (step 1: 10 + 20 + 50) and is reachable."""
    bs = bufs(TFLM_MEDIUM)
    assert lower_bound(bs) == 80
    assert arena_of(bs, exact_search(bs, align=1)) == 80
    p = plan(bs, align=1)
    assert p.arena_bytes == 80 and p.tried["greedy_by_size"] == 90
    check(bs, p.offsets, p.arena_bytes)


# Found by random search: every greedy order misses the lower bound, the exact search reaches it.
GREEDY_MISSES = [
    ([(3, 2, 3), (5, 3, 6), (4, 0, 1), (5, 0, 0), (1, 1, 4)], 9),
    ([(2, 1, 2), (4, 1, 1), (2, 2, 5), (3, 3, 3), (1, 2, 4), (1, 0, 1)], 7),
    ([(2, 2, 4), (2, 0, 3), (1, 1, 4), (3, 3, 4), (2, 0, 0), (4, 0, 1), (4, 0, 3)], 12),
]


def test_exact_search_reaches_known_optimum_where_greedy_misses():
    for spec, optimum in GREEDY_MISSES:
        bs = bufs(spec)
        assert lower_bound(bs) == optimum
        assert min(arena_of(bs, fn(bs, align=1)) for fn in STRATEGY_FNS) > optimum
        p = plan(bs, align=1)
        assert (p.arena_bytes, p.strategy) == (optimum, "exact")
        check(bs, p.offsets, p.arena_bytes)


def test_person_detection_intervals_reach_lower_bound():
    """TFLM's TestPersonDetectionModel intervals: its test only asks for < 241027 bytes."""
    spec = [(9216, 0, 29), (3, 28, 29), (256, 27, 28), (2304, 26, 27), (2304, 25, 26), (2304, 24, 25),
            (1152, 23, 24)] + [(4608, i, i + 1) for i in range(22, 11, -1)] + [
            (2304, 11, 12), (9216, 10, 11), (9216, 9, 10), (9216, 8, 9), (4608, 7, 8), (18432, 6, 7),
            (18432, 5, 6), (18432, 4, 5), (9216, 3, 4), (36864, 2, 3), (18432, 1, 2), (18432, 0, 1)]
    bs = bufs(spec)
    p = plan(bs, align=1)
    assert p.arena_bytes == lower_bound(bs) == 64512 < 241027
    check(bs, p.offsets, p.arena_bytes)


def test_alignment_16():
    bs = bufs([(20, 0, 1), (36, 1, 2), (4, 0, 2), (100, 2, 3)])
    for fn in STRATEGY_FNS:
        offs = fn(bs, align=16)
        check(bs, offs, arena_of(bs, offs), align=16)
    p = plan(bs, align=16)
    check(bs, p.offsets, p.arena_bytes, align=16)


def test_zero_size_and_empty():
    assert plan([]).arena_bytes == 0
    bs = bufs([(0, 0, 3), (8, 0, 3)])
    p = plan(bs)
    assert p.arena_bytes == 8
    check(bs, p.offsets, p.arena_bytes)


def test_exact_never_worse_than_incumbent():
    """A hand-made optimal incumbent (offsets 0, 50, 60, 0, 30 -> 80) must be kept."""
    bs = bufs(TFLM_MEDIUM)
    inc = {"b0": 50, "b1": 60, "b2": 0, "b3": 30, "b4": 0}
    check(bs, inc, 80)
    assert arena_of(bs, exact_search(bs, align=1, incumbent=inc)) == 80


def random_buffers(rng, n, steps, max_size):
    spec = []
    for _ in range(n):
        f = rng.randrange(steps)
        spec.append((4 * rng.randint(1, max_size), f, f + rng.randrange(max(1, steps // 3))))
    return bufs(spec)


def test_plan_is_reproducible():
    bs = random_buffers(random.Random(3), 30, 20, 50)
    a, b = plan(bs), plan(bs)
    assert (a.offsets, a.arena_bytes, a.strategy, a.tried) == (b.offsets, b.arena_bytes, b.strategy, b.tried)


def test_large_graphs_are_fast():
    """~150 buffers (MobileNetV2-sized) skip the exact search; 40 buffers use it within its limits."""
    rng = random.Random(5)
    for n in (40, 150):
        bs = random_buffers(rng, n, n, 200)
        t0 = time.monotonic()
        p = plan(bs)
        assert time.monotonic() - t0 < 5.0
        assert ("exact" in p.tried) == (n <= 40)
        assert p.arena_bytes >= lower_bound(bs)
        check(bs, p.offsets, p.arena_bytes)
