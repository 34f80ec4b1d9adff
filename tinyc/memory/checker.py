"""Independent verifier of a memory plan (shares no code with placement.py).

A plan is valid when every buffer (one rectangle: size x [first, last]) has
an integer offset, lies inside [0, arena_bytes), and no two buffers that are
live at a common step share a byte, except a declared in-place pair
(x, y, step): x and y may share bytes if they start at the same offset and
`step` is the only step at which both are live. Buffers of size 0 hold no
bytes and so overlap nothing. Checking every
pair that shares a step (a sweep in order of first step) is O(n^2) at worst,
which is fine for a few hundred buffers and easy to trust.
Failures raise AssertionError explicitly, so `python -O` does not skip them.
"""
from __future__ import annotations

import numbers


def _require(ok: bool, msg: str) -> None:
    if not ok:
        raise AssertionError(msg)


def declared_inplace(steps, graph_inputs=(), graph_outputs=()) -> list[tuple[str, str, int]]:
    """(x, y, step index) for every step declaring in-place (x, y) with x neither a graph
    input nor a graph output (those are never overwritten)."""
    fixed = set(graph_inputs) | set(graph_outputs)
    return [(st.inplace[0], st.inplace[1], i) for i, st in enumerate(steps)
            if st.inplace is not None and st.inplace[0] not in fixed]


def _allowed(a, b, oa, ob, pairs) -> bool:
    """True if a and b form a declared in-place pair at their only common step, same offset."""
    if oa != ob:
        return False
    lo, hi = max(a.first, b.first), min(a.last, b.last)
    return lo == hi and ((a.name, b.name, lo) in pairs or (b.name, a.name, lo) in pairs)


def check(buffers, offsets: dict[str, int], arena_bytes: int, align: int = 1, inplace=()) -> None:
    """Return None if the plan is valid; otherwise raise AssertionError naming the fault.
    `inplace` holds the declared (x, y, step) pairs allowed to share bytes at that step."""
    pairs = {tuple(p) for p in inplace}
    seen = set()
    for b in buffers:
        _require(b.name not in seen, f"buffer '{b.name}' appears twice")
        seen.add(b.name)
        _require(b.name in offsets, f"buffer '{b.name}' has no offset")
        off = offsets[b.name]
        _require(isinstance(off, numbers.Integral) and not isinstance(off, bool),
                 f"buffer '{b.name}' offset {off!r} is not an int")
        _require(b.size >= 0, f"buffer '{b.name}' has negative size {b.size}")
        _require(b.first <= b.last, f"buffer '{b.name}' lives [{b.first}, {b.last}], first > last")
        _require(off >= 0, f"buffer '{b.name}' starts at {off} < 0")
        _require(off + b.size <= arena_bytes,
                 f"buffer '{b.name}' [{off}, {off + b.size}) ends past the arena of {arena_bytes} bytes")
        _require(off % align == 0, f"buffer '{b.name}' offset {off} is not a multiple of {align}")
    # every pair that shares a step: in order of first step, a meets each b starting by a.last
    live = sorted((b for b in buffers if b.size > 0), key=lambda b: b.first)
    for i, a in enumerate(live):
        for j in range(i + 1, len(live)):
            b = live[j]
            if b.first > a.last:
                break
            oa, ob = offsets[a.name], offsets[b.name]
            same_bytes = oa < ob + b.size and ob < oa + a.size
            _require(not same_bytes or _allowed(a, b, oa, ob, pairs),
                     f"buffers '{a.name}' [{oa}, {oa + a.size}) steps [{a.first}, {a.last}] and "
                     f"'{b.name}' [{ob}, {ob + b.size}) steps [{b.first}, {b.last}] overlap")
