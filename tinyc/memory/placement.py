"""Placement: give every buffer an arena offset so that buffers live at the same
step never share a byte, and keep the arena small.

A buffer is a placement unit made of member rectangles (Buffer.rects(): own
size and [first, last]) that all start at the buffer's offset; two buffers
collide when a rectangle of one shares a step and a byte with a rectangle of
the other. Every strategy is "visit the buffers in some order; put each at
the lowest aligned offset where none of its rectangles collides with an
already-placed one" (TFLM's GreedyMemoryPlanner, generalised). Strategies differ only in the
order: by size, by number of time conflicts, by first step. The exact search
branches over orders; it is complete because visiting the buffers of any
plan bottom-up never places one higher than that plan does. `plan` runs them
all and keeps the smallest arena.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from tinyc.errors import TinycError
from tinyc.memory.checker import check
from tinyc.memory.liveness import inplace_pairs, lower_bound, rectangles

STRATEGIES = ("greedy_by_size", "greedy_by_conflicts", "first_fit_time", "exact")


@dataclass
class Plan:
    """The chosen offsets, the arena they need, and every strategy's arena."""

    offsets: dict[str, int]
    arena_bytes: int
    strategy: str
    tried: dict[str, int] = field(default_factory=dict)


def _rects(b) -> list[tuple[int, int, int]]:
    """(size, first, last) of the buffer's non-empty member rectangles."""
    return [(s, f, l) for _, s, f, l in b.rects() if s > 0]


def _overlap_in_time(a, b, ra=None, rb=None) -> bool:
    """Some rectangle of a shares a step with some rectangle of b (ra, rb: their _rects, if known)."""
    return a.first <= b.last and b.first <= a.last and any(
        fa <= lb and fb <= la for _, fa, la in (ra or _rects(a)) for _, fb, lb in (rb or _rects(b)))


def _conflicts(buffers) -> list[list[int]]:
    """For each buffer, the indices of the others it overlaps in time (increasing): a sweep in
    order of first step, so buffers whose envelopes are disjoint are never compared."""
    rs = [_rects(b) for b in buffers]
    by_first = sorted(range(len(buffers)), key=lambda i: buffers[i].first)
    conf: list[list[int]] = [[] for _ in buffers]
    for k, i in enumerate(by_first):
        a = buffers[i]
        for j in by_first[k + 1:]:
            if buffers[j].first > a.last:
                break
            if _overlap_in_time(a, buffers[j], rs[i], rs[j]):
                conf[i].append(j)
                conf[j].append(i)
    return [sorted(c) for c in conf]


def _forbidden(mine, other, other_off: int) -> list[tuple[int, int]]:
    """Open intervals (lo, hi) of offsets at which a rectangle of `mine` would collide with
    `other` placed at other_off: rectangle size s hits [o, o+t) for offsets in (o - s, o + t)."""
    return [(other_off - s, other_off + t) for s, f, l in mine for t, g, m in other
            if f <= m and g <= l]


