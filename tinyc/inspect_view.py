"""Human-facing views of a compiled model: the summary, the per-layer table, the memory plot."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table


def console(stderr: bool = False) -> Console:
    """A rich Console; when the stream is not a terminal (piped, redirected) it is wide enough
    that no table or line is cut at 80 columns."""
    con = Console(stderr=stderr)
    if not con.is_terminal:
        con = Console(stderr=stderr, width=400, soft_wrap=True)
    return con


def _b(n: int) -> str:
    return f"{n:,} B"


def memory_lines(report: dict) -> list[str]:
    """The memory figures, in report.json's vocabulary (same numbers as the header's macros)."""
    where = "input inside" if report["input_in_arena"] else "input in the caller's buffer"
    return [
        f"arena   {_b(report['arena_bytes'])}  [dim](model input inside the arena)[/dim]",
        f"work    {_b(report['work_bytes'])}  [dim](model input in the caller's buffer)[/dim]",
        f"static  {_b(report['static_arena_bytes'])}  [dim](allocated by the C: {where}; plan "
        f"{report['plan_strategy']}, lower bound {report['lower_bound_bytes']:,} B)[/dim]",
    ]


def print_summary(report: dict, outdir, con: Console | None = None) -> None:
    con = con or console()
    con.print(f"[bold]{report['model']}[/bold] -> {outdir}  (board {report['board']})")
    for line in memory_lines(report):
        con.print(f"  {line}")
    con.print(f"  weights {_b(report['weights_bytes'])}")
    con.print(f"  MACs    {report['macs']:,}")
    im = report.get("image")
    if im:
        ram = im["static_ram_bytes"] + im["ram_reserve_bytes"]
        con.print(f"  linked  flash {im['flash_bytes']:,} of {im['board_flash_bytes']:,} B; SRAM {ram:,} of "
                  f"{im['board_sram_bytes']:,} B [dim](.data + .bss {im['static_ram_bytes']:,} B + the linker "
                  f"script's stack and heap {im['ram_reserve_bytes']:,} B)[/dim]")
    if "patch" in report:
        print_patch(con, report)


def print_patch(con, report: dict) -> None:
    """The patch plan: split, grid, work and arena bytes in both modes, MAC overhead."""
    p = report["patch"]
    con.print(f"  patch   plan {p['plan']}: split after node {p['split']} ({p['split_node']}), "
              f"{p['grid'][0]}x{p['grid'][1]} grid over {'x'.join(map(str, p['split_shape'][1:]))}")
    ratio = p["work_bytes_layer_by_layer"] / p["work_bytes"] if p["work_bytes"] else 0.0
    con.print(f"          work  {_b(p['work_bytes'])} patch-based vs {_b(p['work_bytes_layer_by_layer'])} "
              f"layer by layer ({ratio:.2f}x less)")
    con.print(f"          arena {_b(p['arena_bytes'])} patch-based vs {_b(p['arena_bytes_layer_by_layer'])} "
              "layer by layer")
    con.print(f"          MACs +{100 * p['mac_overhead']:.1f}% ({p['macs']:,} vs {p['macs_layer_by_layer']:,})")


def print_run(stats: dict, output_path, stats_path, project, con: Console | None = None) -> None:
    """What `tinyc run` did: where the outputs went and, on boards, instructions and memory."""
    con = con or console()
    con.print(f"[bold]tinyc run[/bold]: {stats['samples']} sample(s) on {stats['board']} -> {output_path}")
    if stats_path:
        con.print(f"  stats   {stats_path}")
    con.print(f"  project {project if project is not None else '(temporary, removed; keep it with -o DIR)'}")
    con.print(f"  memory  arena {_b(stats['arena_bytes'])} · work {_b(stats['work_bytes'])} · "
              f"static arena {_b(stats['static_arena_bytes'])}")
    if stats["board"] != "host":
        ins = stats["instructions_per_sample"]
        spread = f" (min {min(ins):,}, max {max(ins):,})" if ins and min(ins) != max(ins) else ""
        con.print(f"  instructions per inference {stats['instructions']:,}{spread}")
        con.print(f"  SRAM    {_b(stats['sram_bytes'])} = static {_b(stats['static_ram_bytes'])} (.data + .bss) "
                  f"+ stack high-water {_b(stats['stack_bytes'])}  [dim](linker reserve "
                  f"{stats['ram_reserve_bytes']:,} B for heap and stack not counted)[/dim]")
        con.print(f"  flash   {_b(stats['flash_bytes'])}")


def print_layers(c, con: Console | None = None) -> None:
    con = con or console()
    rep = c.report
    work = [layer["work_live_bytes"] for layer in rep["layers"]]
    peak = max(range(len(work)), key=lambda i: (work[i], -i)) if work else -1
    t = Table(title=f"{rep['model']}: {len(rep['layers'])} layers, arena {rep['arena_bytes']:,} B, "
                    f"work {rep['work_bytes']:,} B")
    for col, just in (("#", "right"), ("layer", "left"), ("op", "left"), ("output", "left"),
                      ("MACs", "right"), ("live bytes", "right"), ("in place", "center")):
        t.add_column(col, justify=just, overflow="fold")
    for i, layer in enumerate(rep["layers"]):
        style = "bold red" if i == peak else None
        t.add_row(str(i) + ("p" if layer.get("patch_stage") else ""), layer["name"], layer["op"],
                  "x".join(map(str, layer["output_shape"])),
                  f"{layer['macs']:,}", f"{work[i]:,}" + (" <- peak" if i == peak else ""),
                  "yes" if layer["inplace"] else "", style=style)
    t.caption = ("live bytes: activations and scratch live during the layer, the model input in the "
                 "caller's buffer (the work_bytes convention, both modes)")
    if "patch" in rep:
        t.caption += "; #p: runs patch by patch (MACs over all patches, live bytes of one loop iteration)"
    con.print(t)
    print_summary(rep, "(not written)", con)


def plot_memory(c, path) -> None:
    """The --plot figure (tinyc/plot.py)."""
    from tinyc.plot import plot_memory as draw
    draw(c, path)


def load_profile(path) -> dict:
    """The 'profile' of a `tinyc run --profile --stats S.json` file (TinycError if it has none)."""
    import json
    from pathlib import Path

    from tinyc.errors import TinycError
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError) as e:
        raise TinycError(f"cannot read the stats file: {e}", str(path)) from None
    prof = data.get("profile") if isinstance(data, dict) else None
    if not isinstance(prof, dict) or not isinstance(prof.get("layers"), list):
        raise TinycError("no 'profile' in this stats file: write it with `tinyc run --profile --stats S.json`",
                         str(path))
    return prof


def print_profile(prof: dict, top: int | None = None) -> None:
    """Instructions per layer (or per patch-stage node over all tiles), share of the whole, per MAC."""
    total = max(prof["sum_instructions"], 1)
    t = Table(title=f"profile: {prof['sum_instructions']:,} instructions over the layers, "
                    f"{prof['invoke_instructions']:,} for the whole invoke")
    for col, just in (("#", "right"), ("layer", "left"), ("op", "left"), ("instructions", "right"),
                      ("share", "right"), ("per MAC", "right")):
        t.add_column(col, justify=just)
    rows = list(enumerate(prof["layers"]))
    if top:
        rows = sorted(rows, key=lambda r: -r[1]["instructions"])[:top]
    for i, r in rows:
        tag = "p" if r["kind"] in ("patch_node", "patch_copies", "quantmcu") else ""
        t.add_row(f"{i}{tag}", r["name"][-40:], r["op"], f"{r['instructions']:,}",
                  f"{100 * r['instructions'] / total:.1f}%",
                  f"{r['instructions_per_mac']:.2f}" if r.get("instructions_per_mac") else "")
    if any(r["kind"] != "layer" and r["kind"] != "overhead" for r in prof["layers"]):
        t.caption = "#p: patch loop, summed over its tiles"
    Console().print(t)
