"""Reading and checking the user's .npy files (calibration and run inputs) and writing outputs."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from tinyc.errors import TinycError

GENERATED_CALIB_SAMPLES = 32


def load_samples(path: str | Path, shape: tuple[int, ...], dtype: str, what: str) -> np.ndarray:
    """Load X.npy of shape (N, *shape) and check it: N >= 1, right rank/shape/dtype, finite.

    `shape` is the model input shape without its batch dim. A file holding exactly
    one sample without the leading N (shape == `shape`) is accepted as N = 1.
    """
    p = Path(path)
    if not p.exists():
        raise TinycError(f"{what} file not found", str(p))
    if p.is_dir():
        raise TinycError(f"{what} file is a directory", str(p))
    try:
        x = np.load(p, allow_pickle=False)
    except (ValueError, OSError, EOFError) as e:
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise TinycError(f"{what} file is not a readable .npy array ({reason})", str(p)) from None
    if not isinstance(x, np.ndarray):
        raise TinycError(f"{what} file holds no single array", str(p))
    if tuple(x.shape) == tuple(shape):
        x = x[None]
    want = f"(N, {', '.join(map(str, shape))})"
    if x.ndim != len(shape) + 1 or tuple(x.shape[1:]) != tuple(shape):
        raise TinycError(f"{what} data has shape {tuple(x.shape)}, expected {want}", str(p))
    if x.shape[0] == 0:
        raise TinycError(f"{what} data is empty (N = 0), expected {want}", str(p))
    if dtype == "float32":
        if x.dtype.kind not in "fiu":
            raise TinycError(f"{what} data has dtype {x.dtype}, expected float32", str(p))
        if x.dtype.kind == "f" and not np.all(np.isfinite(x)):
            raise TinycError(f"{what} data contains NaN or Inf", str(p))
        return x.astype(np.float32)
    if x.dtype != np.dtype(dtype):
        if x.dtype.kind in "iu" and x.size and x.min() >= np.iinfo(dtype).min and x.max() <= np.iinfo(dtype).max:
            return x.astype(dtype)
        raise TinycError(f"{what} data has dtype {x.dtype}, expected {dtype}", str(p))
    return x


def generated_samples(shape: tuple[int, ...], dtype: str, n: int = GENERATED_CALIB_SAMPLES) -> np.ndarray:
    """Seeded stand-in data when no calibration file is given: N(0, 1) floats or uniform ints."""
    rng = np.random.default_rng(0)
    if dtype == "float32":
        return rng.standard_normal((n, *shape)).astype(np.float32)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max + 1, (n, *shape)).astype(dtype)


def save_outputs(path: str | Path, names: list[str], arrays: list[np.ndarray]) -> None:
    """One output: Y.npy. Several: an .npz with one array per output name."""
    p = Path(path)
    try:
        if len(arrays) == 1:
            with open(p, "wb") as f:
                np.save(f, arrays[0])
        else:
            with open(p, "wb") as f:
                np.savez(f, **{n: a for n, a in zip(names, arrays)})
    except OSError as e:
        raise TinycError(f"cannot write output: {e.strerror}", str(p)) from None
