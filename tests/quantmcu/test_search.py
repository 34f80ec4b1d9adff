"""VDPC thresholds / classification and the VDQS search, on hand-made calibration data.

Oracles: numpy.percentile for the thresholds, hand-computed outlier flags,
log2 for entropies, and the search's own contract (each accepted step
lowers BitOPs with a positive score; lambda 0 and lambda -> inf extremes).
"""
import numpy as np
import pytest

from tinyc.quantmcu.execute import FeatureMap
from tinyc.quantmcu.vdpc import is_outlier, outlier_patches, peak, thresholds
from tinyc.quantmcu.vdqs import (INSTR_PER_MAC, PACK_PER_VALUE, RERUN, Calibration, entropy, map_entropy, search,
                                  stage_bitops, stage_cost)


def test_thresholds_are_percentiles():
    peaks = np.array([[[1, 10]], [[2, 20]], [[3, 30]], [[100, 40]]])  # [N, P=1, M=2]
    assert thresholds(peaks, 50).tolist() == [3, 25]  # ceil of 2.5 and 25
    assert thresholds(peaks, 100).tolist() == [100, 40]
    assert thresholds(np.zeros((4, 1, 2)), 90).tolist() == [1, 1]  # never below 1


def test_outlier_patch_needs_a_low_map_over_threshold():
    """A patch is an outlier (re-run in int8) when a map stored below 8 bits is over its threshold;
    maps kept at 8 bits are not checked."""
    t = np.array([5, 5, 5])
    peaks = np.array([[6, 0, 0], [0, 6, 0], [0, 0, 0], [5, 5, 6]])
    assert outlier_patches(peaks, t, [2, 2, 2]).tolist() == [1, 1, 0, 1]
    assert outlier_patches(peaks, t, [8, 2, 4]).tolist() == [0, 1, 0, 1]
    assert outlier_patches(peaks, t, [8, 8, 8]).tolist() == [0, 0, 0, 0]


def test_runtime_check():
    y = np.array([-128, -100, -60], dtype=np.int8)
    assert peak(y, -128) == 68
    assert is_outlier(y, -128, 67) and not is_outlier(y, -128, 68)


def test_entropy():
    assert entropy(np.array([5, 5, 5, 5])) == pytest.approx(2.0)
    assert entropy(np.array([0, 9, 0])) == 0.0 and entropy(np.zeros(3)) == 0.0


def fake_calibration(seed=0, n=16, p=4):
    """Two ReLU maps read by bit-plane convs; map 1 feeds 3x the MACs of map 0; ~1 patch in 8 has a large peak."""
    rng = np.random.default_rng(seed)
    maps = [FeatureMap("a", -128, True, codes=True), FeatureMap("b", -128, True, codes=True)]
    hists = np.zeros((n, p, 2, 256), dtype=np.int64)
    peaks = np.zeros((n, p, 2), dtype=np.int64)
    for i in range(n):
        for k in range(p):
            for j in range(2):
                q = np.clip(rng.exponential(30 + 20 * j, 500), 0, 255).astype(int) - 128
                if rng.random() < 0.125:
                    q[0] = 127
                hists[i, k, j] = np.bincount(q + 128, minlength=256)
                peaks[i, k, j] = q.max() + 128
    macs = np.tile(np.array([[1000, 3000]]), (p, 1))
    return Calibration(maps, peaks, hists, macs, 0, int(macs.sum()) * 64)


def test_entropy_never_grows_with_fewer_bits():
    """b-bit codes are a function of the int8 values (data processing inequality)."""
    cal = fake_calibration()
    t = thresholds(cal.peaks, 90)
    for j in range(2):
        h = [map_entropy(cal, t, j, b) for b in (8, 6, 4, 2)]
        assert all(a >= b - 1e-12 for a, b in zip(h, h[1:])) and h[-1] > 0


@pytest.mark.parametrize("lam", [0.0, 0.1, 0.3, 0.5, 1.0])
def test_search_steps_lower_cost(lam):
    """Every accepted move lowers the modelled instructions, with a positive score."""
    cal = fake_calibration()
    t = thresholds(cal.peaks, 90)
    bits, trace = search(cal, t, lam)
    costs = [stage_cost(cal, t, [8, 8])] + [c for _, _, c, _ in trace]
    assert all(a > b for a, b in zip(costs, costs[1:]))
    assert all(s > 0 for *_, s in trace)
    assert stage_cost(cal, t, bits) == pytest.approx(costs[-1])
    assert all(b in (8, 6, 4, 2) for b in bits)


def test_search_extremes_and_order():
    """lambda 0: every map to 2 bits; huge lambda: none lowered; BitOPs grow with lambda here."""
    cal = fake_calibration()
    t = thresholds(cal.peaks, 90)
    assert search(cal, t, 0.0)[0] == [2, 2]
    assert search(cal, t, 1e6)[0] == [8, 8]
    costs = [stage_cost(cal, t, search(cal, t, lam)[0]) for lam in (0.0, 0.2, 0.5, 1.0, 3.0)]
    assert all(a <= b for a, b in zip(costs, costs[1:]))


def test_only_maps_read_by_bit_plane_kernels_go_below_8_bits():
    """A map whose readers cannot compute on codes (codes=False) stays at 8 bits whatever lambda."""
    cal = fake_calibration()
    cal.maps[0] = FeatureMap("a", -128, True, codes=False)
    t = thresholds(cal.peaks, 90)
    assert search(cal, t, 0.0)[0] == [8, 2]


def test_cost_model_by_hand():
    """stage_cost: normal patches at the measured per-MAC cost of each map's width plus the pack per
    stored value; a patch with a map below 8 bits over its threshold costs RERUN x its int8 MACs."""
    maps = [FeatureMap("a", -128, True, codes=True), FeatureMap("b", -128, True, codes=True)]
    peaks = np.array([[[10, 10], [10, 50]]])  # one sample, two patches; patch 1 over t on map b
    cal = Calibration(maps, peaks, np.zeros((1, 2, 2, 256), dtype=np.int64), np.array([[100, 200], [100, 200]]),
                      0, 0, np.array([400, 400]), np.array([[30, 40], [30, 40]]))
    t = np.array([20, 20])
    c8, c2 = INSTR_PER_MAC[8], INSTR_PER_MAC[2]
    assert stage_cost(cal, t, [8, 8]) == pytest.approx(2 * 400 * c8)  # nothing below 8 bits: no check
    normal0 = 100 * c8 + 100 * c2 + 200 * c8 + 30 * PACK_PER_VALUE
    assert stage_cost(cal, t, [2, 8]) == pytest.approx(2 * normal0)
    normal1 = 100 * c8 + 100 * c8 + 200 * c2 + 40 * PACK_PER_VALUE
    assert stage_cost(cal, t, [8, 2]) == pytest.approx(normal1 + 400 * c8 * RERUN)
