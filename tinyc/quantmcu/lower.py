"""QuantMCU in the C patch loop: template entries of the stage nodes writing or reading a sub-8-bit map.

backend.patch_lower knows nothing of QuantMCU: it takes `stage_entries(qplan)`,
a function (graph, stage, per-patch graphs) -> {stage node index: f}, and
f(node entry, node arrays) gives the node's extra template keys and arrays:
- "qm" after a node writing a feature map: tc_quantmcu_bp_s8 (VDPC check, and the
  map's codes stored as bit planes for normal patches), with the map's code-bits table;
- "bp" on a node reading a sub-8-bit map: tc_convolve_bp_s8 on the codes when the
  producer stored them (flag qm_p<producer>), the int8 kernel otherwise, with its
  lookup table and requantization constants (tinyc/quantmcu/bitplane.py).
"""
from __future__ import annotations

import numpy as np

from tinyc.quantmcu.bitplane import bp_table, chunk_planes, reads_codes, requant_table
from tinyc.quantmcu.execute import Plan, feature_maps
from tinyc.quantmcu.pack import make_grid, plane_lut


def quantmcu_entry(fm, qplan: Plan, pgs) -> tuple[dict, dict]:
    """(template data of tc_quantmcu_bp_s8 after the stage node writing map fm: threshold, bits and
    per tile the map's pixels (channels last); {'qplanes': the code-bits table} or {} at 8 bits)."""
    b, t = qplan.bits_of(fm.name), int(qplan.thresholds[fm.name])
    shapes = [pg.graph.tensors[fm.name].shape for pg in pgs]
    entry = dict(threshold=t, bits=min(b, 8), zp=fm.zp, pixels=[int(np.prod(s[:-1])) for s in shapes],
                 channels=int(shapes[0][-1]), planes=b < 8)
    if b >= 8:
        return entry, {}
    if not fm.codes:
        raise AssertionError(f"{fm.name}: a map below 8 bits must be read by bit-plane kernels only")
    return entry, {"qplanes": plane_lut(make_grid(b, fm.zp, t, fm.nonneg))}


def bp_entry(g, n, entry: dict, arrays: dict, fm, qplan: Plan, producer: int) -> tuple[dict, dict]:
    """(template data, constant arrays) of tc_convolve_bp_s8 for stage node n reading sub-8-bit map fm.
    Arrays: the lookup table, and the requantization constants when every channel allows them."""
    if entry["kind"] != "conv2d_s8" or not reads_codes(n, g):
        raise AssertionError(f"{n.name}: reads a packed map but has no bit-plane kernel")
    b = qplan.bits_of(fm.name)
    w = g.tensors[n.inputs[1]].data
    step = make_grid(b, fm.zp, int(qplan.thresholds[fm.name]), True).span // ((1 << b) - 1)
    bias = g.tensors[n.inputs[2]].data if len(n.inputs) > 2 and n.inputs[2] else None
    rq = requant_table(arrays["mult"], arrays["shift"], bias, entry["fixed"]["output_offset"])
    out = {"bptab": bp_table(w)}
    if rq is not None:
        out["bprq"] = rq
    return dict(flag=f"qm_p{producer}", bits=b, chunk=chunk_planes(w, b), step=step, rq=rq is not None), out


def stage_entries(qplan: Plan | None):
    """The per-node QuantMCU entries of a plan for backend.patch_lower.stage_call ({} when no map
    is stored below 8 bits: the plain int8 patch loop)."""
    def entries(g, stage, pgs) -> dict:
        maps = {m.name: m for m in feature_maps(g, stage)}
        if qplan is None or not any(qplan.bits_of(m) < 8 for m in maps):
            return {}
        out, producer = {}, {}
        for i, n in enumerate(stage.nodes):
            fm = maps.get(n.outputs[0])
            src = maps.get(n.inputs[0])
            reads = src if src is not None and qplan.bits_of(src.name) < 8 else None
            if fm is None and reads is None:
                continue
            if fm is not None and qplan.bits_of(fm.name) < 8:
                producer[fm.name] = i

            def node(entry, arrays, n=n, fm=fm, reads=reads):
                keys, more = {}, {}
                if fm is not None:
                    keys["qm"], more = quantmcu_entry(fm, qplan, pgs)
                if reads is not None:
                    keys["bp"], bp_arrays = bp_entry(g, n, entry, arrays, reads, qplan, producer[reads.name])
                    more = dict(more, **bp_arrays)
                return keys, more
            out[i] = node
        return out
    return entries
