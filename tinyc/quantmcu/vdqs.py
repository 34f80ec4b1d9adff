"""VDQS: value-driven quantization search (per-map bit widths, greedy, no retraining).

Calibration (`calibrate`) runs int8 patch-based execution on calibration
samples and keeps, per (sample, patch, map), the peak max |q - zp| and the
256-bin histogram of the map's int8 values. Everything after that is exact
arithmetic on those numbers:

- entropy H_F(b): Shannon entropy (bits) of map F's b-bit codes over the
  non-outlier calibration patches (histogram mapped through F's grid);
- BitOPs(bits): the mean stage BitOPs per sample, outlier patches at 8 bits
  (reported beside the measured figures, not used to choose);
- cost(bits): the mean stage instructions per sample the C will spend,
  from the kernels' measured per-MAC cost at each input width
  (INSTR_PER_MAC), the pack per stored value (PACK_PER_VALUE), and outlier
  patches (a map below 8 bits over its threshold) re-run in int8 as
  sub-patches (RERUN x their int8 cost);
- `search`: from all maps at 8 bits, repeatedly apply the move (one map to
  any lower candidate width) that scores best,
      score = saved_cost / int8_stage_cost - LAMBDA * (H_F(b) - H_F(b')) / H_F(8),
  while the best score is positive. Each accepted move lowers the cost.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tinyc.quantmcu.execute import W_BITS, PatchedModel, Plan
from tinyc.quantmcu.pack import BITS, clip_range, grid_step, make_grid
from tinyc.quantmcu.vdpc import PERCENTILE, PERCENTILES, outlier_patches, peak, thresholds

LAMBDA = 0.225  # see tinyc/quantmcu/__init__.py for why

# Instructions per MAC of the kernel reading a map stored at b bits, measured in QEMU (mps2-an386, DSP
# build, docs/quantmcu.md "Cost"; MNIST 5:14s, the three 3x3 convs' sum over their MACs): the int8 conv
# (the specialised DSP kernels), tc_convolve_bp_s8 at 4 and 3 bits (two passes of up to two planes)
# and at 2 bits (one pass).
INSTR_PER_MAC = {8: 1.82, 4: 1.20, 3: 1.00, 2: 0.75}
# tc_quantmcu_bp_s8 (peak check + bit-plane store, with the streamed loop's halo-cache copies) per stored
# value, measured at 2 bits (MNIST 5:14s: 103,760 instructions for 12,544 values; 3 and 4 bits: 8.4, 9.3
# per value on the 16-channel maps)
PACK_PER_VALUE = 8.3
MU = 1.0  # weight of the planned work bytes saved, relative to int8's (only when the search is given memory)
RERUN = 1.5  # an outlier patch re-run as int8 sub-patches, over its int8 cost (the sub-patches' halos)


@dataclass
class Calibration:
    """What the search needs: peaks [N, P, M], hists [N, P, M, 256] (index q + 128), MACs."""

    maps: list  # FeatureMap, in node order
    peaks: np.ndarray
    hists: np.ndarray
    consumer_macs: np.ndarray  # [P, M]
    fixed_bitops: int  # per sample
    int8_bitops: int  # per sample, the whole stage at 8 bits
    patch_macs: np.ndarray | None = None  # [P] every stage node's MACs on each patch (None: consumer MACs only)
    map_values: np.ndarray | None = None  # [P, M] values of each map on each patch (None: no pack cost)
    stream: bool = False  # row bands (quantmcu/stream.py): an outlier band runs its main path, then the re-run
    ranges: dict = field(default_factory=dict)  # (map, bits, threshold) -> grid range (map_range's cache)

    def macs_of_patches(self) -> np.ndarray:
        return self.consumer_macs.sum(axis=1) if self.patch_macs is None else self.patch_macs


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
    values = np.array([[int(np.prod(pg.graph.tensors[fm.name].shape)) for fm in pm.maps] for pg in pm.patches],
                      dtype=np.int64).reshape(p, m) if not getattr(pm, "stream", False) else pm.map_values()
    return Calibration(pm.maps, peaks, hists, pm.consumer_macs(), pm.fixed_bitops(), pm.int8_stage_bitops(),
                       np.array([sum(row) for row in pm.macs], dtype=np.int64), values,
                       stream=getattr(pm, "stream", False))


def entropy(hist: np.ndarray) -> float:
    """Shannon entropy in bits of a histogram (0 for an empty one)."""
    h = hist[hist > 0].astype(np.float64)
    if h.size == 0:
        return 0.0
    p = h / h.sum()
    return float(-(p * np.log2(p)).sum())


def map_hist(cal: Calibration, t: np.ndarray, j: int) -> np.ndarray:
    """Counts of map j's int8 values over its non-outlier calibration patches (index q + 128)."""
    return cal.hists[..., j, :][cal.peaks[..., j] <= t[j]].sum(axis=0)