def lowest_free(forbidden: list[tuple[int, int]], align: int) -> int:
    """Lowest multiple of `align` (>= 0) inside none of the open intervals (lo, hi)."""
    cand = 0
    for lo, hi in sorted(forbidden):
        if lo >= cand:
            break
        if hi > cand:
            cand = -(-hi // align) * align
    return cand


def lowest_fit(size: int, obstacles: list[tuple[int, int]], align: int) -> int:
    """Lowest multiple of `align` where [off, off+size) misses every (start, end) obstacle."""
    return lowest_free([(start - size, end) for start, end in obstacles], align)


def place_in_order(buffers, order, align: int = 4) -> dict[str, int]:
    """Offsets from placing buffers[i] for i in `order`, each at its lowest fit."""
    offsets: dict[str, int] = {}
    placed = []
    for i in order:
        b = buffers[i]
        mine = _rects(b)
        if not mine:
            offsets[b.name] = 0
            continue
        forbidden = [iv for p, rp in placed if p.first <= b.last and b.first <= p.last
                     for iv in _forbidden(mine, rp, offsets[p.name])]
        offsets[b.name] = lowest_free(forbidden, align)
        placed.append((b, mine))
    return offsets


def arena_of(buffers, offsets) -> int:
    """Bytes from 0 to the end of the highest buffer."""
    return max((offsets[b.name] + b.size for b in buffers), default=0)


def greedy_by_size(buffers, align: int = 4) -> dict[str, int]:
    """TFLM's greedy planner: biggest first, ties in input order."""
    order = sorted(range(len(buffers)), key=lambda i: -buffers[i].size)
    return place_in_order(buffers, order, align)


def greedy_by_conflicts(buffers, align: int = 4) -> dict[str, int]:
    """Most time-conflicting buffers first, then biggest, then input order."""
    n_conf = [len(c) for c in _conflicts(buffers)]
    order = sorted(range(len(buffers)), key=lambda i: (-n_conf[i], -buffers[i].size))
    return place_in_order(buffers, order, align)


def first_fit_time(buffers, align: int = 4) -> dict[str, int]:
    """In order of first step (longer-lived, then bigger first on ties), like an allocator run."""
    order = sorted(range(len(buffers)), key=lambda i: (buffers[i].first, -buffers[i].last, -buffers[i].size))
    return place_in_order(buffers, order, align)


class _Stop(Exception):
    pass


class _Search:
    """Branch and bound over placement orders, each buffer at its lowest fit.

    Only orders whose (offset, index) keys increase are explored: sorting any
    plan's buffers by offset and re-placing them at their lowest fit never
    raises an offset, so repeating that reaches a plan in this canonical form
    that is no larger. Bound: a buffer's lowest fit only grows as others are
    placed, so max(fit + size) over unplaced buffers bounds the final arena.
    """

    def __init__(self, items, align, best_arena, node_limit):
        self.items, self.align = items, align
        self.n = len(items)
        self.size = [b.size for b in items]
        self.rects = [_rects(b) for b in items]
        self.conf = _conflicts(items)
        self.off = [-1] * self.n
        self.fit = [0] * self.n
        self.best_arena, self.best_off = best_arena, None
        self.floor = lower_bound(items)
        self.node_limit, self.nodes = node_limit, 0

    def _refit(self, j: int) -> int:
        forbidden = [iv for k in self.conf[j] if self.off[k] >= 0
                     for iv in _forbidden(self.rects[j], self.rects[k], self.off[k])]
        return lowest_free(forbidden, self.align)

    def _place(self, i: int) -> list[tuple[int, int]]:
        """Put item i at its fit; returns the (j, old fit) pairs to undo."""
        o = self.off[i] = self.fit[i]
        end, undo = o + self.size[i], []
        for j in self.conf[i]:
            if self.off[j] < 0 and self.fit[j] < end and o < self.fit[j] + self.size[j]:
                undo.append((j, self.fit[j]))
                self.fit[j] = self._refit(j)
        return undo

    def dfs(self, depth: int, last_key: tuple[int, int], arena: int) -> None:
        if depth == self.n:
            if arena < self.best_arena:
                self.best_arena, self.best_off = arena, list(self.off)
                if arena <= self.floor:
                    raise _Stop
            return
        self.nodes += 1
        if self.nodes > self.node_limit:
            raise _Stop
        free = [i for i in range(self.n) if self.off[i] < 0]
        if max(arena, max(self.fit[i] + self.size[i] for i in free)) >= self.best_arena:
            return
        cands = sorted((i for i in free if (self.fit[i], i) > last_key),
                       key=lambda i: (self.fit[i], -self.size[i], i))
        for i in cands:
            key = (self.fit[i], i)
            undo = self._place(i)
            self.dfs(depth + 1, key, max(arena, key[0] + self.size[i]))
            for j, f in undo:
                self.fit[j] = f
            self.off[i] = -1


def exact_search(buffers, align: int = 4, node_limit: int = 20_000,
                 incumbent: dict[str, int] | None = None) -> dict[str, int]:
    """Offsets no larger than the incumbent (greedy by size when not given); optimal
    when the search finishes within its node limit (a count, never a clock: reproducible
    on any machine under any load)."""
    start = incumbent if incumbent is not None else greedy_by_size(buffers, align)
    items = [b for b in buffers if b.size > 0]
    s = _Search(items, align, arena_of(buffers, start), node_limit)
    if s.best_arena > s.floor:
        try:
            s.dfs(0, (-1, -1), 0)
        except _Stop:
            pass
    if s.best_off is None:
        return dict(start)
    offsets = {b.name: 0 for b in buffers}
    offsets.update({b.name: o for b, o in zip(items, s.best_off)})
    return offsets


def plan(buffers, align: int = 4, exact_max_buffers: int = 40,
         node_limit: int = 20_000) -> Plan:
    """The smallest plan over all strategies (ties go to the earlier one in STRATEGIES).
    Afterwards the plan has passed checker.check and every offset is a multiple of align.
    The exact search runs only for <= exact_max_buffers non-empty buffers; its node limit
    (no clock anywhere) keeps results reproducible."""
    names = [b.name for b in buffers]
    if len(set(names)) != len(names):
        raise TinycError("two buffers have the same name", "memory planner")
    if align < 1:
        raise TinycError(f"alignment must be >= 1, got {align}", "memory planner")
    greedy = {"greedy_by_size": greedy_by_size, "greedy_by_conflicts": greedy_by_conflicts,
              "first_fit_time": first_fit_time}
    best: Plan | None = None
    tried: dict[str, int] = {}
    for name, fn in greedy.items():
        offs = fn(buffers, align)
        tried[name] = arena_of(buffers, offs)
        if best is None or tried[name] < best.arena_bytes:
            best = Plan(offs, tried[name], name, tried)
    if sum(b.size > 0 for b in buffers) <= exact_max_buffers:
        offs = exact_search(buffers, align, node_limit, incumbent=best.offsets)
        tried["exact"] = arena_of(buffers, offs)
        if tried["exact"] < best.arena_bytes:
            best = Plan(offs, tried["exact"], "exact", tried)
    toffs = {m: best.offsets[b.name] for b in buffers for m, *_ in b.rects()}
    check(rectangles(buffers), toffs, best.arena_bytes, align=align, inplace=inplace_pairs(buffers))
    return best
