"""VDPC: value-driven patch classification.

Offline, each feature map F gets a threshold T_F on max |q - zp| over a patch:
the PERCENTILE-th percentile of that peak over all calibration patches
(int8 patch-based execution of the calibration images), rounded up. At run
time a patch is an outlier when a map stored below 8 bits has a peak above its
threshold: the whole patch then runs in int8 (maps kept at 8 bits are not checked).
"""
from __future__ import annotations

import numpy as np

PERCENTILE = 90.0
PERCENTILES = (90.0, 99.0, 100.0)  # the thresholds the VDQS search may choose among, per map (vdqs.search)


def peak(y: np.ndarray, zp: int) -> int:
    """max |q - zp| over a patch's values of one map (0 for an empty patch)."""
    return int(np.abs(y.astype(np.int64) - zp).max(initial=0))


def is_outlier(y: np.ndarray, zp: int, threshold: int) -> bool:
    """The run-time check: does this patch's map hold a value beyond the threshold?"""
    return peak(y, zp) > threshold


def thresholds(peaks: np.ndarray, percentile: float = PERCENTILE) -> np.ndarray:
    """int64 [maps]: per-map thresholds from peaks [..., maps] (any leading calibration-patch axes)."""
    p = peaks.reshape(-1, peaks.shape[-1]).astype(np.float64)
    return np.maximum(np.ceil(np.percentile(p, percentile, axis=0)), 1).astype(np.int64)


def outlier_patches(peaks: np.ndarray, t: np.ndarray, bits) -> np.ndarray:
    """bool [...]: the patch is an outlier (some map below 8 bits is over its threshold); peaks [..., maps]."""
    low = np.asarray(bits) < 8
    return ((peaks > t) & low).any(axis=-1)
