"""Operator order: pick the topological order with the smallest peak live bytes.

Dynamic programming over "executed sets" (down-sets of the dependence DAG):
the live tensors after a set S has run depend only on S, so the best peak
reaching S is min over the last step v of max(best(S - v), peak during v).
The DP walks the sets level by level (|S| = 0, 1, ...). When the graph has more
than `max_states` such sets (counted first, cheaply, without costs), the exact DP
is replaced by a beam: each level keeps only its max_states // (8 * steps) best
sets (lowest peak, then fewest live bytes). Both limits are counts, never a clock: the
same schedule gives the same order on any machine under any load. A candidate
order replaces the given one only if its real lower bound (liveness.lower_bound
after in-place merging) is strictly smaller.
"""
from __future__ import annotations

from tinyc.memory.liveness import lifetimes, lower_bound

BEAM_SHARE = 8  # the beam keeps max_states // (BEAM_SHARE * steps) sets a level: an eighth of the DP's work


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


def _succs(preds) -> list[list[int]]:
    n = len(preds)
    return [[v for v in range(n) if preds[v] >> u & 1] for u in range(n)]


def _fits(preds, max_states: int) -> bool:
    """The exact DP below stays within max_states: the same walk over the sets, without costs."""
    succs = _succs(preds)
    level = {0: sum(1 << v for v in range(len(preds)) if preds[v] == 0)}  # set -> ready steps
    seen = 1
    for _ in range(len(preds)):
        nxt: dict[int, int] = {}
        for done, ready in level.items():
            if seen + len(nxt) > max_states:
                return False
            rest = ready
            while rest:
                low = rest & -rest
                rest ^= low
                key = done | low
                if key not in nxt:
                    r = ready ^ low
                    for s in succs[low.bit_length() - 1]:
                        if preds[s] & ~key == 0:
                            r |= 1 << s
                    nxt[key] = r
        seen += len(nxt)
        level = nxt
    return True


def _dp(steps, cost: _Cost, preds, max_states: int, beam: int | None = None) -> list[int] | None:
    """Best order as step indices, or None when the search limits were hit (or a cycle leaves
    no step ready). With beam, no limit: each level keeps its `beam` best sets instead.
    A state carries the bitmask of its ready steps, so expanding it visits only those."""
    n = len(steps)
    succs = _succs(preds)
    ready0 = sum(1 << v for v in range(n) if preds[v] == 0)
    level = {0: (0, cost.start, None, -1, ready0)}  # set -> (peak, live, parent set, last step, ready)
    history = [level]
    seen = 1
    for _ in range(n):
        nxt: dict[int, tuple] = {}
        for done, (peak, live, _, _, ready) in level.items():
            if beam is None and seen + len(nxt) > max_states:
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
        if beam is not None and len(nxt) > beam:  # sorted() is stable: ties keep the walk's order
            nxt = dict(sorted(nxt.items(), key=lambda kv: (kv[1][0], kv[1][1]))[:beam])
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
    if _fits(preds, max_states):
        found = _dp(steps, cost, preds, max_states)
    else:
        found = _dp(steps, cost, preds, max_states, beam=max(1, max_states // (BEAM_SHARE * len(steps))))
    if found is None or found == list(range(len(steps))):
        return steps
    cand = [steps[i] for i in found]
    base = lower_bound(lifetimes(steps, sizes, graph_inputs, graph_outputs, align))
    new = lower_bound(lifetimes(cand, sizes, graph_inputs, graph_outputs, align))
    return cand if new < base else steps