def map_range(cal: Calibration, t: np.ndarray, j: int, bits: int) -> int:
    """The range of map j's grid at `bits`: least squared error on its non-outlier calibration values
    (pack.clip_range; nonneg maps), else the threshold."""
    fm = cal.maps[j]
    if not fm.nonneg or bits >= 8:
        return int(t[j])
    key = (j, bits, int(t[j]))
    if key not in cal.ranges:
        cal.ranges[key] = clip_range(map_hist(cal, t, j), bits, fm.zp, int(t[j]))
    return cal.ranges[key]


def map_entropy(cal: Calibration, t: np.ndarray, j: int, bits: int) -> float:
    """H of map j's codes at `bits` over its non-outlier calibration patches."""
    hist = map_hist(cal, t, j)
    if bits >= 8:
        return entropy(hist)
    fm = cal.maps[j]
    codes = make_grid(bits, fm.zp, map_range(cal, t, j, bits), fm.nonneg).to_codes(np.arange(-128, 128))
    return entropy(np.bincount(codes.astype(np.int64), weights=hist, minlength=1 << bits))


def stage_bitops(cal: Calibration, t: np.ndarray, bits: list[int]) -> float:
    """Mean stage BitOPs per calibration sample with these per-map bits."""
    flag = outlier_patches(cal.peaks, t, bits)[..., None]  # [N, P, 1]
    b = np.where(flag, 8, np.asarray(bits)[None, None, :])
    return cal.fixed_bitops + float((b * cal.consumer_macs[None]).sum(axis=(1, 2)).mean()) * W_BITS


def stage_cost(cal: Calibration, t: np.ndarray, bits: list[int]) -> float:
    """Modelled stage instructions per calibration sample with these per-map bits (see the module docstring)."""
    c8 = INSTR_PER_MAC[8]
    pmacs = cal.macs_of_patches().astype(np.float64)  # [P]
    per_bit = np.array([INSTR_PER_MAC[b] for b in bits])  # [M]
    low = np.asarray(bits) < 8
    normal = (pmacs - cal.consumer_macs.sum(axis=1)) * c8 + (cal.consumer_macs * per_bit[None]).sum(axis=1)
    if cal.map_values is not None:
        normal = normal + (cal.map_values * low[None]).sum(axis=1) * PACK_PER_VALUE
    out = outlier_patches(cal.peaks, t, bits)  # [N, P]
    rerun = pmacs[None] * c8 * RERUN + (normal[None] if cal.stream else 0)
    cost = np.where(out, rerun, normal[None])
    return float(cost.sum(axis=1).mean())


def search(cal: Calibration, t: np.ndarray, lam: float = LAMBDA, candidates=BITS, options=None, memory=None):
    """(bits per map, trace): greedy VDQS on the measured-cost model; trace lists (map, bits, cost, score)
    of each accepted move: one map to a lower candidate width and, when `options` (alternative
    threshold vectors [M], e.g. other percentiles) is given, to one of them as its threshold; t
    (int64 [M]) is then updated in place to the chosen thresholds. memory(bits) -> planned work bytes
    adds MU * saved_work / int8_work to the score (the plan chooser's packed-buffer planning)."""
    bits = [8] * len(cal.maps)
    tvals = [np.asarray(t)] + [np.asarray(o) for o in (options or [])]
    h8 = [map_entropy(cal, t, j, 8) for j in range(len(cal.maps))]

    def allowed(j: int, tj: int):
        m = cal.maps[j]
        return [c for c in candidates if c < 8 and m.codes and c in INSTR_PER_MAC and grid_step(c, m.zp, tj) >= 1]
    int8 = stage_cost(cal, t, bits)
    cost = int8
    mem8 = memory(tuple(bits)) if memory is not None else 1
    mem = mem8
    trace = []
    while True:
        best = None
        for j, b in enumerate(bits):
            here = map_entropy(cal, t, j, b)
            for tj in sorted({int(v[j]) for v in tvals}):
                tt = t.copy()
                tt[j] = tj
                for nb in (c for c in allowed(j, tj) if c < b):
                    trial = bits[:j] + [nb] + bits[j + 1:]
                    new_cost = stage_cost(cal, tt, trial)
                    new_mem = memory(tuple(trial)) if memory is not None else mem
                    lost = (here - map_entropy(cal, tt, j, nb)) / h8[j] if h8[j] > 0 else 0.0
                    score = (cost - new_cost) / int8 + MU * (mem - new_mem) / mem8 - lam * lost
                    if (new_cost < cost or new_mem < mem) and (best is None or score > best[0]):
                        best = (score, j, nb, tj, new_cost, new_mem)
        if best is None or best[0] <= 0:
            return bits, trace
        score, j, nb, tj, cost, mem = best
        bits[j] = nb
        t[j] = tj
        trace.append((cal.maps[j].name, nb, cost, score))


