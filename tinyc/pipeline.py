"""The whole compiler, in order, on one screen.

    load -> float passes -> quantize -> lower -> plan memory -> program -> emit
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tinyc.backend.emit import render_project, write_project
from tinyc.backend.lower import Program, build_program, lower_calls
from tinyc.backend.profile import assign_profile_slots
from tinyc.backend.spec import share_spec_kernels
from tinyc.backend.schedule import MemoryPlan, plan_memory, reorder, work_plan
from tinyc.datafiles import generated_samples, load_sample_sets, sample_shape
from tinyc.errors import TinycError
from tinyc.ir import Graph, verify
from tinyc.ops import OPS
from tinyc.passes.fold_output_transpose import fold_output_transpose
from tinyc.report import build_report
from tinyc.progress import step
from tinyc.validate import calibration_range, warn


@dataclass
class Options:
    board: str = "host"
    calib: str | None = None
    observer: str = "minmax"
    patch: str = "off"
    sram_budget: int | None = None
    max_mac_overhead: float = 0.30  # --patch auto without a budget: most extra MACs allowed
    precision: str = "int8"
    flash_budget: int | None = None  # --precision mixed: most weights bytes
    link_check: bool = True  # compile_model on a board: build and let the linker judge the fit
    max_sqnr_drop: float = 3.0  # --precision mixed: warn when the predicted SQNR falls this far below int8
    strict: bool = False  # --strict: that warning is an error
    extra_cflags: list[str] = field(default_factory=list)
    token_tiling: str = "auto"  # "off": no token stages (passes/token_tiling.py)
    optimize: str = "speed"  # speed: shape-specialised DSP kernels (one per shape); size: generic kernels only
    profile: bool = False  # build with -DTC_PROFILE=1: instructions per layer (docs/profiling.md)


@dataclass
class Compiled:
    graph: Graph  # the quantized graph (what the C implements)
    program: Program
    memory: MemoryPlan
    report: dict
    files: dict[str, str]


def is_tflite(path: Path) -> bool:
    with open(path, "rb") as f:
        head = f.read(8)
    return len(head) == 8 and head[4:8] == b"TFL3"


def load_model(path: str | Path) -> Graph:
    """Frontend + float passes: any supported model file -> IR (float or already int8)."""
    p = Path(path)
    if not p.exists():
        raise TinycError("model file not found", str(p))
    if p.is_dir():
        raise TinycError("model path is a directory, expected an .onnx or .tflite file", str(p))
    try:
        if p.stat().st_size == 0:
            raise TinycError("model file is empty", str(p))
        tflite = is_tflite(p)
    except OSError as e:
        raise TinycError(f"cannot read model file: {e.strerror}", str(p)) from None
    if tflite:
        from tinyc.frontend.tflite_loader import load_tflite
        from tinyc.passes import INT_PASSES, run_passes
        return run_passes(verify(load_tflite(p)), passes=INT_PASSES)
    if p.suffix.lower() == ".tflite":
        raise TinycError("not a TFLite flatbuffer (no 'TFL3' identifier)", str(p))
    from tinyc.frontend.onnx_loader import load_onnx
    from tinyc.passes import run_passes
    return run_passes(load_onnx(p))


def is_quantized(g: Graph) -> bool:
    """True when no node computes in float: every activation a node reads or writes is an integer,
    except the float side of an interface quantize / dequantize (a quantized TFLite model, float
    islands included, is marked by its loader)."""
    if g.meta.get("prequantized"):
        return True
    for n in g.nodes:
        if n.op in ("quantize", "dequantize"):
            continue
        if any(x and not g.tensors[x].is_const and g.tensors[x].dtype == "float32" for x in (*n.inputs, *n.outputs)):
            return False
    return True


def input_ports(g: Graph) -> list[tuple[str, tuple, str]]:
    return [(name, g.tensors[name].shape, g.tensors[name].dtype) for name in g.inputs]


def calibration_samples(g: Graph, calib: str | None) -> list[dict[str, np.ndarray]]:
    """One {input name: array} per calibration sample (--calib X.npy, or .npz for several inputs)."""
    if calib is not None:
        sets = load_sample_sets(calib, input_ports(g), "calibration")
        for name, _, dt in input_ports(g):
            if dt == "float32":
                calibration_range(np.stack([s[name] for s in sets]), calib)
        return sets
    n = len(generated_samples((1,), "float32"))
    print(f"tinyc: warning: no --calib given; calibrating on {n} generated N(0,1) samples: accuracy will "
          "suffer, pass real data with --calib X.npy (.npz for several inputs)", file=sys.stderr)
    per = {name: generated_samples(sample_shape(shape), dt) if i == 0 else
           generated_samples(sample_shape(shape), dt, seed=i) for i, (name, shape, dt) in enumerate(input_ports(g))}
    return [{name: per[name][k].reshape(shape) for name, shape, _ in input_ports(g)} for k in range(n)]


def quantize(g: Graph, opts: Options) -> Graph:
    """Float IR -> int8 IR. Already-quantized graphs (TFLite) pass through unchanged."""
    if opts.precision == "mixed" and opts.patch != "off" and opts.flash_budget is not None:
        raise TinycError("--flash-budget is for per-layer --precision mixed; with --patch, mixed is QuantMCU",
                         "--flash-budget")
    if is_quantized(g):
        if opts.precision == "mixed":
            raise TinycError("--precision mixed needs a float model (this one is already quantized)", g.source)
        if opts.calib is not None:  # checked like any calibration file, then ignored, said so
            load_sample_sets(opts.calib, input_ports(g), "calibration")
            warn(f"--calib {opts.calib} is ignored: {Path(g.source).name} is already quantized")
        return g
    from tinyc.quant.quantize import calibrate, quantize_graph
    needs = [t for t in g.activations() if t.q is None]
    samples = calibration_samples(g, opts.calib) if needs or opts.precision == "mixed" else []
    from tinyc.quant.refine import TARGET_VALUES, kept_tensors, refine
    kept: list = []  # the float outputs refine needs, computed once (by calibrate)
    ranges = calibrate(g, samples, opts.observer, kept, kept_tensors(g), TARGET_VALUES) if needs else {}
    q8 = verify(quantize_graph(g, ranges))
    if needs:  # biases and activation tables checked against the float model (tinyc/quant/refine.py)
        q8 = verify(refine(g, q8, samples, kept))
    if opts.precision == "mixed" and opts.patch == "off":  # per-layer bits (tinyc/quant/search.py)
        from tinyc.quant.search import quantize_mixed
        with step("mixed-precision search (int8 / int4 weights / int16 activations per layer)"):
            return fold_output_transpose(quantize_mixed(g, q8, samples, opts.flash_budget, opts.sram_budget,
                                                        opts.max_sqnr_drop, opts.strict))
    return fold_output_transpose(q8)


def check_supported(g: Graph) -> None:
    from tinyc.ops.float_island import check
    if g.meta.get("prequantized"):
        check(g)
    for n in g.nodes:
        if n.op not in OPS:
            raise TinycError(f"op '{n.op}' has no int8 kernel yet (have: {', '.join(sorted(OPS))})",
                             f"{g.source}: node '{n.name}'")


def compile_graph(q: Graph, opts: Options) -> Compiled:
    """int8 IR -> lowered program, memory plan, report and the project's text files."""
    from tinyc.boards import get_board
    board = get_board(opts.board)
    check_supported(q)
    q = fold_output_transpose(q.copy())  # the NHWC -> NCHW output copy written by the dequantize itself
    if opts.patch != "off":
        from tinyc.backend.patch_choice import choose_plan
        from tinyc.passes.rows_1d import rows_1d
        rows = rows_1d(q.copy())  # 1-D maps as rows, so that their time axis can stream (same bytes)
        with step(f"patch plan ({opts.patch})"):
            plan = choose_plan(rows, opts.patch, opts.sram_budget, opts.max_mac_overhead)
        compiled = _compile_patched(rows, opts, board, plan) if plan.split is not None else None
        if compiled is not None:
            return compiled
        if opts.precision == "mixed":
            raise TinycError("--precision mixed with --patch is QuantMCU, which needs a patch stage: this model "
                             "compiles layer by layer", q.source)
    tiled = False
    if opts.token_tiling != "off":
        from tinyc.passes.token_tiling import tile_tokens
        q = tile_tokens(q)
        tiled = any(n.op == "token_stage" for n in q.nodes)
    calls = reorder(q, lower_calls(q))
    mem = plan_memory(q, calls)
    prog = share_spec_kernels(build_program(q, calls, mem.offsets, mem.arena_bytes, mem), opts.optimize)
    report = build_report(q, prog, mem, board.name, work_plan(q, calls))
    if tiled and opts.patch != "off":  # the --patch note's layer-by-layer figure was before token tiling
        print(f"tinyc: note: with token tiling (token_stage nodes, passes/token_tiling.py) layer by layer needs "
              f"{report['work_bytes']} B of work memory (the --patch note's layer-by-layer figure is without it)",
              file=sys.stderr)
    if opts.sram_budget is not None and opts.precision == "int8" and report["work_bytes"] > opts.sram_budget:
        raise TinycError(f"layer by layer needs {report['work_bytes']:,} bytes of work memory (work_bytes), over "
                         f"--sram-budget {opts.sram_budget:,}: try --patch auto", q.source)
    report["profile_slots"] = assign_profile_slots(q, prog)
    _check_fit(board, prog, report)
    files = render_project(prog, _board_dict(board), q.source, cflags_of(opts), memory=report)
    return Compiled(q, prog, mem, report, files)


