"""Progress on stderr for the steps that can take more than a second (calibration, searches,
builds, QEMU runs), drawn by rich. Silent when stderr is not a terminal (pipes, CI, tests) or
after quiet(True) (`--quiet`): then these helpers cost nothing and print nothing.

    with step("building for mps2-an386"):      # a spinner with the elapsed time
        ...
    for s in track(samples, "calibrating"):     # a bar with a count
        ...
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

_quiet = False


def quiet(on: bool = True) -> None:
    """Silence (or re-enable) progress for this process."""
    global _quiet
    _quiet = on


def _terminal():
    from rich.console import Console
    return Console(stderr=True)


def _console():
    """The stderr console when progress should show, else None."""
    if _quiet:
        return None
    con = _terminal()
    return con if con.is_terminal else None


@contextlib.contextmanager
def step(label: str) -> Iterator[None]:
    """A transient spinner with `label` and the elapsed time while the block runs."""
    con = _console()
    if con is None:
        yield
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=con, transient=True) as p:
        p.add_task(label, total=None)
        yield


def track(items: Iterable, label: str, total: int | None = None) -> Iterator:
    """Iterate items with a transient progress bar (count and elapsed time)."""
    con = _console()
    if con is None:
        yield from items
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    if total is None:
        try:
            total = len(items)  # type: ignore[arg-type]
        except TypeError:
            total = None
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=con, transient=True) as p:
        task = p.add_task(label, total=total)
        for x in items:
            yield x
            p.advance(task)
