"""Reading and checking the user's .npy files (calibration and run inputs) and writing outputs."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from tinyc.errors import TinycError

GENERATED_CALIB_SAMPLES = 32


def sample_shape(shape) -> tuple[int, ...]:
    """The shape of one sample in X.npy: the tensor's shape without its batch dim.

    The leading dim is the batch dim when the tensor has rank >= 2 and that dim is 1.
    A rank-1 (or rank-0) tensor has no batch dim: one sample is the whole tensor, and
    N samples stack along a new leading axis, (N, *shape)."""
    shape = tuple(int(d) for d in shape)
    return shape[1:] if len(shape) >= 2 and shape[0] == 1 else shape


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
    return _check_samples(x, shape, dtype, what, p)


def _check_samples(x: np.ndarray, shape: tuple[int, ...], dtype: str, what: str, p: Path) -> np.ndarray:
    """(N, *shape) samples of the right dtype (a lone sample without N counts as N = 1)."""
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


def load_sample_sets(path: str | Path, ports: list[tuple[str, tuple, str]], what: str) -> list[dict[str, np.ndarray]]:
    """Samples for every model input: a list (one per sample) of {input name: array of the tensor's shape}.

    `ports` lists (name, full tensor shape, dtype). A single-input model takes X.npy (or an .npz
    holding that input's name); a model with several inputs takes an .npz with one array per
    input name, each (N, *sample_shape), all with the same N."""
    p = Path(path)
    arrays = _npz_arrays(p, what) if _is_npz(p) else None
    if arrays is None:
        if len(ports) != 1:
            raise TinycError(f"the model has {len(ports)} inputs ({', '.join(n for n, _, _ in ports)}): "
                             f"give {what} data as an .npz with one array per input name", str(p))
        name, shape, dtype = ports[0]
        x = load_samples(p, sample_shape(shape), dtype, what)
        return [{name: xi.reshape(shape)} for xi in x]
    missing = [n for n, _, _ in ports if n not in arrays]
    if missing:
        raise TinycError(f"{what} .npz has no array for input(s) {', '.join(missing)} "
                         f"(it holds {', '.join(sorted(arrays)) or 'nothing'})", str(p))
    per = {n: _check_samples(arrays[n], sample_shape(s), dt, f"{what} '{n}'", p) for n, s, dt in ports}
    counts = {len(v) for v in per.values()}
    if len(counts) != 1:
        raise TinycError(f"{what} .npz arrays hold different sample counts {sorted(counts)}", str(p))
    return [{n: per[n][i].reshape(s) for n, s, _ in ports} for i in range(counts.pop())]


def _is_npz(p: Path) -> bool:
    try:
        with open(p, "rb") as f:
            return f.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _npz_arrays(p: Path, what: str) -> dict[str, np.ndarray]:
    try:
        with np.load(p, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except (ValueError, OSError, EOFError) as e:
        raise TinycError(f"{what} file is not a readable .npz ({str(e).splitlines()[0] if str(e) else type(e).__name__})",
                         str(p)) from None


def generated_samples(shape: tuple[int, ...], dtype: str, n: int = GENERATED_CALIB_SAMPLES,
                      seed: int = 0) -> np.ndarray:
    """Seeded stand-in data when no calibration file is given: N(0, 1) floats or uniform ints."""
    rng = np.random.default_rng(seed)
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
