"""Where the models of the shared folder (../shared/models, next to the repository) are.

A fresh clone has no shared/ folder: tests that need it skip with this reason. CI and the
work machines have it. $TINYC_SHARED overrides the search; otherwise the repository's parent
and grandparent are tried (a git worktree sits one level deeper than the main checkout).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def shared_dir() -> Path | None:
    env = os.environ.get("TINYC_SHARED")
    cands = [Path(env)] if env else [REPO.parent / "shared", REPO.parent.parent / "shared"]
    for c in cands:
        if (c / "models").is_dir():
            return c
    return None


def shared_path(rel: str) -> Path:
    """shared/<rel>, or pytest.skip with a clear reason when the shared folder is absent."""
    d = shared_dir()
    if d is None:
        pytest.skip("../shared (the shared models folder next to the repository) is absent: "
                    "this is a fresh clone; set TINYC_SHARED to run these tests")
    p = d / rel
    if not p.exists():
        pytest.fail(f"{p} is missing from the shared folder")
    return p
