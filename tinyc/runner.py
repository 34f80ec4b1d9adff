"""`tinyc run`: compile, build for the board, run every sample, write Y.npy and stats."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tinyc.backend.build import run_project
from tinyc.backend.image import image_sizes
from tinyc.backend.profile import parse_profile, read_profile
from tinyc.datafiles import load_sample_sets, sample_shape, save_outputs
from tinyc.errors import TinycError
from tinyc.pipeline import Options, compile_model, input_ports, load_model


def run_model(model, input_path, output_path, stats_path, outdir: Path, opts: Options, force: bool = False) -> dict:
    """Check X.npy against the model, compile into outdir, build, run every sample, write Y.npy
    (and the stats). A build or run failure is a BuildError and leaves outdir in place."""
    g = load_model(model)
    sets = load_sample_sets(input_path, input_ports(g), "input")  # before any work
    c = compile_model(model, outdir, opts, force, graph=g)
    g, prog = c.graph, c.program
    ports = [(p.name, p.shape, g.tensors[p.name].dtype) for p in prog.inputs]
    samples = [[s[p.name] for p in prog.inputs] for s in sets]
    out_dt = [g.tensors[p.name].dtype for p in prog.outputs]
    res = run_project(outdir, samples, [dt for _, _, dt in ports], [p.shape for p in prog.outputs], out_dt)
    ys = [np.stack([s[i].reshape(sample_shape(p.shape)) for s in res.outputs]) for i, p in enumerate(prog.outputs)]
    save_outputs(output_path, [p.name for p in prog.outputs], ys)
    stats = {"board": opts.board, "samples": len(samples),
             "instructions": int(res.instructions[0]) if res.instructions else 0,
             "instructions_per_sample": [int(v) for v in res.instructions],
             "stack_bytes": int(res.stack_bytes), **memory_of(outdir, prog.name, opts.board, res.stack_bytes),
             **{k: c.report[k] for k in ("arena_bytes", "work_bytes", "static_arena_bytes", "macs")}}
    if opts.profile:
        stats["profile"] = read_profile(c.report["profile_slots"], parse_profile(res.stdout), res.instructions)
        if "quantmcu" in c.report:
            stats["quantmcu"] = quantmcu_measured(c.report["quantmcu"], stats["profile"])
    if stats_path:
        try:
            Path(stats_path).write_text(json.dumps(stats, indent=2, sort_keys=True) + "\n")
        except OSError as e:
            raise TinycError(f"cannot write the stats: {e.strerror}", str(stats_path)) from None
    return stats


def quantmcu_measured(q: dict, profile: dict) -> dict:
    """QuantMCU's modelled patch-stage BitOPs (report.json) beside the measured patch-stage
    instructions of the profiled sample (its patch_node, quantmcu and patch_copies slots)."""
    stage = [r for r in profile["layers"] if r["kind"] in ("patch_node", "quantmcu", "patch_copies")]
    out = dict(stage_bitops_int8_modelled=q["stage_bitops_int8"],
               stage_bitops_modelled=q["stage_bitops_calibration_mean"],
               stage_instructions_measured=sum(r["instructions"] for r in stage),
               pack_instructions_measured=sum(r["instructions"] for r in stage if r["kind"] == "quantmcu"),
               bits=q["bits"])
    if "stage_instructions_modelled" in q:  # the VDQS cost model (tinyc/quantmcu/vdqs.py)
        out.update(stage_instructions_int8_modelled=q["stage_instructions_modelled_int8"],
                   stage_instructions_modelled=q["stage_instructions_modelled"])
    return out


def memory_of(outdir: Path, model: str, board: str, stack_bytes: int) -> dict:
    """flash_bytes, static_ram_bytes (.data + .bss), ram_reserve_bytes (the linker script's heap and
    stack reserve) and sram_bytes = static_ram_bytes + the stack high-water mark, from the real
    sections of the board image (tinyc.backend.image). The host has no such image: all 0."""
    if board == "host":
        return {"flash_bytes": 0, "static_ram_bytes": 0, "ram_reserve_bytes": 0, "sram_bytes": 0}
    sizes = image_sizes(Path(outdir) / "build" / f"{model}.elf")
    return {**sizes, "sram_bytes": sizes["static_ram_bytes"] + int(stack_bytes)}
