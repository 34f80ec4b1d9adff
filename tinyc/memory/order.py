"""Operator order: pick the topological order with the smallest peak live bytes.

Dynamic programming over "executed sets" (down-sets of the dependence DAG):
the live tensors after a set S has run depend only on S, so the best peak
reaching S is min over the last step v of max(best(S - v), peak during v).
The DP walks the sets level by level (|S| = 0, 1, ...) and gives up, keeping
the given order, once it has seen more than `max_states` sets (a count, never
a clock: the same schedule gives the same order on any machine under any load). A candidate order replaces the given one only if its real
lower bound (liveness.lower_bound after in-place merging) is strictly smaller.
"""
from __future__ import annotations

from tinyc.memory.liveness import lifetimes, lower_bound


def _deps(steps) -> list[int]:
    """Bitmask of the steps whose outputs each step reads (a cycle makes the DP find no order)."""
    writer = {t: i for i, st in enumerate(steps) for t in st.writes}
    preds = [0] * len(steps)
    for i, st in enumerate(steps):
        for t in st.reads:
            j = writer.get(t)
            if j is not None and j != i:
                preds[i] |= 1 << j
    return preds


class _Cost:
    """Live bytes per executed set, and bytes during a step, in the liveness cost model.
    Everything a step needs is precomputed once: the bytes it writes, and the sized tensors it
    touches (with the bitmask of their readers) that can die once it has run."""

    def __init__(self, steps, sizes, graph_inputs, graph_outputs):
        self.steps = steps
        self.size = {t: s for t, s in sizes.items() if s > 0}
        self.outputs = set(graph_outputs)
        self.inputs = set(graph_inputs)
        self.readers: dict[str, int] = {}  # tensor -> bitmask of steps reading it
        for i, st in enumerate(steps):
            for t in set(st.reads):
                if t in self.size:
                    self.readers[t] = self.readers.get(t, 0) | (1 << i)
        written = {t for st in steps for t in st.writes}
        self.start = sum(self.size.get(t, 0) for t in set(self.readers) | self.inputs
                         if t in self.size and t not in written)
        self.outs, self.dying, self.inplace = [], [], []
        for st in steps:
            self.outs.append(sum(self.size.get(t, 0) for t in set(st.writes)) + st.scratch)
            self.dying.append([(t, self.size[t], self.readers.get(t, 0)) for t in set(st.reads) | set(st.writes)
                               if t in self.size and t not in self.outputs])
            x, y = st.inplace if st.inplace is not None else (None, None)
            ok = x is not None and x not in self.inputs and x in self.size and y in self.size
            self.inplace.append((x, min(self.size[x], self.size[y])) if ok else None)

    def _freed(self, done: int, v: int) -> list[str]:
        """Tensors that stop being live once step v has run after set `done`."""
        after = done | (1 << v)
        return [t for t, _, r in self.dying[v] if r & ~after == 0]

    def step(self, done: int, live: int, v: int) -> tuple[int, int]:
        """(bytes during step v, live bytes after it) given set `done` with `live` bytes."""
        after = done | (1 << v)
        during, freed, x_freed = live + self.outs[v], 0, False
        ip = self.inplace[v]
        for t, size, r in self.dying[v]:
            if r & ~after == 0:
                freed += size
                x_freed |= ip is not None and t == ip[0]
        if x_freed:
            during -= ip[1]
        return during, live + self.outs[v] - self.steps[v].scratch - freed


def _dp(steps, cost: _Cost, preds, max_states: int) -> list[int] | None:
    """Best order as step indices, or None when the search limits were hit. A state carries
    the bitmask of its ready steps, so expanding it visits only those (in index order)."""
    n = len(steps)
    succs = [[] for _ in range(n)]
    for v in range(n):
        for u in range(n):
            if preds[v] >> u & 1:
                succs[u].append(v)
    ready0 = sum(1 << v for v in range(n) if preds[v] == 0)
    level = {0: (0, cost.start, None, -1, ready0)}  # set -> (peak, live, parent set, last step, ready)
    history = [level]
    seen = 1
    for _ in range(n):
        nxt: dict[int, tuple] = {}
        for done, (peak, live, _, _, ready) in level.items():
            if seen + len(nxt) > max_states:
                return None
            rest = ready
            while rest:
                low = rest & -rest
                rest ^= low
                v = low.bit_length() - 1
                during, after = cost.step(done, live, v)
                key, val = done | low, max(peak, during)
                if key not in nxt or val < nxt[key][0]:
                    r = ready ^ low
                    for s in succs[v]:
                        if preds[s] & ~key == 0:
                            r |= 1 << s
                    nxt[key] = (val, after, done, v, r)
        seen += len(nxt)
        if not nxt:  # a cycle: no step is ready
            return None
        level = nxt
        history.append(level)
    order, key = [], (1 << n) - 1
    for lvl in reversed(history[1:]):
        _, _, parent, v, _ = lvl[key]
        order.append(v)
        key = parent
    return order[::-1]


def best_order(steps, sizes, graph_inputs, graph_outputs, max_states: int = 200_000,
               align: int = 4) -> list:
    """A topological order of `steps` whose lifetimes have the smallest lower bound found;
    the given order is returned (as a new list) unless a strictly better one was found."""
    steps = list(steps)
    if len(steps) < 3:
        return steps
    preds = _deps(steps)
    cost = _Cost(steps, sizes, graph_inputs, graph_outputs)
    found = _dp(steps, cost, preds, max_states)
    if found is None or found == list(range(len(steps))):
        return steps
    cand = [steps[i] for i in found]
    base = lower_bound(lifetimes(steps, sizes, graph_inputs, graph_outputs, align))
    new = lower_bound(lifetimes(cand, sizes, graph_inputs, graph_outputs, align))
    return cand if new < base else steps
