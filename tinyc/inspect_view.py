"""Human-facing views of a compiled model: the summary, the per-layer table, the memory plot."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table


def _kb(n: int) -> str:
    return f"{n:,} B ({n / 1024:.1f} KiB)"


def print_summary(report: dict, outdir) -> None:
    con = Console()
    con.print(f"[bold]{report['model']}[/bold] -> {outdir}  (board {report['board']})")
    con.print(f"  arena   {_kb(report['arena_bytes'])}  [dim](lower bound {report['lower_bound_bytes']:,} B, "
              f"plan {report['plan_strategy']})[/dim]")
    con.print(f"  weights {_kb(report['weights_bytes'])}")
    con.print(f"  MACs    {report['macs']:,}")
    if "patch" in report:
        print_patch(con, report)


def print_patch(con, report: dict) -> None:
    """The patch plan: split, grid, work memory with and without patching, MAC overhead."""
    p = report["patch"]
    con.print(f"  patch   plan {p['plan']}: split after node {p['split']} ({p['split_node'][-40:]}), "
              f"{p['grid'][0]}x{p['grid'][1]} grid over {'x'.join(map(str, p['split_shape'][1:]))}")
    con.print(f"          peak SRAM (input included) {p['peak_bytes']:,} B patch-based vs "
              f"{p['peak_bytes_layer_by_layer']:,} B layer by layer")
    con.print(f"          work (input {report['input_bytes']:,} B outside) {p['work_bytes']:,} B vs "
              f"{p['work_bytes_layer_by_layer_input_outside']:,} B layer by layer")
    con.print(f"          MACs +{100 * p['mac_overhead']:.1f}% ({p['macs']:,} vs {p['macs_layer_by_layer']:,})")


def print_layers(c) -> None:
    rep = c.report
    peak = rep["peak_layer"]
    t = Table(title=f"{rep['model']}: {len(rep['layers'])} layers, arena {rep['arena_bytes']:,} B, "
                    f"lower bound {rep['lower_bound_bytes']:,} B ({rep['plan_strategy']})")
    for col, just in (("#", "right"), ("layer", "left"), ("op", "left"), ("output", "left"),
                      ("MACs", "right"), ("live bytes", "right"), ("in place", "center")):
        t.add_column(col, justify=just)
    for i, layer in enumerate(rep["layers"]):
        style = "bold red" if i == peak else None
        t.add_row(str(i) + ("p" if layer.get("patch_stage") else ""), layer["name"][-40:], layer["op"],
                  "x".join(map(str, layer["output_shape"])),
                  f"{layer['macs']:,}", f"{layer['live_bytes']:,}" + (" <- peak" if i == peak else ""),
                  "yes" if layer["inplace"] else "", style=style)
    if "patch" in rep:
        t.caption = "#p: runs patch by patch (MACs over all patches, live bytes of one loop iteration)"
    Console().print(t)
    print_summary(rep, "(not written)")


def plot_memory(c, path) -> None:
    """Live memory over the layers, stacked by tensor."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if "patch" in c.report:
        return plot_patch_memory(c.report, path, plt)
    mem = c.memory
    n = len(c.report["layers"])
    fig, ax = plt.subplots(figsize=(max(6, n * 0.35), 4))
    bottoms = [0] * n
    for b in sorted(mem.buffers, key=lambda b: (b.first, b.name)):
        # an in-place group occupies, at each step, its largest live member
        heights = [max([s for _, s, f, last in b.rects() if f <= i <= last], default=0) for i in range(n)]
        ax.bar(range(n), heights, bottom=bottoms, width=0.85, label=b.members[0][-24:])
        bottoms = [x + h for x, h in zip(bottoms, heights)]
    ax.axhline(c.report["arena_bytes"], color="k", ls="--", lw=1, label=f"arena {c.report['arena_bytes']:,} B")
    ax.set_xlabel("layer")
    ax.set_ylabel("live bytes")
    ax.set_title(f"{c.report['model']}: live activation memory per layer")
    if len(mem.buffers) <= 20:
        ax.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=120)
    finally:
        plt.close(fig)


def plot_patch_memory(rep: dict, path, plt) -> None:
    """Per-layer live memory, layer by layer vs patch-based (as MCUNetV2's figure), peaks marked."""
    p = rep["patch"]
    base, patched = p["live_bytes_layer_by_layer"], p["live_bytes"]
    n = len(base)
    xs = list(range(n))
    fig, ax = plt.subplots(figsize=(max(6, n * 0.35), 4))
    ax.bar([x - 0.2 for x in xs], base, width=0.4, color="tab:gray", label="layer by layer")
    ax.bar([x + 0.2 for x in xs], patched, width=0.4, color="tab:blue", label=f"patch-based ({p['plan']})")
    ax.axhline(max(base), color="tab:gray", ls="--", lw=1, label=f"peak {max(base):,} B")
    ax.axhline(max(patched), color="tab:blue", ls="--", lw=1, label=f"peak {max(patched):,} B")
    ax.axvspan(-0.5, p["split"] + 0.5, color="tab:blue", alpha=0.08, label="patch stage")
    ax.set_xlabel("layer")
    ax.set_ylabel("live bytes (model input excluded in patch mode)")
    ax.set_title(f"{rep['model']}: per-layer memory, MACs +{100 * p['mac_overhead']:.1f}% with patches")
    ax.legend(fontsize=7)
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=120)
    finally:
        plt.close(fig)


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
