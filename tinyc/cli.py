"""The tinyc command line: compile, run, inspect, boards (contract in ../shared/design.md)."""
from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import click

from tinyc.errors import BuildError, TinycError


def _quiet(ctx, param, value):
    from tinyc.progress import quiet
    quiet(bool(value))


def compile_options(f):
    """Options shared by compile, run and inspect."""
    opts = [
        click.option("--board", default="host", show_default=True, help="target board (see `tinyc boards`)"),
        click.option("--calib", type=click.Path(), default=None, help="calibration data X.npy, shape (N, *input shape without batch)"),
        click.option("--observer", type=click.Choice(["minmax", "percentile"]), default="minmax", show_default=True,
                     help="calibration range observer"),
        click.option("--patch", default="off", show_default=True,
                     help="patch-based inference: off | auto | S:N | S:NxM (grid after layer S) | S:Ns (N row bands)"),
        click.option("--sram-budget", type=int, default=None,
                     help="work memory budget in bytes for --patch (the model input excluded)"),
        click.option("--max-mac-overhead", type=float, default=0.30, show_default=True,
                     help="--patch auto without a budget: most extra MACs allowed (0.30 = 30%)"),
        click.option("--precision", type=click.Choice(["int8", "mixed"]), default="int8", show_default=True,
                     help="mixed: per-layer int8 / int4-weight / int16-activation layers; with --patch: QuantMCU"),
        click.option("--flash-budget", type=int, default=None, help="--precision mixed: most weights bytes"),
        click.option("-q", "--quiet", is_flag=True, callback=_quiet, expose_value=False, is_eager=True,
                     help="no progress display (it is off anyway when stderr is not a terminal)"),
        click.option("--token-tiling", type=click.Choice(["auto", "off"]), default="auto", show_default=True,
                     help="run token-wise op sequences (LayerNorm, MLP, attention) a few tokens at a time"),
        click.option("--max-sqnr-drop", type=float, default=3.0, show_default=True,
                     help="--precision mixed: warn when the budgets force the predicted SQNR this many dB below int8"),
        click.option("--strict", is_flag=True, help="--precision mixed: make that warning an error (exit 2)"),
        click.option("--optimize", type=click.Choice(["speed", "size"]), default="speed", show_default=True,
                     help="DSP boards: speed = shape-specialised kernels (one function per layer shape); "
                          "size = the generic kernels only"),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


def make_options(board, calib, observer, patch, sram_budget, precision, max_mac_overhead=0.30,
                 flash_budget=None, token_tiling="auto", max_sqnr_drop=3.0, strict=False, optimize="speed"):
    """Options from the command line, every value checked before any work starts."""
    from tinyc.boards import get_board
    from tinyc.patching.search import parse_patch
    from tinyc.validate import input_file
    get_board(board)
    if not re.fullmatch(r"\s*\d+:\d+s\s*", str(patch).lower()):  # S:Ns (streamed) is checked by choose_plan
        parse_patch(patch)
    if calib is not None:
        input_file(calib, "--calib")
    if sram_budget is not None and sram_budget <= 0:
        raise TinycError(f"--sram-budget must be a positive number of bytes, got {sram_budget}", "--sram-budget")
    if not max_mac_overhead >= 0 or max_mac_overhead != max_mac_overhead:
        raise TinycError(f"--max-mac-overhead must be >= 0, got {max_mac_overhead}", "--max-mac-overhead")
    if flash_budget is not None and (flash_budget <= 0 or precision != "mixed"):
        raise TinycError("--flash-budget needs --precision mixed and a positive number of bytes", "--flash-budget")
    if not max_sqnr_drop >= 0:
        raise TinycError(f"--max-sqnr-drop must be >= 0 dB, got {max_sqnr_drop}", "--max-sqnr-drop")
    from tinyc.pipeline import Options
    return Options(board=board, calib=calib, observer=observer, patch=patch,
                   sram_budget=sram_budget, precision=precision, max_mac_overhead=max_mac_overhead,
                   flash_budget=flash_budget, token_tiling=token_tiling, max_sqnr_drop=max_sqnr_drop,
                   strict=strict, optimize=optimize)


@click.group()
@click.version_option(package_name="tinyc")
def cli():
    """tinyc: compile ONNX / TFLite models into C for Cortex-M microcontrollers."""


@cli.command("compile")
@click.argument("model", type=click.Path())
@click.option("-o", "--outdir", required=True, type=click.Path(),
              help="output C project directory: new, empty, or a previous tinyc project")
@click.option("--force", is_flag=True, help="replace a previous tinyc project even if it holds other files (kept)")
@compile_options
def compile_cmd(model, outdir, force, **kw):
    """Compile MODEL into a self-contained C project in OUTDIR."""
    from tinyc.outdir import check_outdir
    opts = make_options(**kw)
    check_outdir(outdir, force)
    from tinyc.pipeline import compile_model
    from tinyc.inspect_view import print_summary
    c = compile_model(model, outdir, opts, force)
    print_summary(c.report, outdir)


@cli.command("run")
@click.argument("model", type=click.Path())
@click.option("--input", "input_path", required=True, type=click.Path(), help="X.npy, shape (N, *input shape without batch)")
@click.option("--output", "output_path", required=True, type=click.Path(), help="Y.npy (or .npz for several outputs)")
@click.option("--stats", "stats_path", type=click.Path(), default=None, help="write S.json with instructions, flash, RAM, stack")
@click.option("--profile", is_flag=True,
              help="profiling build: instructions per layer (printed, and 'profile' in --stats)")
@click.option("-o", "--outdir", type=click.Path(), default=None,
              help="keep the generated project here: new, empty, or a previous tinyc project")
@click.option("--force", is_flag=True, help="replace a previous tinyc project even if it holds other files (kept)")
@compile_options
def run_cmd(model, input_path, output_path, stats_path, profile, outdir, force, **kw):
    """Compile MODEL, build it for the board, and run one inference per sample of X.npy."""
    from tinyc.inspect_view import print_run
    from tinyc.runner import run_model
    from tinyc.validate import input_file, output_file
    opts = make_options(**kw)
    opts.profile = profile
    if profile and opts.board == "host":
        raise TinycError("--profile needs a board with a counter (e.g. --board mps2-an386); the host has none",
                         "--profile")
    input_file(input_path, "--input")
    output_file(output_path, "--output")
    if stats_path:
        output_file(stats_path, "--stats")
    if outdir is not None:
        from tinyc.outdir import check_outdir
        check_outdir(outdir, force)
    tmp = None if outdir is not None else Path(tempfile.mkdtemp(prefix="tinyc-run-"))
    project = Path(outdir) if tmp is None else tmp / "project"
    try:
        stats = run_model(model, input_path, output_path, stats_path, project, opts, force)
    except BuildError:
        raise  # the project stays where the message says
    except BaseException:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    print_run(stats, output_path, stats_path, None if tmp is not None else project)
    if tmp is not None:
        shutil.rmtree(tmp, ignore_errors=True)
    if profile:
        from tinyc.inspect_view import print_profile
        print_profile(stats["profile"])


@cli.command("inspect")
@click.argument("model", type=click.Path())
@click.option("--plot", type=click.Path(), default=None, help="write a PNG of live memory per layer")
@click.option("--stats", "stats_path", type=click.Path(), default=None,
              help="S.json from `tinyc run --profile --stats S.json`: also show instructions per layer")
@compile_options
def inspect_cmd(model, plot, stats_path, **kw):
    """Show per-layer ops, shapes, MACs and live memory, with the peak marked."""
    from tinyc.pipeline import compile_model
    from tinyc.inspect_view import load_profile, print_layers, print_profile, plot_memory
    from tinyc.validate import plot_file
    opts = make_options(**kw)
    if plot:
        plot_file(plot)
    prof = load_profile(stats_path) if stats_path else None
    c = compile_model(model, None, opts)
    print_layers(c)
    if prof is not None:
        print_profile(prof)
    if plot:
        plot_memory(c, plot)


@cli.command("boards")
def boards_cmd():
    """List the supported boards."""
    from tinyc.boards import boards_table
    from tinyc.inspect_view import console
    console().print(boards_table())


def main(argv=None) -> int:
    try:
        cli.main(args=argv, prog_name="tinyc", standalone_mode=False)
    except BuildError as e:
        print(f"tinyc: error: {e} (the project is kept there)", file=sys.stderr)
        return 2
    except TinycError as e:
        print(f"tinyc: error: {e}", file=sys.stderr)
        return 2
    except click.exceptions.Abort:
        print("tinyc: error: interrupted", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("tinyc: error: interrupted", file=sys.stderr)
        return 2
    except click.ClickException as e:
        print(f"tinyc: error: {' '.join(e.format_message().split())}", file=sys.stderr)
        return 2
    except Exception as e:  # a compiler bug: still one line, the traceback only on request
        if os.environ.get("TINYC_DEBUG"):
            raise
        msg = " ".join(str(e).split())
        print(f"tinyc: internal error: {type(e).__name__}: {msg} (set TINYC_DEBUG=1 for the traceback)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
