"""VDQS: value-driven quantization search (per-map bit widths, greedy, no retraining).

Calibration (`calibrate`) runs int8 patch-based execution on calibration
samples and keeps, per (sample, patch, map), the peak max |q - zp| and the
256-bin histogram of the map's int8 values. Everything after that is exact
arithmetic on those numbers:

- entropy H_F(b): Shannon entropy (bits) of map F's b-bit codes over the
  non-outlier calibration patches (histogram mapped through F's grid);
- BitOPs(bits): the mean stage BitOPs per sample, outlier patches at 8 bits;
- `search`: from all maps at 8 bits, repeatedly lower the map whose next
  step down (8 -> 6 -> 4 -> 2) scores best,
      score = saved_BitOPs / int8_stage_BitOPs - LAMBDA * (H_F(b) - H_F(b')) / H_F(8),
  while the best score is positive. Each accepted step lowers BitOPs.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tinyc.quantmcu.execute import W_BITS, PatchedModel, Plan
from tinyc.quantmcu.pack import BITS, grid_step, make_grid
from tinyc.quantmcu.vdpc import PERCENTILE, outlier_patches, peak, thresholds

LAMBDA = 0.3  # see tinyc/quantmcu/__init__.py for why


@dataclass
class Calibration:
    """What the search needs: peaks [N, P, M], hists [N, P, M, 256] (index q + 128), MACs."""

    maps: list  # FeatureMap, in node order
    peaks: np.ndarray
    hists: np.ndarray
    consumer_macs: np.ndarray  # [P, M]
    fixed_bitops: int  # per sample
    int8_bitops: int  # per sample, the whole stage at 8 bits


def calibrate(pm: PatchedModel, samples) -> Calibration:
    """Run int8 patch-based execution on every sample and record peaks and histograms."""
    n, p, m = len(samples), len(pm.patches), len(pm.maps)
    peaks = np.zeros((n, p, m), dtype=np.int64)
    hists = np.zeros((n, p, m, 256), dtype=np.int64)
    idx = {fm.name: j for j, fm in enumerate(pm.maps)}
    for s, x in enumerate(samples):
        def observe(pi, fm, y, s=s):
            peaks[s, pi, idx[fm.name]] = peak(y, fm.zp)
            hists[s, pi, idx[fm.name]] = np.bincount(y.reshape(-1).astype(np.int64) + 128, minlength=256)
        pm.run(x, None, observe)
    return Calibration(pm.maps, peaks, hists, pm.consumer_macs(), pm.fixed_bitops(), pm.int8_stage_bitops())


def entropy(hist: np.ndarray) -> float:
    """Shannon entropy in bits of a histogram (0 for an empty one)."""
    h = hist[hist > 0].astype(np.float64)
    if h.size == 0:
        return 0.0
    p = h / h.sum()
    return float(-(p * np.log2(p)).sum())


def map_entropy(cal: Calibration, t: np.ndarray, j: int, bits: int) -> float:
    """H of map j's codes at `bits` over its non-outlier calibration patches."""
    keep = cal.peaks[..., j] <= t[j]
    hist = cal.hists[..., j, :][keep].sum(axis=0)
    if bits >= 8:
        return entropy(hist)
    fm = cal.maps[j]
    codes = make_grid(bits, fm.zp, int(t[j]), fm.nonneg).to_codes(np.arange(-128, 128))
    return entropy(np.bincount(codes.astype(np.int64), weights=hist, minlength=1 << bits))


def stage_bitops(cal: Calibration, t: np.ndarray, bits: list[int]) -> float:
    """Mean stage BitOPs per calibration sample with these per-map bits."""
    flag = outlier_patches(cal.peaks, t, bits)[..., None]  # [N, P, 1]
    b = np.where(flag, 8, np.asarray(bits)[None, None, :])
    return cal.fixed_bitops + float((b * cal.consumer_macs[None]).sum(axis=(1, 2)).mean()) * W_BITS


def search(cal: Calibration, t: np.ndarray, lam: float = LAMBDA, candidates=BITS):
    """(bits per map, trace): greedy VDQS; trace lists (map, bits, BitOPs, score) of each accepted step."""
    bits = [8] * len(cal.maps)
    h8 = [map_entropy(cal, t, j, 8) for j in range(len(cal.maps))]
    allowed = [[c for c in candidates if c == 8 or (m.codes and grid_step(c, m.zp, int(t[j])) >= 1)]
               for j, m in enumerate(cal.maps)]
    cost = stage_bitops(cal, t, bits)
    trace = []
    while True:
        best = None
        for j, b in enumerate(bits):
            lower = [c for c in allowed[j] if c < b]
            if not lower:
                continue
            nb = max(lower)
            trial = bits[:j] + [nb] + bits[j + 1:]
            new_cost = stage_bitops(cal, t, trial)
            lost = (map_entropy(cal, t, j, b) - map_entropy(cal, t, j, nb)) / h8[j] if h8[j] > 0 else 0.0
            score = (cost - new_cost) / cal.int8_bitops - lam * lost
            if new_cost < cost and (best is None or score > best[0]):
                best = (score, j, nb, new_cost)
        if best is None or best[0] <= 0:
            return bits, trace
        score, j, nb, cost = best
        bits[j] = nb
        trace.append((cal.maps[j].name, nb, cost, score))


def build_plan(pm: PatchedModel, samples, percentile: float = PERCENTILE, lam: float = LAMBDA):
    """(Plan, Calibration, trace): VDPC thresholds + VDQS bits calibrated on samples."""
    cal = calibrate(pm, samples)
    t = thresholds(cal.peaks, percentile)
    bits, trace = search(cal, t, lam)
    names = [m.name for m in pm.maps]
    return Plan(dict(zip(names, map(int, t))), dict(zip(names, bits))), cal, trace


def quantmcu_plan(g, split: int, grid: tuple[int, int], samples) -> dict:
    """The pipeline's QuantMCU step (patch plan split/grid on g, calibration samples of g's input):
    {'plan': Plan, 'report': what report.json states (thresholds, bits per map, patch-stage BitOPs)}."""
    pm = PatchedModel(g, split, *grid)
    if not pm.maps:  # a one-node stage: nothing to store below 8 bits
        plan, mean, trace = Plan({}, {}), float(pm.int8_stage_bitops()), []
    else:
        plan, cal, trace = build_plan(pm, list(samples), PERCENTILE, LAMBDA)  # read at call time
        t = np.array([plan.thresholds[m.name] for m in pm.maps], dtype=np.int64)
        mean = stage_bitops(cal, t, [plan.bits_of(m.name) for m in pm.maps])
    rep = dict(
        percentile=PERCENTILE, lam=LAMBDA, calibration_samples=len(samples),
        maps=[dict(name=m.name, threshold=plan.thresholds[m.name], bits=plan.bits_of(m.name), nonneg=m.nonneg)
              for m in pm.maps],
        thresholds=dict(plan.thresholds), bits=dict(plan.bits),
        stage_bitops_int8=int(pm.int8_stage_bitops()), stage_bitops_calibration_mean=float(mean),
        stage_bitops_ratio=float(pm.int8_stage_bitops() / mean) if mean else 1.0,
        search_steps=[dict(map=m, bits=int(b), stage_bitops=float(c), score=float(s)) for m, b, c, s in trace])
    return dict(plan=plan, report=rep)
