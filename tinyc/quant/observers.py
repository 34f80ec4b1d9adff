"""Range observers for calibration: they watch a tensor's float values and give (min, max)."""
from __future__ import annotations

import numpy as np


class MinMax:
    """The running min and max over all calibration samples."""

    def __init__(self):
        self.lo = np.inf
        self.hi = -np.inf

    def update(self, x: np.ndarray) -> None:
        self.lo = min(self.lo, float(np.min(x)))
        self.hi = max(self.hi, float(np.max(x)))

    def range(self) -> tuple[float, float]:
        return self.lo, self.hi


class Percentile:
    """Clips outliers: the p-th and (100-p)-th percentiles of all values seen."""

    def __init__(self, p: float = 99.99, max_values: int = 2_000_000):
        self.p = p
        self.max_values = max_values
        self.values: list[np.ndarray] = []
        self.count = 0
        self.rng = np.random.default_rng(0)

    def update(self, x: np.ndarray) -> None:
        x = np.asarray(x, dtype=np.float32).reshape(-1)
        if self.count + x.size > self.max_values:  # keep memory bounded: subsample, seeded
            keep = max(1, self.max_values // 64)
            x = self.rng.choice(x, size=min(keep, x.size), replace=False)
        self.values.append(x)
        self.count += x.size

    def range(self) -> tuple[float, float]:
        v = np.concatenate(self.values)
        return float(np.percentile(v, 100.0 - self.p)), float(np.percentile(v, self.p))


OBSERVERS = {"minmax": MinMax, "percentile": Percentile}


def make_observer(name: str):
    return OBSERVERS[name]()


def asymmetric_qparams(lo: float, hi: float, qmin: int = -128, qmax: int = 127) -> tuple[np.float32, int]:
    """TFLite-style asymmetric int8 params for [lo, hi]: the range always contains 0,
    and 0 is exactly representable."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo < 1e-8:
        hi = lo + 1e-8
    scale = np.float32((hi - lo) / (qmax - qmin))
    zp = int(np.clip(np.round(qmin - lo / float(scale)), qmin, qmax))
    return scale, zp


def symmetric_scales(w: np.ndarray, axis: int, qmax: int = 127) -> np.ndarray:
    """Per-channel symmetric scales along `axis` (max |w| / 127, never 0)."""
    red = tuple(i for i in range(w.ndim) if i != axis)
    amax = np.max(np.abs(w), axis=red).astype(np.float64)
    return np.where(amax > 0, amax / qmax, 1.0).astype(np.float32)