def _compile_patched(q: Graph, opts: Options, board, plan) -> Compiled | None:
    """The patch stage as a loop over patches, the rest layer by layer; the report compares
    with the layer-by-layer compile of the same graph."""
    from tinyc.backend.patch_lower import lower_patched, program_of
    from tinyc.report import build_patch_report
    base = q.copy()
    base_calls = reorder(base, lower_calls(base))
    base_mem = plan_memory(base, base_calls)
    base_report = build_report(base, build_program(base, base_calls, base_mem.offsets, base_mem.arena_bytes,
                                                   base_mem), base_mem, board.name,
                               work_plan(base, base_calls))
    qm = None
    if opts.precision == "mixed":
        from tinyc.backend.patch_prepass import refuse_mixed
        refuse_mixed(q, plan)
    if opts.precision == "mixed":  # QuantMCU: VDPC thresholds + VDQS bits of the patch stage's maps
        from tinyc.quantmcu.vdqs import quantmcu_plan
        samples = [s[q.inputs[0]] for s in calibration_samples(q, opts.calib)]
        with step("QuantMCU search (VDPC thresholds, VDQS bits)"):
            if str(opts.patch).strip().lower() == "auto" and not getattr(plan, "stream", False):
                from tinyc.quantmcu.choose import choose_mixed  # the plan, with packed buffers planned
                plan, qm = choose_mixed(q, plan, samples, opts.max_mac_overhead, quantmcu_plan)
            elif str(opts.patch).strip().lower() == "auto":  # streamed int8 choice: against the grid route
                from tinyc.backend.patch_choice import choose_plan
                from tinyc.quantmcu.choose import choose_mixed_stream
                grid = choose_plan(q, opts.patch, opts.sram_budget, opts.max_mac_overhead, stream_ok=False)
                plan, qm = choose_mixed_stream(q, plan, grid, samples, opts.max_mac_overhead, quantmcu_plan)
            else:
                qm = quantmcu_plan(q, plan.split, plan.grid, samples, stream=getattr(plan, "stream", False))
    extra = None
    if qm is not None:
        from tinyc.quantmcu.lower import stage_entries
        extra = stage_entries(qm["plan"], stream=getattr(plan, "stream", False))
    try:
        pl = lower_patched(q, plan, extra=extra)
    except TinycError as e:
        if str(opts.patch).strip().lower() != "auto" or qm is not None:
            raise
        # a safety net: the search only offers plans the C loop can run, but a model the checks miss
        # must still compile rather than stop
        print(f"tinyc: note: --patch auto's plan {plan.label} cannot be lowered to the C patch loop "
              f"({e}); compiling layer by layer", file=sys.stderr)
        return None
    from tinyc.backend.unrow import unrow_all
    unrow_all(pl.calls)  # a 1-D model's one-column layers in their one-row geometry (same bytes, faster)
    prog = share_spec_kernels(program_of(q, pl), opts.optimize)
    report = build_patch_report(q, prog, pl, board.name, base_report)
    if qm is not None:
        report["quantmcu"] = qm["report"]
    report["profile_slots"] = assign_profile_slots(q, prog)
    _check_fit(board, prog, report)
    files = render_project(prog, _board_dict(board), q.source, cflags_of(opts), memory=report)
    return Compiled(q, prog, pl.memory, report, files)