def build_plan(pm: PatchedModel, samples, percentile: float = PERCENTILE, lam: float = LAMBDA, memory=None):
    """(Plan, Calibration, trace): VDPC thresholds + VDQS bits calibrated on samples; each map's
    threshold is its calibration peaks' `percentile`-th percentile or, if the search prefers, one of
    PERCENTILES."""
    cal = calibrate(pm, samples)
    t = thresholds(cal.peaks, percentile)
    options = [thresholds(cal.peaks, p) for p in PERCENTILES if p != percentile]
    if memory is None:
        bits, trace = search(cal, t, lam, options=options)
    else:
        names = [m.name for m in pm.maps]
        bits, trace = search(cal, t, lam, options=options, memory=lambda b: memory(dict(zip(names, b))))
    names = [m.name for m in pm.maps]
    ranges = {names[j]: map_range(cal, t, j, b) for j, b in enumerate(bits) if b < 8}
    return Plan(dict(zip(names, map(int, t))), dict(zip(names, bits)), ranges), cal, trace


def quantmcu_plan(g, split: int, grid: tuple[int, int], samples, memory=None, stream: bool = False) -> dict:
    """The pipeline's QuantMCU step (patch plan split/grid on g, calibration samples of g's input;
    stream: grid[0] row bands, tinyc/quantmcu/stream.py): {'plan': Plan, 'report': what report.json
    states (thresholds, bits per map, patch-stage BitOPs)}."""
    if stream:
        from tinyc.quantmcu.stream import StreamedModel
        pm = StreamedModel(g, split, grid[0])
    else:
        pm = PatchedModel(g, split, *grid)
    if not pm.maps:  # a one-node stage: nothing to store below 8 bits
        plan, mean, trace = Plan({}, {}), float(pm.int8_stage_bitops()), []
        cost = {}
    else:
        plan, cal, trace = build_plan(pm, list(samples), PERCENTILE, LAMBDA, memory)  # read at call time
        t = np.array([plan.thresholds[m.name] for m in pm.maps], dtype=np.int64)
        bits = [plan.bits_of(m.name) for m in pm.maps]
        mean = stage_bitops(cal, t, bits)
        out = outlier_patches(cal.peaks, t, bits)
        cost = dict(stage_instructions_modelled_int8=stage_cost(cal, t, [8] * len(bits)),
                    stage_instructions_modelled=stage_cost(cal, t, bits),
                    outlier_patch_share_calibration=float(out.mean()))
    rep = dict(
        percentile=PERCENTILE, lam=LAMBDA, calibration_samples=len(samples),
        maps=[dict(name=m.name, threshold=plan.thresholds[m.name], bits=plan.bits_of(m.name), nonneg=m.nonneg,
                   range=plan.range_of(m.name)) for m in pm.maps],
        thresholds=dict(plan.thresholds), bits=dict(plan.bits), ranges=dict(plan.ranges),
        stage_bitops_int8=int(pm.int8_stage_bitops()), stage_bitops_calibration_mean=float(mean),
        stage_bitops_ratio=float(pm.int8_stage_bitops() / mean) if mean else 1.0,
        search_steps=[dict(map=m, bits=int(b), stage_instructions_modelled=float(c), score=float(s))
                      for m, b, c, s in trace], **cost)
    return dict(plan=plan, report=rep)
