"""Lifetimes: which bytes must exist at which step.

Input is a schedule (a list of Steps, one kernel call each) and a size per
tensor; output is a list of Buffers, each with a size and an inclusive
[first, last] step interval. Nothing here knows about the IR, so the planner
can be tested on hand-written schedules.

Rules:
- a graph input is live from step 0; a graph output until the last step;
- any other tensor is live from the step that writes it to the last step that
  reads it (a tensor that nobody reads lives only during its writing step);
- a tensor that is read but never written, and is not a graph input, is
  treated like a graph input (live from step 0);
- a step's scratch is a buffer `<step>.scratch` live only at that step;
- in-place: if step i declares inplace (x, y), x is neither a graph input nor
  a graph output, and step i is x's last reader, then y joins x's group.
  Chains merge transitively. A group is a placement unit whose members share
  one offset, but every member keeps its own rectangle (its own size and
  [first, last]); members overlap each other only at their in-place step, so
  a group holds max(live member sizes) bytes at each step. Merging never
  raises the lower bound but constrains placement; `inplace="no_worse"` keeps
  only merges that do not raise the lower bound, `inplace="none"` merges
  nothing.
Tensors with size 0 or missing from `sizes` are ignored.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from tinyc.errors import TinycError, where


@dataclass
class Step:
    """One kernel call in execution order."""

    name: str
    reads: list[str]
    writes: list[str]
    scratch: int = 0
    inplace: tuple[str, str] | None = None  # (input, output) that may share an offset


@dataclass
class Buffer:
    """A placement unit: every member tensor starts at the buffer's offset.

    size/first/last are the envelope (max size, union of lifetimes). `parts`
    holds each member's own rectangle (member, size, first, last); empty means
    one rectangle equal to the envelope. `inplace` lists the (x, y, step)
    in-place pairs merged into this buffer."""

    name: str
    size: int
    first: int
    last: int
    members: list[str] = field(default_factory=list)
    parts: list[tuple[str, int, int, int]] = field(default_factory=list)
    inplace: list[tuple[str, str, int]] = field(default_factory=list)

    def rects(self) -> list[tuple[str, int, int, int]]:
        """(member, size, first, last) of every member (the envelope when parts is empty)."""
        if self.parts:
            return list(self.parts)
        return [(m, self.size, self.first, self.last) for m in (self.members or [self.name])]


def rectangles(buffers) -> list[Buffer]:
    """One single-member Buffer per member rectangle, named by the member (for checker.check)."""
    return [Buffer(m, s, f, l, [m]) for b in buffers for m, s, f, l in b.rects()]


def inplace_pairs(buffers) -> list[tuple[str, str, int]]:
    """Every (x, y, step) in-place pair merged into some buffer."""
    return [pair for b in buffers for pair in b.inplace]


def align_up(n: int, align: int) -> int:
    """The smallest multiple of `align` that is >= n."""
    return -(-n // align) * align


def _intervals(steps, sizes, graph_inputs, graph_outputs) -> dict[str, list[int]]:
    """tensor -> [first, last] for every tensor with a positive size, before merging."""
    n = len(steps)
    iv: dict[str, list[int]] = {}
    written: set[str] = set()
    for i, st in enumerate(steps):
        for t in st.reads:
            if sizes.get(t, 0) <= 0:
                continue
            if t not in iv:
                iv[t] = [0, i]  # never written before: treated like a graph input
            iv[t][1] = max(iv[t][1], i)
        for t in st.writes:
            if sizes.get(t, 0) <= 0:
                continue
            if t in written:
                raise TinycError(f"tensor '{t}' is written by two steps", where(node=st.name))
            if t in iv:
                raise TinycError(f"tensor '{t}' is read before it is written", where(node=st.name))
            written.add(t)
            iv[t] = [i, i]
    for t in graph_inputs:
        if sizes.get(t, 0) > 0:
            if t in written:
                raise TinycError(f"graph input '{t}' is written by a step", where(node=t))
            iv.setdefault(t, [0, 0])[0] = 0
    for t in graph_outputs:
        if sizes.get(t, 0) > 0:
            if t not in iv:
                raise TinycError(f"graph output '{t}' is never written", where(node=t))
            iv[t][1] = max(n - 1, 0)
    return iv


def _last_reader(steps) -> dict[str, int]:
    """tensor -> index of the last step that reads it."""
    last: dict[str, int] = {}
    for i, st in enumerate(steps):
        for t in st.reads:
            last[t] = i
    return last


def _build(members, iv, sizes, align, pairs=None) -> list[Buffer]:
    """One Buffer per merged group: one part per member; envelope size = max, lifetime = union."""
    buffers = []
    for root, ms in members.items():
        parts = [(m, align_up(sizes[m], align), iv[m][0], iv[m][1]) for m in ms]
        mine = list((pairs or {}).get(root, []))
        buffers.append(Buffer(root, max(p[1] for p in parts), min(p[2] for p in parts),
                              max(p[3] for p in parts), list(ms), parts, mine))
    return sorted(buffers, key=lambda b: (b.first, b.name))


def _scratch(steps, align) -> list[Buffer]:
    out = []
    for i, st in enumerate(steps):
        if st.scratch > 0:
            name, size = f"{st.name}.scratch", align_up(st.scratch, align)
            out.append(Buffer(name, size, i, i, [name], [(name, size, i, i)]))
    return out


def lifetimes(steps, sizes: dict[str, int], graph_inputs, graph_outputs, align: int = 4,
              inplace: str = "all") -> list[Buffer]:
    """Buffers for the schedule; afterwards every live tensor is a member of exactly one
    buffer, buffer sizes are multiples of `align`, and scratch buffers come last.

    inplace: "all" merges every legal in-place pair; "none" merges nothing;
    "no_worse" (in step order) keeps a merge only if lower_bound does not grow.
    """
    if align < 1:
        raise TinycError(f"alignment must be >= 1, got {align}", "memory planner")
    if inplace not in ("all", "none", "no_worse"):
        raise TinycError(f"unknown in-place mode '{inplace}'", "memory planner")
    iv = _intervals(steps, sizes, graph_inputs, graph_outputs)
    last_read = _last_reader(steps)
    fixed = set(graph_inputs) | set(graph_outputs)
    scratch = _scratch(steps, align)
    owner = {t: t for t in iv}  # tensor -> root tensor of its buffer
    members = {t: [t] for t in iv}
    pairs: dict[str, list[tuple[str, str, int]]] = {}
    prof = _Profile(iv, sizes, align, scratch, len(steps)) if inplace == "no_worse" else None
    for i, st in enumerate(steps):
        if st.inplace is None or inplace == "none":
            continue
        x, y = st.inplace
        if x not in iv or y not in iv or x in fixed or last_read.get(x) != i:
            continue
        if y not in st.writes or owner[y] != y or len(members[y]) != 1:
            continue
        root = owner[x]
        if prof is not None and not prof.merge_no_worse(members[root], y):
            continue
        members[root].append(y)
        del members[y]
        owner[y] = root
        pairs.setdefault(root, []).append((x, y, i))
    return _build(members, iv, sizes, align, pairs) + scratch


class _Profile:
    """Live bytes per step of the current grouping, updated incrementally as groups merge
    (the same numbers lower_bound(_build(...) + scratch) gives, without rebuilding)."""

    def __init__(self, iv, sizes, align, scratch, n_steps: int):
        self.iv, self.sizes, self.align = iv, sizes, align
        self._groups: dict[str, tuple[int, dict[int, int]]] = {}
        n = max([n_steps] + [iv[t][1] + 1 for t in iv] + [b.last + 1 for b in scratch])
        self.live = [0] * n
        for t in iv:
            for s, h in self.heights([t]).items():
                self.live[s] += h
        for b in scratch:
            for s in range(b.first, b.last + 1):
                self.live[s] += b.size
        self.bound = max(self.live, default=0)

    def heights(self, ms) -> dict[int, int]:
        out: dict[int, int] = {}
        for m in ms:
            size = align_up(self.sizes[m], self.align)
            for s in range(max(self.iv[m][0], 0), self.iv[m][1] + 1):
                if size > out.get(s, 0):
                    out[s] = size
        return out

    def _group_heights(self, group: list[str]) -> dict[int, int]:
        """heights(group), kept per group (keyed by its first member) as groups grow."""
        key = group[0]
        if key not in self._groups or self._groups[key][0] != len(group):
            self._groups[key] = (len(group), self.heights(group))
        return self._groups[key][1]

    def merge_no_worse(self, group: list[str], y: str) -> bool:
        """Merge y's own buffer into group's if the bound does not grow; True if merged."""
        old_g, old_y = self._group_heights(group), self.heights([y])
        new = dict(old_g)
        for s, h in old_y.items():
            if h > new.get(s, 0):
                new[s] = h
        delta: dict[int, int] = {}
        for d, sign in ((old_g, -1), (old_y, -1), (new, 1)):
            for s, h in d.items():
                delta[s] = delta.get(s, 0) + sign * h
        changed = {s: self.live[s] + dv for s, dv in delta.items() if dv}
        if max(changed.values(), default=0) > self.bound:  # untouched steps are <= the bound already
            return False
        for s, v in changed.items():
            self.live[s] = v
        self.bound = max(self.live, default=0)
        self._groups[group[0]] = (len(group) + 1, new)  # the caller appends y to group
        return True


def live_bytes(buffers, n_steps: int) -> list[int]:
    """Bytes live at each step 0..n_steps-1: per buffer, the largest member live there
    (members share the buffer's offset), summed over buffers."""
    diff = [0] * (n_steps + 1)  # live[s] = sum(diff[:s + 1])

    def add(first: int, last: int, size: int) -> None:
        first, last = max(first, 0), min(last, n_steps - 1)
        if first <= last:
            diff[first] += size
            diff[last + 1] -= size
    for b in buffers:
        rects = b.rects()
        if len(rects) == 1:
            add(*rects[0][2:], rects[0][1])
            continue
        height: dict[int, int] = {}
        for _, size, first, last in rects:
            for s in range(max(first, 0), min(last, n_steps - 1) + 1):
                height[s] = max(height.get(s, 0), size)
        for s, h in height.items():
            add(s, s, h)
    live, run = [], 0
    for d in diff[:n_steps]:
        run += d
        live.append(run)
    return live


def lower_bound(buffers) -> int:
    """Max over steps of live bytes: no placement can use a smaller arena."""
    if not buffers:
        return 0
    return max(live_bytes(buffers, max(b.last for b in buffers) + 1))
