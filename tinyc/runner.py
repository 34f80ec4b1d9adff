"""`tinyc run`: compile, build for the board, run every sample, write Y.npy and stats."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tinyc.backend.build import make, run_project
from tinyc.backend.profile import parse_profile, read_profile
from tinyc.datafiles import load_sample_sets, sample_shape, save_outputs
from tinyc.errors import TinycError
from tinyc.pipeline import Options, compile_model


def run_model(model, input_path, output_path, stats_path, outdir: Path, opts: Options, force: bool = False) -> dict:
    c = compile_model(model, outdir, opts, force)
    g, prog = c.graph, c.program
    ports = [(p.name, p.shape, g.tensors[p.name].dtype) for p in prog.inputs]
    sets = load_sample_sets(input_path, ports, "input")
    samples = [[s[p.name] for p in prog.inputs] for s in sets]
    out_dt = [g.tensors[p.name].dtype for p in prog.outputs]
    res = run_project(outdir, samples, [dt for _, _, dt in ports], [p.shape for p in prog.outputs], out_dt)
    ys = [np.stack([s[i].reshape(sample_shape(p.shape)) for s in res.outputs]) for i, p in enumerate(prog.outputs)]
    save_outputs(output_path, [p.name for p in prog.outputs], ys)
    stats = {"board": opts.board, "samples": len(samples),
             "instructions": int(res.instructions[0]) if res.instructions else 0,
             "instructions_per_sample": [int(v) for v in res.instructions],
             "stack_bytes": int(res.stack_bytes), **size_of(outdir, opts.board),
             "arena_bytes": c.report["arena_bytes"], "macs": c.report["macs"]}
    if opts.profile:
        stats["profile"] = read_profile(c.report["profile_slots"], parse_profile(res.stdout), res.instructions)
        if "quantmcu" in c.report:
            stats["quantmcu"] = quantmcu_measured(c.report["quantmcu"], stats["profile"])
    if stats_path:
        Path(stats_path).write_text(json.dumps(stats, indent=2, sort_keys=True) + "\n")
    return stats


def quantmcu_measured(q: dict, profile: dict) -> dict:
    """QuantMCU's modelled patch-stage BitOPs (report.json) beside the measured patch-stage
    instructions of the profiled sample (its patch_node, quantmcu and patch_copies slots)."""
    stage = [r for r in profile["layers"] if r["kind"] in ("patch_node", "quantmcu", "patch_copies")]
    return dict(stage_bitops_int8_modelled=q["stage_bitops_int8"],
                stage_bitops_modelled=q["stage_bitops_calibration_mean"],
                stage_instructions_measured=sum(r["instructions"] for r in stage),
                pack_instructions_measured=sum(r["instructions"] for r in stage if r["kind"] == "quantmcu"),
                bits=q["bits"])


def size_of(outdir: Path, board: str) -> dict:
    """flash and static RAM of the built image, from `make size` (Berkeley format: text data bss)."""
    if board == "host":
        return {"flash_bytes": 0, "ram_bytes": 0}
    out = make(outdir, "size")
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and all(p.isdigit() for p in parts[:3]):
            text, data, bss = map(int, parts[:3])
            return {"flash_bytes": text + data, "ram_bytes": data + bss}
    raise TinycError("could not read 'make size' output", str(outdir))
