"""Per-layer profile: which slot each kernel call charges, and the slots' read-back.

A profiling build (`-DTC_PROFILE=1`, what `tinyc run --profile` builds) marks the
counter (tc_counter_ticks) after every kernel call of invoke and charges the ticks
since the previous mark to the call's slot, so the slots sum exactly to the ticks
between invoke's first and last mark. Slot 0 is invoke's own work (input / output
copies); in the patch loop each stage node has one slot summed over all tiles, the
window / tile copies one more, a QuantMCU pack after a node one of its own, and QuantMCU's
int8 re-run of outlier patches one.
The contract (docs/profiling.md) is the list `profile_slots` returns and the JSON of
`read_profile`.
"""
from __future__ import annotations

import re

OVERHEAD = "(invoke: input/output copies)"


def assign_profile_slots(g, prog) -> list[dict]:
    """Afterwards every call of prog has params['prof'] (its slot) and every patch stage node
    entry n['prof'] (and n['prof_qm'] with a QuantMCU pack); returns one entry per slot:
    slot, name, op, kind ('overhead' | 'layer' | 'patch_node' | 'patch_copies' | 'quantmcu'),
    macs (None where unknown) and tiles (patch loop)."""
    ops = {n.name: n for n in g.nodes}
    slots = [dict(slot=0, name=OVERHEAD, op="-", kind="overhead", macs=0, tiles=1)]

    def add(**kw) -> int:
        slots.append(dict(slot=len(slots), **kw))
        return len(slots) - 1

    from tinyc.ops import op_module
    for c in prog.calls:
        P = c.params
        if c.template.startswith("patch_"):
            tiles = P["ntiles"]
            P["prof"] = add(name="patch stage: window and tile copies", op="-", kind="patch_copies",
                            macs=0, tiles=tiles)
            for n in P["nodes"]:
                node = ops.get(n["name"])
                n["prof"] = add(name=n["name"], op=node.op if node else n["kind"], kind="patch_node",
                                macs=n.get("macs"), tiles=tiles)
                if n.get("qm"):
                    n["prof_qm"] = add(name=f"{n['name']} (QuantMCU pack)", op="quantmcu", kind="quantmcu",
                                       macs=0, tiles=tiles)
            if P.get("qm_sub"):
                P["qm_sub"]["prof"] = add(name="QuantMCU outlier patches re-run in int8 (sub-patches)", op="quantmcu",
                                          kind="quantmcu", macs=0, tiles=P["qm_sub"]["ntiles"])
        else:
            node = ops.get(c.node)
            macs = op_module(node.op).macs(node, g) if node is not None else None
            P["prof"] = add(name=c.node, op=node.op if node else c.template.split(".")[0], kind="layer",
                            macs=macs, tiles=1)
    prog.extra["profile"] = slots
    return slots


def parse_profile(text: str) -> dict[int, dict[int, int]]:
    """{sample: {slot: instructions}} from the profiling harness's 'tinyc: profile ...' lines."""
    out: dict[int, dict[int, int]] = {}
    for s, k, v in re.findall(r"tinyc: profile sample=(\d+) slot=(\d+) instructions=(\d+)", text):
        out.setdefault(int(s), {})[int(k)] = int(v)
    return out


def read_profile(slots: list[dict], per_sample: dict[int, dict[int, int]], instructions: list[int]) -> dict:
    """The stats JSON's 'profile': the first sample's instructions per slot (the kernels do the same
    work on every sample), their sum and the whole-inference count they are to add up to."""
    first = per_sample.get(0, {})
    layers = []
    for e in slots:
        ins = int(first.get(e["slot"], 0))
        row = dict(name=e["name"], op=e["op"], kind=e["kind"], instructions=ins)
        if e.get("macs"):
            row["macs"] = int(e["macs"])
            row["instructions_per_mac"] = round(ins / e["macs"], 3)
        if e["kind"] in ("patch_node", "patch_copies", "quantmcu"):
            row["tiles"] = e["tiles"]
        layers.append(row)
    total = sum(r["instructions"] for r in layers)
    whole = int(instructions[0]) if instructions else 0
    return dict(sample=0, layers=layers, sum_instructions=total, invoke_instructions=whole)
