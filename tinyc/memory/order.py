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
    """Live bytes per executed set, and bytes during a step, in the liveness cost model."""

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

    def _freed(self, done: int, v: int) -> list[str]:
        """Tensors that stop being live once step v has run after set `done`."""
        st, after = self.steps[v], done | (1 << v)
        cand = set(st.reads) | set(st.writes)
        return [t for t in cand if t in self.size and t not in self.outputs
                and self.readers.get(t, 0) & ~after == 0]

    def step(self, done: int, live: int, v: int) -> tuple[int, int]:
        """(bytes during step v, live bytes after it) given set `done` with `live` bytes."""
        st = self.steps[v]
        outs = sum(self.size.get(t, 0) for t in set(st.writes))
        freed = self._freed(done, v)
        during = live + outs + st.scratch
        if st.inplace is not None:
            x, y = st.inplace
            if x in freed and x not in self.inputs and x in self.size and y in self.size:
                during -= min(self.size[x], self.size[y])
        return during, live + outs - sum(self.size[t] for t in freed)


def _dp(steps, cost: _Cost, preds, max_states: int) -> list[int] | None:
    """Best order as step indices, or None when the search limits were hit."""
    n = len(steps)
    level = {0: (0, cost.start, None, -1)}  # set -> (peak, live, parent set, last step)
    history = [level]
    seen = 1
    for _ in range(n):
        nxt: dict[int, tuple] = {}
        for done, (peak, live, _, _) in level.items():
            if seen + len(nxt) > max_states:
                return None
            for v in range(n):
                if done >> v & 1 or preds[v] & ~done:
                    continue
                during, after = cost.step(done, live, v)
                key, val = done | (1 << v), max(peak, during)
                if key not in nxt or val < nxt[key][0]:
                    nxt[key] = (val, after, done, v)
        seen += len(nxt)
        if not nxt:  # a cycle: no step is ready
            return None
        level = nxt
        history.append(level)
    order, key = [], (1 << n) - 1
    for lvl in reversed(history[1:]):
        _, _, parent, v = lvl[key]
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
