"""Tests of best_order.

Oracle: brute force over every topological order (itertools.permutations on
graphs of <= 7 steps), scoring each by lower_bound(lifetimes(order)).
"""
import itertools
import random

from tinyc.memory import Step, best_order, lifetimes, lower_bound


def is_topological(order):
    done = set()
    writers = {t for s in order for t in s.writes}
    for s in order:
        if any(t in writers and t not in done for t in s.reads):
            return False
        done |= set(s.writes)
    return True


def peak(order, sizes, ins, outs):
    return lower_bound(lifetimes(order, sizes, ins, outs))


def brute_min(steps, sizes, ins, outs):
    return min(peak(list(p), sizes, ins, outs) for p in itertools.permutations(steps) if is_topological(p))


def two_branches():
    """x feeds two branches that each blow up to 100 bytes and shrink to 4."""
    steps = [
        Step("up1", ["x"], ["p"]),
        Step("up2", ["x"], ["r"]),
        Step("down1", ["p"], ["q"]),
        Step("down2", ["r"], ["u"]),
        Step("join", ["q", "u"], ["y"]),
    ]
    sizes = {"x": 4, "p": 100, "r": 100, "q": 4, "u": 4, "y": 4}
    return steps, sizes


def test_chain_is_returned_unchanged():
    steps = [Step(f"s{i}", [f"t{i}"], [f"t{i + 1}"]) for i in range(6)]
    sizes = {f"t{i}": 4 * (i + 1) for i in range(7)}
    assert [s.name for s in best_order(steps, sizes, ["t0"], ["t6"])] == [f"s{i}" for i in range(6)]


def test_branches_are_finished_one_at_a_time():
    """Given order holds x, p and r together (204 bytes); finishing one branch first peaks at 108."""
    steps, sizes = two_branches()
    assert peak(steps, sizes, ["x"], ["y"]) == 204
    got = best_order(steps, sizes, ["x"], ["y"])
    assert [s.name for s in got] == ["up1", "down1", "up2", "down2", "join"]
    assert peak(got, sizes, ["x"], ["y"]) == 108 == brute_min(steps, sizes, ["x"], ["y"])


def test_residual_with_scratch():
    """The skip branch writes a 32-byte s: run it last (peak x+e+d = 136) rather than
    second (dw then holds e+d+s = 160)."""
    steps = [
        Step("expand", ["x"], ["e"], scratch=40),
        Step("skip", ["x"], ["s"]),
        Step("dw", ["e"], ["d"]),
        Step("project", ["d"], ["p"]),
        Step("add", ["p", "s"], ["y"]),
    ]
    sizes = {"x": 8, "e": 64, "d": 64, "s": 32, "p": 8, "y": 8}
    got = best_order(steps, sizes, ["x"], ["y"])
    assert is_topological(got)
    assert peak(steps, sizes, ["x"], ["y"]) == 160
    assert peak(got, sizes, ["x"], ["y"]) == 136 == brute_min(steps, sizes, ["x"], ["y"])


def test_state_limit_switches_to_the_beam():
    """Past max_states the beam (here one set a level: greedy by peak) still finishes a branch first."""
    steps, sizes = two_branches()
    got = best_order(steps, sizes, ["x"], ["y"], max_states=2)
    assert [s.name for s in got] == ["up1", "down1", "up2", "down2", "join"]


def test_beam_keeps_the_given_order_unless_strictly_better():
    steps = [Step(f"s{i}", [f"t{i}"], [f"t{i + 1}"]) for i in range(6)]
    sizes = {f"t{i}": 4 * (i + 1) for i in range(7)}
    assert [s.name for s in best_order(steps, sizes, ["t0"], ["t6"], max_states=1)] == [f"s{i}" for i in range(6)]


def wide(branches, length, chain):
    """A chain, then `branches` parallel chains of `length` steps from its end, joined by a concat:
    (length + 1) ** branches executed sets, far past any state limit."""
    steps = [Step(f"c{i}", [f"x{i}"], [f"x{i + 1}"]) for i in range(chain)]
    ends = []
    for b in range(branches):
        prev = f"x{chain}"
        for k in range(length):
            steps.append(Step(f"b{b}_{k}", [prev], [f"b{b}_{k}"]))
            prev = f"b{b}_{k}"
        ends.append(prev)
    steps.append(Step("cat", ends, ["y"]))
    sizes = {s.writes[0]: 100 + 7 * (i % 13) for i, s in enumerate(steps)}
    sizes["x0"] = 50
    return steps, sizes


def test_wide_graph_is_reordered_by_the_beam():
    """16 two-step branches (3**16 sets): the count stops at the limit and the beam lowers the bound
    (2,556 -> 2,536 bytes; the exact DP could only give up here)."""
    steps, sizes = wide(16, 2, 20)
    got = best_order(steps, sizes, ["x0"], ["y"], max_states=20_000)
    assert is_topological(got) and sorted(s.name for s in got) == sorted(s.name for s in steps)
    assert peak(steps, sizes, ["x0"], ["y"]) == 2556
    assert peak(got, sizes, ["x0"], ["y"]) < 2556


def random_dag(rng, n):
    """n steps, each reading 1-2 earlier tensors (or the input), one output each; all read."""
    steps, sizes, tensors = [], {"x": 4 * rng.randint(1, 8)}, ["x"]
    for i in range(n):
        reads = sorted(set(rng.sample(tensors, min(len(tensors), rng.randint(1, 2)))))
        out = f"t{i}"
        steps.append(Step(f"s{i}", reads, [out], scratch=4 * rng.randint(0, 3)))
        sizes[out] = 4 * rng.randint(1, 16)
        tensors.append(out)
    read = {t for s in steps for t in s.reads}
    outs = [t for t in tensors if t not in read]
    return steps, sizes, outs


def test_random_dags_match_brute_force():
    rng = random.Random(1234)
    for _ in range(60):
        steps, sizes, outs = random_dag(rng, rng.randint(3, 7))
        got = best_order(steps, sizes, ["x"], outs)
        assert is_topological(got) and sorted(s.name for s in got) == sorted(s.name for s in steps)
        assert peak(got, sizes, ["x"], outs) == brute_min(steps, sizes, ["x"], outs)


def test_random_dags_with_inplace_never_get_worse():
    """With in-place merging the DP is a heuristic; the returned order must still be
    topological and never have a higher lower bound than the given order."""
    rng = random.Random(99)
    for _ in range(40):
        steps, sizes, outs = random_dag(rng, rng.randint(3, 8))
        for s in steps:
            if rng.random() < 0.5:
                s.inplace = (s.reads[0], s.writes[0])
        got = best_order(steps, sizes, ["x"], outs)
        assert is_topological(got)
        assert peak(got, sizes, ["x"], outs) <= peak(steps, sizes, ["x"], outs)
