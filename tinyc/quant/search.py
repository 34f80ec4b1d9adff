"""Layer-wise mixed-precision search (--precision mixed).

Sensitivity: for every conv / depthwise / fc layer and each of (4, 8) and
(8, 16), the output SQNR (dB, against the float reference on the calibration
samples) of the int8 graph with only that layer changed. Each change adds a
noise power delta = P / 10^(SQNR/10) - N_int8 (negative when it helps); the
prediction for a whole assignment adds the deltas to the int8 noise.

Greedy choice, in this order:
1. flash: while the weights exceed --flash-budget, switch to (4, 8) the layer
   with the least added noise per byte saved (error if that cannot be done);
2. SRAM: upgrade layers to (8, 16), most noise removed first, while the real
   planner's arena stays within --sram-budget (default: the int8 arena, so
   mixed never needs more SRAM than int8) and the weights within the flash budget;
3. without --flash-budget: further (4, 8) switches, least noise per byte
   first, while the predicted SQNR stays within 1 dB of the int8 graph's;
   then, while the measured SQNR is more than 1 dB below int8's, the last
   of these switches are undone.
Every move must keep the arena within the SRAM budget: the int4 kernels do not
run in place, so a 4-bit layer can grow the arena as well.
Afterwards `search` returns the bits per layer and the numbers report.json shows.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field

import numpy as np

from tinyc.errors import TinycError
from tinyc.ir import Graph
from tinyc.quant.mixed import apply_bits, weighted_nodes, weights_bytes

MAX_DROP_DB = 1.0  # default (no --flash-budget): most predicted SQNR loss for smaller weights
MAX_SAMPLES = 16  # calibration samples used to measure sensitivities


@dataclass
class Choice:
    bits: dict[str, tuple[int, int]]
    int8_sqnr_db: float
    predicted_sqnr_db: float
    measured_sqnr_db: float
    layer_sqnr_db: dict[str, dict[str, float]] = field(default_factory=dict)  # node -> "w4a8"/"w8a16" -> dB

    def summary(self) -> dict:
        return dict(int8_sqnr_db=self.int8_sqnr_db, predicted_sqnr_db=self.predicted_sqnr_db,
                    measured_sqnr_db=self.measured_sqnr_db, max_drop_db=MAX_DROP_DB,
                    layers={k: dict(weight_bits=b[0], act_bits=b[1], sensitivity_sqnr_db=self.layer_sqnr_db.get(k, {}))
                            for k, b in self.bits.items()})


def output_sqnr(fg: Graph, g: Graph, samples) -> tuple[float, float]:
    """(SQNR dB of g's first output against the float reference, signal power), over the samples."""
    from tinyc.float_ref import run_float
    from tinyc.ref import run_int
    sig = noise = 0.0
    for s in samples:
        r = run_float(fg, s)[fg.outputs[0]].astype(np.float64)
        o = run_int(g, s)[g.outputs[0]].astype(np.float64)
        sig += float(np.sum(r ** 2))
        noise += float(np.sum((r - o) ** 2))
    return 10 * np.log10(sig / max(noise, 1e-30)), sig


def _noise(sig: float, db: float) -> float:
    return sig / 10 ** (db / 10)


def _check_budgets(fg: Graph, q8: Graph, arena_of, flash_budget, sram_budget) -> None:
    """Fail early (before measuring anything) when no assignment can meet the budgets."""
    if flash_budget is not None:
        wb = weights_bytes(apply_bits(fg, q8, {n.name: (4, 8) for n in weighted_nodes(q8)}))
        if wb > flash_budget:
            raise TinycError(f"{flash_budget} bytes is too small: all layers at 4-bit weights "
                             f"still need {wb} bytes of weights", "--flash-budget")
    if sram_budget is not None and arena_of(q8) > sram_budget:
        raise TinycError(f"{sram_budget} bytes is below the int8 arena ({arena_of(q8)} bytes); "
                         "mixed precision cannot lower it", "--sram-budget")


class _Search:
    """The search's state: int8 baseline, per-layer noise deltas, current bits, budgets."""

    def __init__(self, fg: Graph, q8: Graph, samples, arena_of, flash_budget, sram_budget):
        self.fg, self.q8, self.samples, self.arena_of = fg, q8, samples, arena_of
        self.flash = flash_budget
        self.sram = arena_of(q8) if sram_budget is None else sram_budget
        self.s0, self.sig = output_sqnr(fg, q8, samples)
        self.layers = [n.name for n in weighted_nodes(q8)]
        self.delta: dict[tuple[str, tuple[int, int]], float] = {}
        self.sens: dict[str, dict[str, float]] = {}
        for name in self.layers:
            for b in ((4, 8), (8, 16)):
                db, _ = output_sqnr(fg, apply_bits(fg, q8, {name: b}), samples)
                self.delta[name, b] = _noise(self.sig, db) - _noise(self.sig, self.s0)
                self.sens.setdefault(name, {})[f"w{b[0]}a{b[1]}"] = round(float(db), 3)
        w = {n.name: q8.tensors[n.inputs[1]].size for n in weighted_nodes(q8)}
        self.by_cost = sorted(self.layers, key=lambda k: self.delta[k, (4, 8)] / max(w[k] - (w[k] + 1) // 2, 1))
        self.bits = {name: (8, 8) for name in self.layers}

    def predicted(self, bits) -> float:
        tot = _noise(self.sig, self.s0) + sum(self.delta[k, b] for k, b in bits.items() if b != (8, 8))
        return float(10 * np.log10(self.sig / max(tot, 1e-30 * self.sig)))

    def fits(self, bits, check_flash: bool = False) -> bool:
        g = apply_bits(self.fg, self.q8, bits)
        if check_flash and self.flash is not None and weights_bytes(g) > self.flash:
            return False
        return self.arena_of(g) <= self.sram  # int4 kernels do not run in place: 4-bit can grow it too

    def measured(self) -> float:
        return output_sqnr(self.fg, apply_bits(self.fg, self.q8, self.bits), self.samples)[0]

    def meet_flash(self) -> None:
        """Step 1: (4, 8) moves, least noise per byte first, until the weights fit --flash-budget."""
        for k in self.by_cost:
            if weights_bytes(apply_bits(self.fg, self.q8, self.bits)) <= self.flash:
                return
            if self.fits(dict(self.bits, **{k: (4, 8)})):
                self.bits[k] = (4, 8)
        if weights_bytes(apply_bits(self.fg, self.q8, self.bits)) > self.flash:
            raise TinycError(f"cannot meet {self.flash} bytes of weights within {self.sram} bytes of arena "
                             "(4-bit layers do not run in place)", "--flash-budget")

    def upgrade_16(self) -> None:
        """Step 2: (8, 16) moves that help, most first, within both budgets."""
        for k in sorted(self.layers, key=lambda k: self.delta[k, (8, 16)]):
            trial = dict(self.bits, **{k: (8, 16)})
            if self.bits[k] == (8, 8) and self.delta[k, (8, 16)] < 0 and self.fits(trial, check_flash=True):
                self.bits = trial

    def default_int4(self) -> None:
        """Step 3: (4, 8) moves within MAX_DROP_DB predicted; then undo while the measurement says no."""
        added = []
        for k in self.by_cost:
            trial = dict(self.bits, **{k: (4, 8)})
            if self.bits[k] == (8, 8) and self.predicted(trial) >= self.s0 - MAX_DROP_DB and self.fits(trial):
                self.bits = trial
                added.append(k)
        while added and self.measured() < self.s0 - MAX_DROP_DB:
            self.bits[added.pop()] = (8, 8)


def search(fg: Graph, q8: Graph, samples, arena_of, flash_budget: int | None = None,
           sram_budget: int | None = None) -> Choice:
    """Choose (weight bits, act bits) per layer (module docstring); arena_of(graph) -> arena bytes."""
    samples = samples[:MAX_SAMPLES]
    _check_budgets(fg, q8, arena_of, flash_budget, sram_budget)
    st = _Search(fg, q8, samples, arena_of, flash_budget, sram_budget)
    if flash_budget is not None:
        st.meet_flash()
    st.upgrade_16()
    if flash_budget is None:
        st.default_int4()
    return Choice(st.bits, round(float(st.s0), 3), round(st.predicted(st.bits), 3),
                  round(float(st.measured()), 3), st.sens)


def arena_bytes(g: Graph) -> int:
    """The real planner's arena for g laid out layer by layer."""
    from tinyc.backend.lower import lower_calls
    from tinyc.backend.schedule import plan_memory, reorder
    g = g.copy()
    return int(plan_memory(g, reorder(g, lower_calls(g))).arena_bytes)


def check_drop(choice: Choice, max_drop_db: float, strict: bool) -> str | None:
    """The warning (None when fine) for a choice whose predicted SQNR is more than max_drop_db below
    int8's; with strict, a TinycError instead (raised before anything is written)."""
    drop = choice.int8_sqnr_db - choice.predicted_sqnr_db
    if not drop > max_drop_db:
        return None
    msg = (f"the budgets force a predicted SQNR of {choice.predicted_sqnr_db:.1f} dB against {choice.int8_sqnr_db:.1f} dB "
           f"for int8 ({drop:.1f} dB lower, measured {choice.measured_sqnr_db:.1f} dB; --max-sqnr-drop "
           f"{max_drop_db:g}): accuracy may fall sharply")
    if strict:
        raise TinycError(msg, "--strict")
    print(f"tinyc: warning: {msg}", file=sys.stderr)
    return msg


def quantize_mixed(fg: Graph, q8: Graph, samples, flash_budget: int | None, sram_budget: int | None,
                   max_drop_db: float = 3.0, strict: bool = False) -> Graph:
    """Search + apply: the mixed graph, with the choice in g.meta["mixed_precision"] (for report.json).
    A predicted SQNR more than max_drop_db below int8 warns on stderr (strict: TinycError)."""
    choice = search(fg, q8, samples, arena_bytes, flash_budget, sram_budget)
    warning = check_drop(choice, max_drop_db, strict)
    g = apply_bits(fg, q8, choice.bits)
    g.meta["mixed_precision"] = dict(choice.summary(), max_sqnr_drop_db=max_drop_db, sqnr_warning=warning)
    return g