def compile_model(path: str | Path, outdir: str | Path | None, opts: Options, force: bool = False,
                  graph: Graph | None = None) -> Compiled:
    """The whole pipeline (from `graph` when the caller has already loaded `path`). Writes outdir
    atomically when given (see tinyc/outdir.py; force replaces a previous tinyc project that also
    holds the user's files, keeping them)."""
    if outdir is not None:
        from tinyc.outdir import check_outdir
        check_outdir(outdir, force)
    q = quantize(graph if graph is not None else load_model(path), opts)
    c = compile_graph(q, opts)
    check = _linker_check(opts.board, c.program.name) if opts.link_check else None
    if outdir is not None:
        write_project(Path(outdir), c.files, opts.board, c.report, force, check=check)
    elif check is not None:
        import tempfile
        with tempfile.TemporaryDirectory(prefix="tinyc-link-") as tmp:
            write_project(Path(tmp) / "project", c.files, opts.board, c.report, check=check)
    return c


def _linker_check(board_name: str, model: str):
    """For a board with SRAM/flash limits: the linker's verdict on the built project (None for the host)."""
    from tinyc.backend.image import link_check
    from tinyc.boards import get_board
    board = get_board(board_name)
    if board.qemu_machine is None or not (board.sram_bytes or board.flash_bytes):
        return None
    return lambda project: link_check(project, board, model)


def cflags_of(opts: Options) -> list[str]:
    """The project's EXTRA_CFLAGS: the caller's, plus the profiling build's define; --optimize size
    builds the portable kernels (the smallest code: no DSP paths, no specialised kernels)."""
    return [*opts.extra_cflags, *(["-UTC_DSP"] if opts.optimize == "size" else []),
            *(["-DTC_PROFILE=1"] if opts.profile else [])]


def _board_dict(board) -> dict:
    from dataclasses import asdict
    return asdict(board)


def _check_fit(board, prog: Program, report: dict) -> None:
    from tinyc.boards import check_fit
    # the harness's own I/O buffers (inputs held in the arena are read straight into it)
    io = sum(p.nbytes for p in prog.inputs if p.ref.kind != "arena") + sum(p.nbytes for p in prog.outputs)
    check_fit(board, flash_needed=report["weights_bytes"], sram_needed=prog.arena_bytes + io, what=prog.name)
