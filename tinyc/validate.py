"""Checks of the user's paths and data that run before any work starts.

Every failure is a one-line TinycError (exit status 2); `warn` prints one line on
stderr for input that is legal but likely wrong.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

from tinyc.errors import TinycError

PLOT_FORMATS = (".png", ".pdf", ".svg")
# calibration: warn when this share of the input's values lands on one int8 level
COLLAPSED_SHARE = 0.99


def warn(msg: str) -> None:
    print(f"tinyc: warning: {msg}", file=sys.stderr)


def output_file(path, option: str) -> Path:
    """`path` can be written as a file: its folder exists and is writable, and it is not a folder
    or a read-only file. Nothing is created."""
    p = Path(path)
    if str(path) == "" or p.name in ("", ".", ".."):
        raise TinycError("expected a file name", f"{option} {path}")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise TinycError(f"folder {parent} does not exist", f"{option} {path}")
    if p.is_dir():
        raise TinycError("is a directory, expected a file", f"{option} {path}")
    if p.exists() and not os.access(p, os.W_OK):
        raise TinycError("file is not writable", f"{option} {path}")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise TinycError(f"folder {parent} is not writable", f"{option} {path}")
    return p


def plot_file(path) -> Path:
    """A writable --plot path whose extension names a format tinyc draws."""
    p = output_file(path, "--plot")
    if p.suffix.lower() not in PLOT_FORMATS:
        raise TinycError(f"unknown plot format '{p.suffix or '(none)'}' (use {', '.join(PLOT_FORMATS)})",
                         f"--plot {path}")
    return p


def input_file(path, option: str) -> Path:
    """An existing, readable file (its contents are checked against the model later)."""
    p = Path(path)
    if not p.exists():
        raise TinycError("file not found", f"{option} {path}")
    if p.is_dir():
        raise TinycError("is a directory, expected a .npy file", f"{option} {path}")
    if not os.access(p, os.R_OK):
        raise TinycError("file is not readable", f"{option} {path}")
    return p


def calibration_range(x: np.ndarray, path) -> None:
    """Warn when the calibration data would make the int8 input useless: a constant input, or a
    range set by a few outliers (1e30 next to values of order 1) so that nearly every value lands
    on one int8 level."""
    x = np.asarray(x, np.float64).reshape(-1)
    if x.size == 0:
        return
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)  # the int8 range holds 0
    if float(x.min()) == float(x.max()):
        warn(f"{path}: calibration data is constant ({x[0]:.3g}): the model input's int8 range is a guess")
        return
    scale = (hi - lo) / 255.0
    levels = np.round((x - lo) / scale).astype(np.int64)
    share = np.bincount(levels).max() / x.size
    if x.size >= 100 and share >= COLLAPSED_SHARE:
        warn(f"{path}: {100 * share:.1f}% of the calibration values fall on one int8 level (range "
             f"[{lo:.3g}, {hi:.3g}], step {scale:.3g}): a few extreme values set the input range; check the "
             "data, or use --observer percentile")
