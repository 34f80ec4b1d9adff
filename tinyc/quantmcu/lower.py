"""QuantMCU in the C patch loop: the tc_quantmcu_s8 entry of each stage node writing a feature map.

backend.patch_lower knows nothing of QuantMCU: it takes `stage_entries(qplan)`,
a function (graph, stage, per-patch graphs) -> {stage node index: (template
data, constant arrays)}, and puts each entry under the node's "qm" key.
"""
from __future__ import annotations

import numpy as np

from tinyc.quantmcu.execute import Plan, feature_maps
from tinyc.quantmcu.pack import make_grid


def quantmcu_entry(fm, qplan: Plan, pgs) -> tuple[dict, dict]:
    """(template data of tc_quantmcu_s8 after the stage node writing map fm, {'qlut': codes' int8 values}
    or {} for a map kept at 8 bits)."""
    b, t = qplan.bits_of(fm.name), int(qplan.thresholds[fm.name])
    sizes = [int(np.prod(pg.graph.tensors[fm.name].shape)) for pg in pgs]
    if b >= 8:
        return dict(threshold=t, bits=8, zp=fm.zp, offset=0, span=1, mul=0, lut=False, n=sizes), {}
    grid = make_grid(b, fm.zp, t, fm.nonneg)
    return (dict(threshold=t, bits=b, zp=fm.zp, offset=grid.offset, span=grid.span, mul=grid.mul, lut=True,
                 n=sizes), {"qlut": grid.lut()})


def stage_entries(qplan: Plan | None):
    """The per-node QuantMCU entries of a plan for backend.patch_lower.stage_call (None when no map
    is stored below 8 bits: the plain int8 patch loop)."""
    def entries(g, stage, pgs) -> dict[int, tuple[dict, dict]]:
        maps = {m.name: m for m in feature_maps(g, stage)}
        if qplan is None or not any(qplan.bits_of(m) < 8 for m in maps):
            return {}
        out = {}
        for i, n in enumerate(stage.nodes):
            fm = maps.get(n.outputs[0])
            if fm is not None:
                out[i] = quantmcu_entry(fm, qplan, pgs)
        return out
    return entries
